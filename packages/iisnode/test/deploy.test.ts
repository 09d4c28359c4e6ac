/**
 * adapt deploy / rollback --target iisnode --to <folder>, against a real nginx serving
 * <folder>/current as IIS would serve the site's physical path: a loop of requests during a deploy
 * and during a rollback never sees an error or a half-deployed release. Then the refusals.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, text } from '@adapt/conformance/http';
import { freePort, startNginx, type RunningNginx } from '@adapt/conformance/nginx';
import { requireComponent } from '../../../test/components.js';
import { cliBin, makeProject, runCli } from './helpers/build.js';

const probe = fileURLToPath(new URL('./fixtures/probe/app.mjs', import.meta.url));

describe('folder deploy and rollback under load', () => {
  const nginxHere = requireComponent('nginx');
  let project: string;
  let site: string;
  let nginxDir: string;
  let nginx: RunningNginx | undefined;
  let port: number;

  const setVersion = (version: string) => writeFileSync(join(project, 'public', 'version.txt'), `${version}\n`);
  const deploy = () => runCli(['deploy', '--target', 'iisnode', '--to', site, '--json'], project);

  beforeAll(async () => {
    if (!nginxHere) return;
    project = makeProject({ entry: probe, static: 'public' });
    mkdirSync(join(project, 'public'));
    site = mkdtempSync(join(tmpdir(), 'adapt-iisnode-site-'));
    chmodSync(site, 0o755); // nginx's workers read it as an unprivileged user
    setVersion('A');
    const first = await deploy();
    expect(first.code, first.stderr).toBe(0);
    nginxDir = mkdtempSync(join(tmpdir(), 'adapt-iisnode-nginx-'));
    port = await freePort();
    const siteFile = join(nginxDir, 'site.conf');
    writeFileSync(siteFile, `server {\n  listen 127.0.0.1:${port};\n  root ${join(site, 'current')};\n  location / { }\n}\n`);
    nginx = await startNginx(nginxDir, siteFile, port);
  });

  afterAll(async () => {
    await nginx?.stop();
    for (const dir of [project, site, nginxDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Requests the release's files until `during` settles; every answer must be complete and of one release. */
  async function loadDuring(during: Promise<unknown>): Promise<{ seen: Set<string>; failures: string[]; count: number }> {
    let done = false;
    void during.finally(() => (done = true));
    const seen = new Set<string>();
    const failures: string[] = [];
    let count = 0;
    while ((!done || count < 20) && count < 20_000) {
      count++;
      const [version, shim] = await Promise.all([send(`http://127.0.0.1:${port}`, '/static/version.txt'), send(`http://127.0.0.1:${port}`, '/index.cjs')]);
      if (version.status !== 200 || !/^[AB]\n$/.test(text(version.body))) failures.push(`version.txt: ${version.status} ${JSON.stringify(text(version.body))}`);
      if (shim.status !== 200 || !text(shim.body).includes('import(pathToFileURL(join(__dirname, "server.mjs"))')) failures.push(`index.cjs: ${shim.status}`);
      seen.add(text(version.body));
    }
    await during;
    return { seen, failures, count };
  }

  it('a deploy swaps releases under a stream of requests: no error, the new release serves after it', async () => {
    if (!nginxHere) return;
    expect(text((await send(`http://127.0.0.1:${port}`, '/static/version.txt')).body)).toBe('A\n');
    setVersion('B');
    const running = deploy();
    const load = await loadDuring(running);
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(load.failures).toEqual([]);
    expect(text((await send(`http://127.0.0.1:${port}`, '/static/version.txt')).body)).toBe('B\n');
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: true, target: 'iisnode', changed: true });
    expect(readdirSync(join(site, 'releases')).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('the same build again changes nothing', async () => {
    if (!nginxHere) return;
    const before = readdirSync(join(site, 'releases')).sort();
    const again = await deploy();
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false });
    expect(readdirSync(join(site, 'releases')).sort()).toEqual(before);
  });

  it('a rollback swaps back under a stream of requests: no error, the previous release serves', async () => {
    if (!nginxHere) return;
    const running = runCli(['rollback', '--target', 'iisnode', '--to', site, '--json'], project);
    const load = await loadDuring(running);
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(load.failures).toEqual([]);
    expect(text((await send(`http://127.0.0.1:${port}`, '/static/version.txt')).body)).toBe('A\n');
    const state = JSON.parse(readFileSync(join(site, 'adapt-deploys.json'), 'utf8'));
    expect(state.current).toBe(JSON.parse(result.stdout).release);
  });

  it('a second rollback has nowhere to go, says so, and leaves the site as it was', async () => {
    if (!nginxHere) return;
    const result = await runCli(['rollback', '--target', 'iisnode', '--to', site], project);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('has no release before');
    expect(text((await send(`http://127.0.0.1:${port}`, '/static/version.txt')).body)).toBe('A\n');
  });
});

