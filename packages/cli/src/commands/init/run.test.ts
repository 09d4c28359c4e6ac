import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { templates } from './index.js';
import { templatesDir } from './run.js';

function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesOf(path) : [path];
  });
}

describe.each(templates)('template %s', (template) => {
  const dir = join(templatesDir, template);
  const files = filesOf(dir).map((file) => relative(dir, file));

  it('has an app, a config, a package.json and the ignore file (stored without its dot)', () => {
    expect(files).toEqual(expect.arrayContaining(['src/app.ts', 'adapt.config.ts', 'package.json', 'tsconfig.json', 'gitignore', 'README.md']));
    expect(files).not.toContain('.gitignore'); // npm would drop or rename it on publish
  });

  it('names the app only through the {{name}} placeholder', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(manifest.name).toBe('{{name}}');
    expect(manifest.type).toBe('module');
    expect(manifest.scripts).toMatchObject({ dev: 'adapt dev', build: 'adapt build --target node', start: 'adapt start --target node' });
    expect(Object.keys(manifest.devDependencies)).toContain('@adapt/cli');
  });

  it('exports the app as the default export', () => {
    expect(readFileSync(join(dir, 'src/app.ts'), 'utf8')).toMatch(/^export default /m);
  });
});
