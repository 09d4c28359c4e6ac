/** `adapt init`: each template scaffolds an app that builds and answers right away. */
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { send } from '@adapt/conformance/http';
import { CliProcess, repoRoot, runCli, tempProject } from './helpers.js';

const workspace = tempProject({});
afterAll(() => workspace.remove());

describe.each([
  ['fetch', 'Hello from adapt!\n', { hello: 'ada', platform: 'node' }],
  ['hono', 'Hello from Hono on adapt!\n', { hello: 'ada' }],
  ['express', 'Hello from Express on adapt!\n', { hello: 'ada' }],
])('adapt init --template %s', (template, home, greeting) => {
  it('scaffolds an app that builds for node and runs', async () => {
    const init = await runCli(['init', `my-${template}-app`, '--template', template, '--json'], { cwd: workspace.dir });
    expect(init.code).toBe(0);
    const created = JSON.parse(init.stdout);
    const dir = join(workspace.dir, `my-${template}-app`);
    expect(created).toMatchObject({ ok: true, template, name: `my-${template}-app`, dir });
    expect(created.files).toEqual(expect.arrayContaining(['.gitignore', 'adapt.config.ts', 'package.json', 'src/app.ts', 'tsconfig.json', 'public/robots.txt']));
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name).toBe(`my-${template}-app`);

    // As after `npm install`: the monorepo's packages stand in for the registry's.
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const build = await runCli(['build', '--target', 'node'], { cwd: dir });
    expect(build.stderr).toContain('✓ bundle node');
    expect(build.code).toBe(0);

    const server = new CliProcess(['start', '--port', '0'], { cwd: dir });
    try {
      const [, origin] = await server.waitFor(/listening on (http:\/\/\S+)/);
      const answer = await send(origin, '/');
      expect([answer.status, Buffer.from(answer.body).toString()]).toEqual([200, home]);
      const json = await send(origin, '/api/hello?name=ada');
      expect(JSON.parse(Buffer.from(json.body).toString())).toEqual(greeting);
      const robots = await send(origin, '/robots.txt');
      expect(Buffer.from(robots.body).toString()).toBe('User-agent: *\nAllow: /\n');
      const echo = await send(origin, '/api/echo', { method: 'POST', headers: [['content-type', 'application/json']], body: '{"a":1}' });
      expect(JSON.parse(Buffer.from(echo.body).toString())).toEqual({ a: 1 });
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
  });
});

describe('adapt init refusals', () => {
  it('will not write into a folder that is not empty, unless --force', async () => {
    const busy = tempProject({ 'notes.txt': 'mine' });
    try {
      const refused = await runCli(['init', '.'], { cwd: busy.dir });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('error: . is not empty');
      expect(refused.stderr).toContain('add --force');
      const forced = await runCli(['init', '.', '--force', '--name', 'Busy App'], { cwd: busy.dir });
      expect(forced.code).toBe(0);
      expect(forced.stdout).toContain('Created busy-app (fetch) in .');
      expect(readFileSync(join(busy.dir, 'notes.txt'), 'utf8')).toBe('mine');
    } finally {
      busy.remove();
    }
  });
});

// The templates are part of the published package: `files` must list them.
it('ships the templates in the package', () => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages/cli/package.json'), 'utf8'));
  expect(manifest.files).toContain('templates');
});
