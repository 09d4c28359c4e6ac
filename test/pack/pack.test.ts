/**
 * The packages as a user gets them, outside this repository: `scripts/pack.mjs` (what `npm run pack`
 * runs after the build) writes one tarball per package; the CLI is installed from its tarball into
 * a folder under os.tmpdir(); for each template, `adapt init --adapt-from <tarballs>` makes an app
 * beside it, `npm install` takes every @adapt/* from the tarballs (hono, express, typescript come
 * from the npm registry), then `adapt build --target all`, `adapt start --target node` on a free
 * port, real HTTP requests, SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const npmFlags = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
const slow = 300_000;

/** npm and the CLI run as in a fresh shell: nothing of the `npm test` that may be running us. */
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_(package|lifecycle)_|^npm_config_(local_prefix|workspaces?|include_workspace_root)$|^INIT_CWD$/i.test(key)),
);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

async function mustRun(command: string, args: string[], cwd: string): Promise<Run> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** `adapt start` in the background; resolves with the origin it prints once it listens. */
function startServer(bin: string, cwd: string): { child: ChildProcess; origin: Promise<string>; exited: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [bin, 'start', '--target', 'node', '--port', '0', '--host', '127.0.0.1'], {
    cwd,
    env: { ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolvePromise) => child.once('exit', (code) => resolvePromise(code)));
  const origin = new Promise<string>((resolvePromise, reject) => {
    const watch = (chunk: string) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolvePromise(match[1]);
    };
    child.stdout!.setEncoding('utf8').on('data', watch);
    child.stderr!.setEncoding('utf8').on('data', watch);
    void exited.then((code) => reject(new Error(`adapt start exited (${code}) before it listened:\n${output}`)));
  });
  return { child, origin, exited, output: () => output };
}

let work: string;
let tarballs: string;
let packed: { name: string; version: string; file: string }[];
/** The packed CLI's binary, installed from its tarball in a folder of its own. */
let toolBin: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'adapt-pack-test-'));
  tarballs = join(work, 'tarballs');
  const pack = await mustRun(process.execPath, [join(repoRoot, 'scripts/pack.mjs'), '--out', tarballs, '--json'], repoRoot);
  packed = JSON.parse(pack.stdout).tarballs;

  const tool = join(work, 'tool');
  mkdirSync(tool);
  writeFileSync(join(tool, 'package.json'), '{ "private": true }\n');
  await mustRun('npm', ['install', ...packed.map((tarball) => tarball.file), ...npmFlags], tool);
  toolBin = join(tool, 'node_modules/@adapt/cli/bin/adapt.js');
}, slow);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

it('packs every package of packages/ that is not private', () => {
  expect(relative(repoRoot, work).startsWith('..')).toBe(true);
  expect(packed.map((tarball) => tarball.name).sort()).toEqual([
    '@adapt/cgi',
    '@adapt/cli',
    '@adapt/core',
    '@adapt/fastcgi',
    '@adapt/gcf',
    '@adapt/iisnode',
    '@adapt/lambda',
    '@adapt/node',
  ]);
  for (const tarball of packed) expect(tarball.file).toBe(join(tarballs, `${tarball.name.replace('@', '').replace('/', '-')}-${tarball.version}.tgz`));
});

