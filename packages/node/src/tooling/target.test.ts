/**
 * The files `adapt build --target node` writes beside the bundle, checked by the real tools:
 * systemd-analyze for the unit, and a real nginx serving the static folder and proxying to a real
 * upstream over 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetContext } from '@adapt/core';
import { freePort, startNginx, type RunningNginx } from '@adapt/conformance/nginx';
import { requireComponent } from '../../../../test/components.js';
import { readAppManifest } from '../../../cli/src/task-runner.js';
import { nginxSite } from './nginx.js';
import { nodeSettings } from './settings.js';
import { systemdUnit } from './systemd.js';
import { nodeTarget, serverMinimumNode } from './index.js';

function context(settings: Record<string, unknown>, appName = 'shop'): TargetContext {
  const context: TargetContext = {
    cwd: '/project',
    entry: '/project/src/app.ts',
    outDir: '/project/.adapt/node',
    stage: 'prod',
    settings,
    config: {},
    appName,
    production: true,
    log: { info() {}, warn() {}, debug() {}, step: (_title, run) => run() },
    readAppManifest: () => readAppManifest(context),
  };
  return context;
}

describe('nodeSettings', () => {
  it('has defaults for a classic server', () => {
    expect(nodeSettings(context({ domain: 'shop.example', env: { A: '1' } }))).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      installDir: '/srv/shop',
      user: 'www-data',
      listen: ['80', '[::]:80'],
      serverName: 'shop.example',
      stopTimeout: 30,
      env: { A: '1' },
      serviceName: 'adapt-shop',
    });
  });
  it.each([
    [{ port: 70000 }, 'targets.node.port: expected an integer from 1 to 65535, got number 70000 (for example port: 3000)'],
    [{ installDir: 'srv/shop' }, 'targets.node.installDir: expected an absolute path'],
    [{ installDir: '/srv/my shop' }, 'targets.node.installDir: expected an absolute path without spaces'],
    [{ workers: 0 }, 'targets.node.workers: expected a positive integer or one of "auto", got number 0'],
    [{ listen: [] }, 'targets.node.listen: expected an nginx listen value'],
    [{ serverName: 'a;b' }, 'targets.node.serverName: expected one or more host names'],
    [{ instalDir: '/srv/x' }, 'targets.node.instalDir: unknown key; did you mean "installDir"?'],
    [{ architecture: 'arm64' }, 'targets.node.architecture: unknown key; known keys here: name, memory'],
  ])('refuses %j', (settings, message) => {
    expect(() => nodeSettings(context(settings))).toThrow(message);
  });
});

describe('the server bundle', () => {
  it("targets the oldest Node of the engines it writes (@adapt/node's own range), not the Node that builds", () => {
    const engines = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).engines.node;
    expect(engines).toBe(`>=${serverMinimumNode}`);
    expect(nodeTarget.bundle(context({})).nodeTarget).toBe(`node${serverMinimumNode}`);
  });
});

describe('systemd unit', () => {
  it('passes systemd-analyze verify without a warning', ({ skip }) => {
    requireComponent('systemd-analyze', skip);
    const dir = mkdtempSync(join(tmpdir(), 'adapt-unit-'));
    try {
      const settings = nodeSettings(context({ installDir: dir, env: { GREETING: 'say "hi" at 100% \\o/', EMPTY: '' }, stopTimeout: 20 }));
      const unit = systemdUnit(settings, 'shop');
      writeFileSync(join(dir, 'adapt-shop.service'), unit);
      const result = spawnSync('systemd-analyze', ['verify', join(dir, 'adapt-shop.service')], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(unit).toContain(`ExecStart=/usr/bin/node ${dir}/server.mjs`);
      expect(unit).toContain('Environment="GREETING=say \\"hi\\" at 100%% \\\\o/"');
      for (const line of [
        'Restart=on-failure',
        'KillSignal=SIGTERM',
        'TimeoutStopSec=20',
        'Environment="PORT=3000"',
        'Environment="TRUST_PROXY=1"',
        'NoNewPrivileges=true',
        'ProtectSystem=strict',
        'CapabilityBoundingSet=',
      ]) {
        expect(unit.split('\n')).toContain(line);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('grants only CAP_NET_BIND_SERVICE, and only for a port below 1024', () => {
    const unit = systemdUnit(nodeSettings(context({ port: 80 })), 'shop');
    expect(unit).toContain('AmbientCapabilities=CAP_NET_BIND_SERVICE');
    expect(systemdUnit(nodeSettings(context({})), 'shop')).not.toContain('AmbientCapabilities');
  });

  it('TRUST_PROXY: one hop (its nginx) unless trustProxy is set, then that setting as the variable reads it', () => {
    expect(systemdUnit(nodeSettings(context({})), 'shop').split('\n')).toContain('Environment="TRUST_PROXY=1"');
    expect(systemdUnit(nodeSettings(context({ trustProxy: ['loopback', '10.0.0.0/8'] })), 'shop').split('\n')).toContain('Environment="TRUST_PROXY=loopback,10.0.0.0/8"');
    expect(systemdUnit(nodeSettings(context({ trustProxy: 2 })), 'shop').split('\n')).toContain('Environment="TRUST_PROXY=2"');
  });

  it('refuses env values systemd cannot hold', () => {
    expect(() => systemdUnit(nodeSettings(context({ env: { KEY: 'a\nb' } })), 'shop')).toThrow('env.KEY: a systemd Environment= value cannot hold a line break');
    expect(() => systemdUnit(nodeSettings(context({ env: { '1BAD': 'x' } })), 'shop')).toThrow('"1BAD" is not a valid environment variable name');
  });
});

describe('nginx site, served by a real nginx', () => {
  const nginxHere = requireComponent('nginx');
  let dir: string;
  let upstream: Server;
  let nginx: RunningNginx;
  let base: string;
  let nginxPort: number;
  const upstreamConnections: number[] = [];

  beforeAll(async () => {
    if (!nginxHere) return;
    dir = mkdtempSync(join(tmpdir(), 'adapt-nginx-'));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'static/docs'), { recursive: true });
    writeFileSync(join(dir, 'static/index.html'), '<h1>home</h1>');
    writeFileSync(join(dir, 'static/docs/index.html'), '<h1>docs</h1>');
    writeFileSync(join(dir, 'static/app.3f9a1c2b.js'), 'console.log(1)');
    writeFileSync(join(dir, 'static/robots.txt'), 'User-agent: *\n'.repeat(50));
    writeFileSync(join(dir, 'static/robots.txt.gz'), gzipSync('User-agent: *\n'.repeat(50)));

    upstream = createServer(async (req: IncomingMessage, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ url: req.url, method: req.method, httpVersion: req.httpVersion, headers: req.headers, body, socket: req.socket.remotePort }));
    });
    upstream.on('connection', (socket) => upstreamConnections.push(socket.remotePort!));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamPort = (upstream.address() as AddressInfo).port;
    nginxPort = await freePort();
    base = `http://127.0.0.1:${nginxPort}`;

    const settings = nodeSettings(context({ port: upstreamPort, installDir: dir, listen: `127.0.0.1:${nginxPort}`, timeout: 30, bodyLimit: 1000 }));
    writeFileSync(join(dir, 'nginx-site.conf'), nginxSite(settings, 'shop', true));
    nginx = await startNginx(dir, join(dir, 'nginx-site.conf'), nginxPort);
  });

  afterAll(async () => {
    if (!nginxHere) return;
    await nginx?.stop();
    await new Promise((resolve) => upstream?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('nginx -t accepts the site', () => {
    const result = spawnSync('nginx', ['-p', dir, '-e', `${dir}/logs/error.log`, '-c', join(dir, 'nginx.conf'), '-t'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('syntax is ok');
  });

  it('serves static files itself, with an hour of caching', async () => {
    const response = await fetch(`${base}/robots.txt`, { headers: { 'accept-encoding': 'identity' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(response.headers.get('etag')).toBeTruthy();
    expect(await response.text()).toBe('User-agent: *\n'.repeat(50));
  });

  it('serves index.html for folders and the root', async () => {
    expect(await (await fetch(`${base}/`)).text()).toBe('<h1>home</h1>');
    expect(await (await fetch(`${base}/docs/`)).text()).toBe('<h1>docs</h1>');
  });

  it('caches hashed names for a year, immutable', async () => {
    const response = await fetch(`${base}/app.3f9a1c2b.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('serves the precompressed .gz to clients that accept gzip', async () => {
    const raw = await new Promise<{ encoding: string | undefined; bytes: number }>((resolve, reject) => {
      const socket = connect(nginxPort, '127.0.0.1', () => socket.end('GET /robots.txt HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n'));
      let text = '';
      socket.setEncoding('latin1').on('data', (chunk) => (text += chunk));
      socket.once('end', () => {
        const [head, body] = text.split('\r\n\r\n');
        resolve({ encoding: /content-encoding: (\S+)/i.exec(head)?.[1], bytes: body.length });
      });
      socket.once('error', reject);
    });
    expect(raw.encoding).toBe('gzip');
    expect(raw.bytes).toBe(gzipSync('User-agent: *\n'.repeat(50)).length);
  });

  it('proxies everything else to the app with X-Forwarded-* (not spoofable) and the Host as the client sent it', async () => {
    const response = await fetch(`${base}/api/items?a=1&a=2`, { method: 'POST', body: 'payload', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(response.status).toBe(200);
    const seen = await response.json();
    expect(seen).toMatchObject({ url: '/api/items?a=1&a=2', method: 'POST', httpVersion: '1.1', body: 'payload' });
    expect(seen.headers).toMatchObject({
      host: `127.0.0.1:${nginxPort}`,
      'x-forwarded-host': `127.0.0.1:${nginxPort}`,
      'x-forwarded-proto': 'http',
      'x-forwarded-for': '127.0.0.1', // the client's own value is replaced: nginx is the edge
      'x-real-ip': '127.0.0.1',
    });
    expect(seen.headers.connection).toBeUndefined();
  });

  it('falls through to the app when a static name does not exist', async () => {
    const seen = await (await fetch(`${base}/missing.3f9a1c2b.js`)).json();
    expect(seen.url).toBe('/missing.3f9a1c2b.js');
  });

  it('keeps upstream connections alive across requests', async () => {
    const before = upstreamConnections.length;
    for (let i = 0; i < 5; i++) await (await fetch(`${base}/api/${i}`)).json();
    expect(upstreamConnections.length - before).toBeLessThanOrEqual(1);
  });

  it('answers 413 for a body over bodyLimit before the app sees it', async () => {
    const response = await fetch(`${base}/api/upload`, { method: 'POST', body: 'x'.repeat(5000) });
    expect(response.status).toBe(413);
  });

  it('does not let a path out of the static folder', async () => {
    for (const path of ['/../nginx.conf', '/%2e%2e/nginx.conf', '/static/../../nginx.conf']) {
      const response = await new Promise<string>((resolve, reject) => {
        const socket = connect(nginxPort, '127.0.0.1', () => socket.end(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
        let text = '';
        socket.setEncoding('utf8').on('data', (chunk) => (text += chunk));
        socket.once('end', () => resolve(text));
        socket.once('error', reject);
      });
      expect(response).not.toContain('worker_processes');
    }
  });
});
