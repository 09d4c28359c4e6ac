/** `adapt build` with a target installed in the project: bundle, package, size report, determinism. */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { echoTargetFiles, runCli, tempProject } from './helpers.js';

const config = `import { defineConfig } from '@adapt/core';
import { greeting } from './src/greeting.js';

export default defineConfig({
  name: 'Shop Front',
  memory: 256,
  env: { GREETING: greeting, SHARED: 'yes' },
  stages: { prod: { memory: 1024, env: { GREETING: 'hello from prod' } } },
  targets: { echo: { region: 'eu-west-1', flavour: 'target-specific', stages: { prod: { region: 'us-east-1' } } } },
});
`;

const files = {
  'package.json': JSON.stringify({ name: 'shop', type: 'module' }),
  'adapt.config.ts': config,
  'src/greeting.ts': "export const greeting: string = 'hello from config';\n",
  'src/app.ts': `import { shout } from './shout.js';
/** A comment that minification removes. */
export const app = {
  fetch(request: Request): Response {
    return new Response(shout(new URL(request.url).pathname));
  },
};
`,
  'src/shout.ts': 'export const shout = (text: string): string => text.toUpperCase() + "!";\n',
  ...echoTargetFiles,
};

const project = tempProject(files);
afterAll(() => project.remove());

const out = (dir: string, path: string) => join(dir, '.adapt/echo', path);