describe.each([
  ['fetch', 'Hello from adapt!\n', { hello: 'packed', platform: 'node' }],
  ['hono', 'Hello from Hono on adapt!\n', { hello: 'packed' }],
  ['express', 'Hello from Express on adapt!\n', { hello: 'packed' }],
])('an app from the %s template, installed from the tarballs', (template, home, greeting) => {
  it(
    'installs without the registry for @adapt/*, builds for every target, starts and answers',
    async () => {
      const init = await mustRun(process.execPath, [toolBin, 'init', `${template}-app`, '--template', template, '--adapt-from', tarballs, '--json'], work);
      const created = JSON.parse(init.stdout);
      expect(created).toMatchObject({ ok: true, template, adaptFrom: { kind: 'tarballs', dir: tarballs } });
      const app = created.dir as string;

      await mustRun('npm', ['install', ...npmFlags], app);
      // Real folders unpacked from the tarballs, not links into the repository; @adapt/lambda,
      // which the template does not list, came with the CLI from its tarball too.
      const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'));
      for (const name of ['@adapt/core', '@adapt/node', '@adapt/cli', '@adapt/lambda', '@adapt/iisnode', '@adapt/gcf', '@adapt/fastcgi', '@adapt/cgi']) {
        expect(lstatSync(join(app, 'node_modules', name)).isSymbolicLink()).toBe(false);
        expect(lock.packages[`node_modules/${name}`].resolved).toMatch(/^file:\.\.\/tarballs\/adapt-[a-z]+-\d+\.\d+\.\d+\.tgz$/);
      }

      const bin = join(app, 'node_modules/@adapt/cli/bin/adapt.js');
      const build = await mustRun(process.execPath, [bin, 'build', '--target', 'all', '--json'], app);
      const builds = JSON.parse(build.stdout).builds as { target: string; files: { path: string }[] }[];
      expect(builds.map((built) => built.target)).toEqual(['appengine', 'cgi', 'fastcgi', 'gcf', 'iisnode', 'lambda', 'node']);
      expect(builds.find((built) => built.target === 'gcf')!.files.map((file) => file.path)).toEqual(expect.arrayContaining(['index.mjs', 'source.zip']));
      expect(builds.find((built) => built.target === 'appengine')!.files.map((file) => file.path)).toContain('app.yaml');
      expect(builds.find((built) => built.target === 'fastcgi')!.files.map((file) => file.path)).toContain('nginx-site.conf');
      expect(builds.find((built) => built.target === 'iisnode')!.files.map((file) => file.path)).toEqual(expect.arrayContaining(['index.cjs', 'server.mjs', 'web.config']));
      expect(builds.find((built) => built.target === 'lambda')!.files.map((file) => file.path)).toContain('function.zip');
      expect(builds.find((built) => built.target === 'node')!.files.map((file) => file.path)).toContain('server.mjs');

      const server = startServer(bin, app);
      try {
        const origin = await server.origin;
        const page = await fetch(`${origin}/`);
        expect([page.status, await page.text()]).toEqual([200, home]);
        const hello = await fetch(`${origin}/api/hello?name=packed`);
        expect(await hello.json()).toEqual(greeting);
      } finally {
        server.child.kill('SIGTERM');
      }
      expect(await server.exited).toBe(0);
    },
    slow,
  );
});

it('names the installed targets when one is missing from the app', async () => {
  const app = join(work, 'fetch-app');
  const unknown = await run(process.execPath, [join(app, 'node_modules/@adapt/cli/bin/adapt.js'), 'build', '--target', 'gcp'], app);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('error: unknown target "gcp"');
  expect(unknown.stderr).toContain('installed targets: appengine, cgi, fastcgi, gcf, iisnode, lambda, node');
});

it(
  'an app pointed at this checkout links its packages and runs from them',
  async () => {
    const init = await mustRun(process.execPath, [toolBin, 'init', 'linked-app', '--adapt-from', repoRoot, '--json'], work);
    const app = JSON.parse(init.stdout).dir as string;
    await mustRun('npm', ['install', ...npmFlags], app);
    expect(realpathSync(join(app, 'node_modules/@adapt/node'))).toBe(realpathSync(join(repoRoot, 'packages/node')));

    const bin = join(app, 'node_modules/@adapt/cli/bin/adapt.js');
    await mustRun(process.execPath, [bin, 'build', '--target', 'node'], app);
    const server = startServer(bin, app);
    try {
      const answer = await fetch(`${await server.origin}/api/hello?name=linked`);
      expect(await answer.json()).toEqual({ hello: 'linked', platform: 'node' });
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  },
  slow,
);
