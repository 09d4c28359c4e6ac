/**
 * The fastcgi and cgi targets on a plain box: the systemd unit `adapt build --target fastcgi`
 * writes passes `systemd-analyze verify`; `adapt start --target fastcgi` runs the app on its socket
 * (or a port), says how to point the generated nginx site at it, and a real nginx with that site
 * serves through it; `adapt start --target cgi` refuses with what to do instead.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, text } from '@adapt/conformance/http';
import { freePort, startNginx } from '@adapt/conformance/nginx';
import { requireComponent } from '../../../test/components.js';
import { CliProcess, helloApp, runCli, tempProject, type TempProject } from './helpers.js';

describe('adapt build --target fastcgi: the systemd unit', () => {
  const here = requireComponent('systemd-analyze');
  let project: TempProject;
  beforeAll(async () => {
    project = tempProject({ 'src/app.ts': helloApp, 'package.json': JSON.stringify({ name: 'shop', type: 'module' }) });
  });
  afterAll(() => project?.remove());

  it.each([
    ['the default socket, under /run', {}, ['Environment="FCGI_SOCKET=/run/adapt-shop/fcgi.sock"', 'Environment="FCGI_SOCKET_MODE=660"', 'RuntimeDirectory=adapt-shop']],
    ['a socket elsewhere', { socket: '/var/lib/shop/fcgi.sock' }, ['Environment="FCGI_SOCKET=/var/lib/shop/fcgi.sock"', 'ReadWritePaths=/var/lib/shop']],
    ['a TCP port', { port: 9000 }, ['Environment="FCGI_PORT=9000"']],
  ])('%s: passes systemd-analyze verify', async (_name, settings, lines) => {
    if (!here) return;
    const out = join(project.dir, '.adapt/fastcgi');
    project.write('adapt.config.mjs', `export default ${JSON.stringify({ env: { GREETING: 'say 100% "hi", ok' }, targets: { fastcgi: { installDir: out, ...settings } } })};\n`);
    const build = await runCli(['build', '--target', 'fastcgi'], { cwd: project.dir });
    expect(build.code, build.stderr).toBe(0);
    const unit = readFileSync(join(out, 'adapt-shop.service'), 'utf8');
    const result = spawnSync('systemd-analyze', ['verify', join(out, 'adapt-shop.service')], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const line of [
      `ExecStart=/usr/bin/node ${out}/server.mjs`,
      'User=www-data',
      'KillSignal=SIGTERM',
      'Environment="GREETING=say 100%% \\"hi\\", ok"',
      'ProtectSystem=strict',
      ...lines,
    ]) {
      expect(unit).toContain(line);
    }
    if ('port' in settings) expect(unit).not.toContain('FCGI_SOCKET');
  });
});

describe('adapt start --target fastcgi', () => {
  const nginxHere = requireComponent('nginx');
  let project: TempProject;
  let port: number;
  beforeAll(async () => {
    if (!nginxHere) return;
    port = await freePort();
    project = tempProject({ 'src/app.ts': helloApp, 'package.json': JSON.stringify({ name: 'shop', type: 'module' }) });
    const out = join(project.dir, '.adapt/fastcgi');
    project.write(
      'adapt.config.mjs',
      `export default ${JSON.stringify({ targets: { fastcgi: { installDir: out, socket: join(project.dir, 'fcgi.sock'), listen: `127.0.0.1:${port}` } } })};\n`,
    );
    const build = await runCli(['build', '--target', 'fastcgi'], { cwd: project.dir });
    expect(build.code, build.stderr).toBe(0);
  });
  afterAll(() => project?.remove());

  it('serves on the configured socket, which the generated nginx site already points at', async () => {
    if (!nginxHere) return;
    const start = new CliProcess(['start', '--target', 'fastcgi'], { cwd: project.dir });
    try {
      await start.waitFor(/serving FastCGI on unix:/);
      await start.waitFor(/nginx-site\.conf already points at it/);
      const nginx = await startNginx(join(project.dir, 'nginx'), join(project.dir, '.adapt/fastcgi/nginx-site.conf'), port);
      try {
        const answer = await send(`http://127.0.0.1:${port}`, '/?name=box');
        expect(answer.status).toBe(200);
        expect(text(answer.body)).toBe('hello box');
      } finally {
        await nginx.stop();
      }
    } finally {
      expect(await start.stop('SIGINT')).toBe(0);
    }
  });

  it('with --port: on 127.0.0.1:<port>, saying how to change the nginx upstream; --json prints the address', async () => {
    if (!nginxHere) return;
    const appPort = await freePort();
    const start = new CliProcess(['start', '--target', 'fastcgi', '--port', String(appPort), '--json'], { cwd: project.dir });
    try {
      await start.waitFor(new RegExp(`to point nginx-site.conf at it, change "server unix:${project.dir}/fcgi.sock;" in its upstream block to "server 127.0.0.1:${appPort};"`));
      await start.waitFor(/"url"/);
      expect(JSON.parse(start.stdout)).toMatchObject({ ok: true, target: 'fastcgi', url: `127.0.0.1:${appPort}` });
      const site = readFileSync(join(project.dir, '.adapt/fastcgi/nginx-site.conf'), 'utf8').replace(`server unix:${project.dir}/fcgi.sock;`, `server 127.0.0.1:${appPort};`);
      writeFileSync(join(project.dir, 'tcp-site.conf'), site);
      const nginx = await startNginx(join(project.dir, 'nginx-tcp'), join(project.dir, 'tcp-site.conf'), port);
      try {
        expect(text((await send(`http://127.0.0.1:${port}`, '/')).body)).toBe('hello world');
      } finally {
        await nginx.stop();
      }
    } finally {
      expect(await start.stop('SIGTERM')).toBe(0);
    }
  });
});

describe('adapt start --target cgi', () => {
  it('refuses: a CGI app has no process of its own, and says what to do instead', async () => {
    const project = tempProject({ 'src/app.ts': helloApp, 'package.json': JSON.stringify({ name: 'shop', type: 'module' }) });
    try {
      expect((await runCli(['build', '--target', 'cgi'], { cwd: project.dir })).code).toBe(0);
      const start = await runCli(['start', '--target', 'cgi', '--json'], { cwd: project.dir });
      expect(start.code).toBe(1);
      const error = JSON.parse(start.stdout).error;
      expect(error).toMatchObject({ code: 'START_UNSUPPORTED', message: expect.stringContaining('the web server runs') });
      expect(error.hint).toContain('adapt start --target fastcgi');
    } finally {
      project.remove();
    }
  });
});