describe('adapt build --target echo', () => {
  it('bundles the app into one runnable file, packages it, and reports sizes as JSON', async () => {
    const run = await runCli(['build', '--target', 'echo', '--json'], { cwd: project.dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document.ok).toBe(true);
    expect(document.builds).toHaveLength(1);
    const [build] = document.builds;
    expect(build).toMatchObject({ target: 'echo', stage: 'dev', outDir: join(project.dir, '.adapt/echo') });
    expect(build.files.map((file: { path: string }) => file.path)).toEqual(['main.mjs', 'settings.json']);
    for (const file of build.files) {
      expect(file.bytes).toBe(readFileSync(out(project.dir, file.path)).byteLength);
      expect(file.gzipBytes).toBeGreaterThan(0);
    }
    // The bundle runs on its own: the app and @adapt/core (resolved from the CLI's install) are inside it.
    expect(execFileSync(process.execPath, [out(project.dir, 'main.mjs'), '/hi'], { encoding: 'utf8' })).toBe('200 /HI!\n');
    expect(readdirSync(join(project.dir, '.adapt/echo')).sort()).toEqual(['main.mjs', 'settings.json']);
  });

  it('compiles the TypeScript config (and what it imports) and merges settings for the stage', async () => {
    const dev = await runCli(['build', '--target', 'echo'], { cwd: project.dir });
    expect(dev.code).toBe(0);
    expect(JSON.parse(readFileSync(out(project.dir, 'settings.json'), 'utf8'))).toEqual({
      stage: 'dev',
      appName: 'shop-front',
      production: true,
      settings: { name: 'Shop Front', memory: 256, env: { GREETING: 'hello from config', SHARED: 'yes' }, region: 'eu-west-1', flavour: 'target-specific' },
    });
    const prod = await runCli(['build', '--target', 'echo', '--stage', 'prod'], { cwd: project.dir });
    expect(prod.code).toBe(0);
    expect(JSON.parse(readFileSync(out(project.dir, 'settings.json'), 'utf8')).settings).toEqual({
      name: 'Shop Front',
      memory: 1024,
      env: { GREETING: 'hello from prod', SHARED: 'yes' },
      region: 'us-east-1',
      flavour: 'target-specific',
    });
    // The compiled config is temporary.
    expect(readdirSync(join(project.dir, '.adapt')).filter((name) => name.startsWith('config.'))).toEqual([]);
  });

  it('finds the project from a subfolder', async () => {
    const run = await runCli(['build', '--target', 'echo', '--json'], { cwd: join(project.dir, 'src') });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).builds[0].outDir).toBe(join(project.dir, '.adapt/echo'));
  });

  it('prints a size report on stdout and progress on stderr', async () => {
    const run = await runCli(['build', '--target', 'echo'], { cwd: project.dir });
    expect(run.stdout).toMatch(/^echo \(stage dev\) -> .*\.adapt\/echo\/ in \d+ ms\n {2}main\.mjs +[\d.]+ (B|KiB) +[\d.]+ (B|KiB) gzip {2}bundle/);
    expect(run.stderr).toMatch(/✓ bundle echo .*\(\d+ ms\)\n.*✓ package echo/s);
  });

  it('is deterministic: the same sources give the same bytes, in another folder too', async () => {
    await runCli(['build', '--target', 'echo'], { cwd: project.dir });
    const first = readFileSync(out(project.dir, 'main.mjs'));
    await runCli(['build', '--target', 'echo'], { cwd: project.dir });
    expect(readFileSync(out(project.dir, 'main.mjs')).equals(first)).toBe(true);

    const root = mkdtempSync(join(tmpdir(), 'adapt-cli-copy-'));
    const copy = join(root, 'at/another/depth'); // paths differ in length and depth: bytes must not
    try {
      cpSync(project.dir, copy, { recursive: true, filter: (source) => !source.includes('.adapt') });
      const run = await runCli(['build', '--target', 'echo'], { cwd: copy });
      expect(run.code).toBe(0);
      expect(readFileSync(out(copy, 'main.mjs')).equals(first)).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('minifies unless --no-minify; writes a linked source map with --sourcemap', async () => {
    await runCli(['build', '--target', 'echo'], { cwd: project.dir });
    const minified = readFileSync(out(project.dir, 'main.mjs'), 'utf8');
    expect(minified).not.toContain('A comment that minification removes');
    expect(minified).not.toContain('sourceMappingURL');

    const readable = await runCli(['build', '--target', 'echo', '--no-minify', '--sourcemap', '--json'], { cwd: project.dir });
    expect(readable.code).toBe(0);
    const code = readFileSync(out(project.dir, 'main.mjs'), 'utf8');
    expect(code.length).toBeGreaterThan(minified.length);
    expect(code).toContain('var shout = (text) =>');
    expect(code).toMatch(/\/\/# sourceMappingURL=main\.mjs\.map\n$/);
    const map = JSON.parse(readFileSync(out(project.dir, 'main.mjs.map'), 'utf8'));
    expect(map.sources).toContain('../../src/shout.ts');
    expect(JSON.parse(readable.stdout).builds[0].files.map((file: { path: string }) => file.path)).toEqual(['main.mjs', 'main.mjs.map', 'settings.json']);
  });

  it('--out puts the build elsewhere; with --target all, one folder per target', async () => {
    const run = await runCli(['build', '--target', 'echo', '--out', 'dist/echo-build'], { cwd: project.dir });
    expect(run.code).toBe(0);
    expect(existsSync(join(project.dir, 'dist/echo-build/main.mjs'))).toBe(true);

    const refused = await runCli(['build', '--target', 'echo', '--out', '.'], { cwd: project.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('would overwrite the project itself');
  });

  it('--target all builds every installed target it can, then exits 1 naming the one that failed', async () => {
    const { 'adapt.config.ts': _config, ...withoutConfig } = files;
    const mixed = tempProject({
      ...withoutConfig,
      'node_modules/@adapt/broken/package.json': JSON.stringify({ name: '@adapt/broken', type: 'module', exports: { './target': './target.js' } }),
      'node_modules/@adapt/broken/target.js':
        "export default { name: 'broken', description: 'always refuses', bundle() { throw Object.assign(new Error('region is required'), { code: 'BAD_SETTING', hint: 'set targets.broken.region', [Symbol.for('adapt.error')]: true }); } };\n",
    });
    try {
      // every installed target: the project's own (echo, broken) and those beside the CLI (node...)
      const run = await runCli(['build', '--target', 'all', '--out', 'dist/all'], { cwd: mixed.dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /error: 1 of \d+ targets failed to build \((?:[a-z]+, )*echo, .*node.* built\):\n {2}broken: region is required\n {2}set targets\.broken\.region\n/,
      );
      expect(run.stdout).toMatch(/^echo \(stage dev\)/m);
      expect(run.stdout).toMatch(/^node \(stage dev\)/m);
      expect(existsSync(join(mixed.dir, 'dist/all/echo/main.mjs'))).toBe(true);
      expect(existsSync(join(mixed.dir, 'dist/all/node/server.mjs'))).toBe(true);
    } finally {
      mixed.remove();
    }
  });

  it('gives bundled CommonJS code a working require (built-ins, require.resolve, require.cache), made only when used', async () => {
    const withCjs = tempProject({
      ...files,
      'node_modules/cjs-dep/package.json': JSON.stringify({ name: 'cjs-dep', version: '1.0.0', main: 'index.js' }),
      'node_modules/cjs-dep/index.js':
        "const path = require('node:path');\nexports.describe = () => [path.posix.join('a', 'b'), require.resolve('node:os'), typeof require.cache].join(' ');\n",
      'src/shout.ts': "import { describe } from 'cjs-dep';\nexport const shout = (text: string): string => text + ' ' + describe();\n",
    });
    try {
      const run = await runCli(['build', '--target', 'echo'], { cwd: withCjs.dir });
      expect(run.code).toBe(0);
      expect(execFileSync(process.execPath, [out(withCjs.dir, 'main.mjs'), '/x'], { encoding: 'utf8' })).toBe('200 /x a/b node:os object\n');
      // a bundle whose code never calls require does not load node:module for it
      const probe =
        "const before = process.moduleLoadList.length; await import(process.argv[1]); console.log(process.moduleLoadList.slice(before).filter((name) => name === 'NativeModule module').length);";
      const plain = tempProject(files);
      try {
        expect((await runCli(['build', '--target', 'echo'], { cwd: plain.dir })).code).toBe(0);
        expect(
          execFileSync(process.execPath, ['--input-type=module', '-e', probe, out(plain.dir, 'main.mjs')], { encoding: 'utf8' })
            .trim()
            .split('\n')
            .at(-1),
        ).toBe('0');
      } finally {
        plain.remove();
      }
    } finally {
      withCjs.remove();
    }
  });

  it('a bundling error names the file and line, and exits 1', async () => {
    const broken = tempProject({ ...files, 'src/shout.ts': 'export const shout = (text: string) => text +;\n' });
    try {
      const run = await runCli(['build', '--target', 'echo'], { cwd: broken.dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/error: esbuild could not bundle the app for echo:\n {2}src\/shout\.ts:1:\d+: Unexpected ";"/);
      const missing = tempProject({ ...files, 'src/shout.ts': "import leftPad from 'left-pad-not-installed';\nexport const shout = leftPad;\n" });
      const run2 = await runCli(['build', '--target', 'echo'], { cwd: missing.dir });
      missing.remove();
      expect(run2.code).toBe(1);
      expect(run2.stderr).toContain('Could not resolve "left-pad-not-installed"');
      expect(run2.stderr).toContain('npm install it');
    } finally {
      broken.remove();
    }
  });
});