describe('deploy --list --to <folder>', () => {
  const cleanup: string[] = [];
  afterAll(() => {
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
  });

  it('the releases newest first, which is current and which rollback returns to; changes nothing', async () => {
    const project = makeProject({ entry: probe, static: 'public' });
    const site = mkdtempSync(join(tmpdir(), 'adapt-iisnode-list-'));
    cleanup.push(project, site);
    mkdirSync(join(project, 'public'));
    const list = async () => {
      const result = await runCli(['deploy', '--target', 'iisnode', '--to', site, '--list', '--json'], project);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as { releases: { release: string; current: boolean; rollbackTarget: boolean }[]; current: string };
    };
    const released: string[] = [];
    for (const version of ['A', 'B']) {
      writeFileSync(join(project, 'public', 'version.txt'), `${version}\n`);
      const deployed = await runCli(['deploy', '--target', 'iisnode', '--to', site, '--json'], project);
      expect(deployed.code, deployed.stderr).toBe(0);
      released.push(JSON.parse(deployed.stdout).release);
    }
    const state = readFileSync(join(site, 'adapt-deploys.json'), 'utf8');
    const listed = await list();
    expect(listed).toMatchObject({ ok: true, target: 'iisnode', current: released[1] });
    expect(listed.releases).toEqual([
      { release: released[1], current: true, rollbackTarget: false },
      { release: released[0], current: false, rollbackTarget: true },
    ]);
    expect(readFileSync(join(site, 'adapt-deploys.json'), 'utf8')).toBe(state);

    const rolled = await runCli(['rollback', '--target', 'iisnode', '--to', site, '--json'], project);
    expect(rolled.code, rolled.stderr).toBe(0);
    expect((await list()).releases).toEqual([
      { release: released[1], current: false, rollbackTarget: false },
      { release: released[0], current: true, rollbackTarget: false },
    ]);
  });

  it('a folder adapt never deployed to: says so, and how to deploy', async () => {
    const project = makeProject({ entry: probe });
    const site = mkdtempSync(join(tmpdir(), 'adapt-iisnode-list-empty-'));
    cleanup.push(project, site);
    const result = await runCli(['deploy', '--target', 'iisnode', '--to', site, '--list'], project);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`nothing is deployed in ${site}`);
    expect(result.stderr).toContain('deploy first: adapt deploy --target iisnode --to <folder>');
    expect(readdirSync(site)).toEqual([]);
  });
});

describe('deploy refusals', () => {
  const cleanup: string[] = [];
  afterAll(() => {
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
  });

  it('without --to: a usage error saying what to pass', async () => {
    const project = makeProject({ entry: probe });
    cleanup.push(project);
    const result = await runCli(['deploy', '--target', 'iisnode'], project);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('needs --to <folder>');
  });

  it('--dry-run says which release it would make current, and writes nothing', async () => {
    const project = makeProject({ entry: probe });
    const site = mkdtempSync(join(tmpdir(), 'adapt-iisnode-dry-'));
    cleanup.push(project, site);
    const result = await runCli(['deploy', '--target', 'iisnode', '--to', site, '--dry-run', '--json'], project);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: true, target: 'iisnode', dryRun: true, changed: true });
    expect(report.release).toMatch(/^\d{8}t\d{6}Z-[0-9a-f]{12}$/);
    expect(readdirSync(site)).toEqual([]);
  });

  it('--to azure without the app named: says which setting (or variable) is missing, before any call', async () => {
    const project = makeProject({ entry: probe });
    cleanup.push(project);
    const result = await runCli(['deploy', '--target', 'iisnode', '--to', 'azure'], project, { AZURE_SUBSCRIPTION_ID: '' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('needs targets.iisnode.azure.subscription (or AZURE_SUBSCRIPTION_ID)');
  });

  it('--to azure with an unknown key under targets.iisnode.azure: refused, with the known one named', async () => {
    const project = makeProject({ entry: probe, targets: { iisnode: { azure: { resourcegroup: 'shop-rg' } } } });
    cleanup.push(project);
    const result = await runCli(['deploy', '--target', 'iisnode', '--to', 'azure'], project);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('azure.resourcegroup: unknown key; did you mean "resourceGroup"?');
  });

  it('a folder that is not writable: a clear error, nothing written', async () => {
    const project = makeProject({ entry: probe });
    const site = mkdtempSync(join(tmpdir(), 'adapt-iisnode-readonly-'));
    cleanup.push(project, site);
    const out = join(project, 'out');
    const built = await runCli(['build', '--target', 'iisnode', '--out', out], project);
    expect(built.code, built.stderr).toBe(0);
    chmodSync(site, 0o555);
    // root writes anywhere: deploy as an unprivileged user then, which is what the folder refuses
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    for (const dir of [project, out]) chmodSync(dir, 0o755);
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cliBin, 'deploy', '--target', 'iisnode', '--no-build', '--out', out, '--to', join(site, 'shop')], {
        cwd: project,
        env: { ...process.env, NO_COLOR: '1', HOME: tmpdir() },
        stdio: ['ignore', 'ignore', 'pipe'],
        ...asUser,
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`the site folder ${join(site, 'shop')} is not writable: EACCES`);
    expect(result.stderr).toContain('nothing was written');
    expect(existsSync(join(site, 'shop'))).toBe(false);
    expect(readdirSync(site)).toEqual([]);
  });
});
