/**
 * `adapt init --adapt-from`: where the app's @adapt/* come from. Installing from real tarballs is
 * test/pack/pack.test.ts; here, what init writes and refuses.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, tempProject } from './helpers.js';

const workspace = tempProject({});
afterAll(() => workspace.remove());

const packages = ['@adapt/cli', '@adapt/core', '@adapt/iisnode', '@adapt/lambda', '@adapt/node'];

describe('adapt init without --adapt-from', () => {
  it('asks the registry for @adapt/* and says that they are not published yet, and how to point at this checkout', async () => {
    const init = await runCli(['init', 'registry-app'], { cwd: workspace.dir });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('Note: @adapt/* are not published on the npm registry yet');
    expect(init.stdout).toContain(`adapt init registry-app --template fetch --force --adapt-from ${repoRoot}`);
    const manifest = JSON.parse(readFileSync(join(workspace.dir, 'registry-app/package.json'), 'utf8'));
    expect(manifest.dependencies['@adapt/core']).toBe('^0.1.0');
    expect(manifest.overrides).toBeUndefined();
  });
});

describe('adapt init --adapt-from', () => {
  it('links every @adapt/* package of a checkout with file: specs, overrides included', async () => {
    const init = await runCli(['init', 'linked-app', '--template', 'hono', '--adapt-from', repoRoot, '--json'], { cwd: workspace.dir });
    expect(init.code).toBe(0);
    const app = join(workspace.dir, 'linked-app');
    const spec = (name: string) => `file:${relative(app, join(repoRoot, 'packages', name.slice('@adapt/'.length)))}`;
    expect(JSON.parse(init.stdout).adaptFrom).toEqual({
      kind: 'checkout',
      dir: repoRoot,
      packages: Object.fromEntries(packages.map((name) => [name, join(repoRoot, 'packages', name.slice('@adapt/'.length))])),
    });
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    expect(manifest.dependencies).toEqual({ '@adapt/core': spec('@adapt/core'), '@adapt/node': spec('@adapt/node'), hono: '^4.13.0' });
    expect(manifest.devDependencies['@adapt/cli']).toBe(spec('@adapt/cli'));
    expect(manifest.overrides).toEqual(Object.fromEntries(packages.map((name) => [name, spec(name)])));
  });

  it('takes tarballs by their npm pack names, relative to the app', async () => {
    const folder = join(workspace.dir, 'tarballs');
    mkdirSync(folder);
    for (const name of ['cli', 'core', 'node']) writeFileSync(join(folder, `adapt-${name}-0.2.0-beta.1.tgz`), '');
    writeFileSync(join(folder, 'notes.txt'), 'not a tarball');
    const init = await runCli(['init', 'apps/from-tarballs', '--adapt-from', 'tarballs'], { cwd: workspace.dir });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`@adapt/* come from the tarballs in ${folder}`);
    expect(init.stdout).not.toContain('not published');
    const manifest = JSON.parse(readFileSync(join(workspace.dir, 'apps/from-tarballs/package.json'), 'utf8'));
    expect(manifest.dependencies['@adapt/node']).toBe('file:../../tarballs/adapt-node-0.2.0-beta.1.tgz');
    expect(Object.keys(manifest.overrides)).toEqual(['@adapt/cli', '@adapt/core', '@adapt/node']);
  });

  it('refuses a folder with two versions of one package, one without the template’s packages, or none', async () => {
    const two = join(workspace.dir, 'two-versions');
    mkdirSync(two);
    for (const file of ['adapt-core-0.1.0.tgz', 'adapt-core-0.2.0.tgz']) writeFileSync(join(two, file), '');
    const twice = await runCli(['init', 'a', '--adapt-from', 'two-versions'], { cwd: workspace.dir });
    expect([twice.code, twice.stderr]).toEqual([2, expect.stringContaining('holds more than one tarball of @adapt/core: adapt-core-0.1.0.tgz, adapt-core-0.2.0.tgz')]);

    const partial = join(workspace.dir, 'core-only');
    mkdirSync(partial);
    writeFileSync(join(partial, 'adapt-core-0.1.0.tgz'), '');
    const short = await runCli(['init', 'b', '--adapt-from', 'core-only'], { cwd: workspace.dir });
    expect([short.code, short.stderr]).toEqual([1, expect.stringContaining(`${partial} has no @adapt/node, @adapt/cli, which the template needs`)]);
    expect(short.stderr).toContain('run npm run pack again');
    expect(existsSync(join(workspace.dir, 'b'))).toBe(false);

    mkdirSync(join(workspace.dir, 'empty'));
    const empty = await runCli(['init', 'c', '--adapt-from', 'empty'], { cwd: workspace.dir });
    expect([empty.code, empty.stderr]).toEqual([2, expect.stringContaining('holds neither @adapt tarballs (adapt-*.tgz) nor an adapt checkout')]);
    expect(empty.stderr).toContain('npm run pack');

    const missing = await runCli(['init', 'd', '--adapt-from', 'nowhere'], { cwd: workspace.dir });
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('--adapt-from nowhere: no such folder')]);
  });

  it('refuses a checkout that is not built, saying how to build it', async () => {
    const checkout = join(workspace.dir, 'unbuilt-checkout');
    mkdirSync(join(checkout, 'packages/core'), { recursive: true });
    writeFileSync(join(checkout, 'packages/core/package.json'), JSON.stringify({ name: '@adapt/core', version: '0.1.0' }));
    const init = await runCli(['init', 'e', '--adapt-from', 'unbuilt-checkout'], { cwd: workspace.dir });
    expect(init.code).toBe(1);
    expect(init.stderr).toContain(`error: the adapt checkout at ${checkout} is not installed and built (no packages/core/dist)`);
    expect(init.stderr).toContain(`run: cd ${checkout} && npm ci && npm run build`);
  });

  it('is in --help, with examples', async () => {
    const help = await runCli(['init', '--help'], { cwd: workspace.dir });
    expect(help.stdout).toContain('--adapt-from <dir>');
    expect(help.stdout).toContain('adapt init my-app --adapt-from ../adapt/.adapt-pack');
    expect(help.stdout).toContain('adapt init my-app --adapt-from ../adapt ');
  });
});
