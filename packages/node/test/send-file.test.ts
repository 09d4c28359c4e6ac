// sendFile(): streamed by the app (headers, 304, Range, confinement), and through a real nginx with
// X-Accel-Redirect and a real lighttpd with X-Sendfile, where a 100 MB file leaves the app's memory
// as it was and is never read by it.
import { request } from 'node:http';
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startNginx, type RunningNginx } from '@adapt/conformance/nginx';
import { send, text } from '@adapt/conformance/http';
import { requireComponent } from '../../../test/components.js';
import { nginxSite } from '../src/tooling/nginx.js';
import type { NodeTargetSettings } from '../src/tooling/settings.js';
import { startChild, stopChildren, type ChildServer } from './helpers/child.js';

const MiB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'adapt-sendfile-'));
const root = join(dir, 'files');
const outside = join(dir, 'secret.txt');

beforeAll(() => {
  mkdirSync(join(root, 'docs'), { recursive: true });
  writeFileSync(join(root, 'docs', 'hello world.txt'), 'hello, file\n');
  writeFileSync(outside, 'secret\n');
  symlinkSync(outside, join(root, 'link-out.txt'));
  // 100 MiB, sparse: nginx still sends every byte
  const fd = openSync(join(root, 'big.bin'), 'w');
  ftruncateSync(fd, 100 * MiB);
  closeSync(fd);
  // nginx's worker runs as an unprivileged user: it must be able to read the folder
  chmodSync(dir, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(stopChildren);

const header = (answer: { headers: Headers }, name: string) => answer.headers.get(name) ?? undefined;
const file = (server: ChildServer, path: string, headers: Record<string, string> = {}) =>
  send(server.url, `/file?path=${encodeURIComponent(path)}`, { headers: Object.entries(headers) });

describe('sendFile streamed by the app (mode "stream")', () => {
  it('sends the file with type, length, ETag and Last-Modified; 304 and Range from the request', async () => {
    const server = await startChild({ sendFile: { mode: 'stream', roots: [root] } });
    const whole = await file(server, 'docs/hello world.txt');
    expect(whole.status).toBe(200);
    expect(text(whole.body)).toBe('hello, file\n');
    expect(header(whole, 'content-type')).toBe('text/plain; charset=utf-8');
    expect(header(whole, 'content-length')).toBe('12');
    expect(header(whole, 'last-modified')).toMatch(/GMT$/);
    const etag = header(whole, 'etag') as string;
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect((await file(server, 'docs/hello world.txt', { 'if-none-match': etag })).status).toBe(304);
    const part = await file(server, 'docs/hello world.txt', { range: 'bytes=7-10' });
    expect(part.status).toBe(206);
    expect(text(part.body)).toBe('file');
    expect(header(part, 'content-range')).toBe('bytes 7-10/12');
    expect((await file(server, 'docs/hello world.txt', { range: 'bytes=50-' })).status).toBe(416);
    const stats = JSON.parse(text((await send(server.url, '/sendstats')).body));
    expect(stats).toEqual({ streamed: 2, bytesRead: 16 });
  });

  it.each([
    ['../secret.txt', 403, 'the path holds a ".." segment'],
    ['docs/../../secret.txt', 403, 'the path holds a ".." segment'],
    [outside, 403, 'outside the sendFile roots'],
    ['/etc/passwd', 403, 'outside the sendFile roots'],
    ['link-out.txt', 403, 'a symlink pointing outside'],
    ['missing.txt', 404, 'no such file'],
    ['docs', 404, 'not a regular file'],
  ])('%s: %i and a log line, never the file', async (path, status, reason) => {
    const server = await startChild({ sendFile: { mode: 'x-accel-redirect', roots: [root] } });
    const answer = await file(server, path);
    expect(answer.status).toBe(status);
    expect(header(answer, 'x-accel-redirect')).toBeUndefined();
    expect(text(answer.body)).not.toContain('secret');
    expect(server.output()).toContain(`sendFile ${JSON.stringify(path)} refused (${status}): ${reason}`);
    // the server keeps serving
    expect((await send(server.url, '/')).status).toBe(200);
  });

  it('with no roots configured, refuses with a line saying what to set', async () => {
    const server = await startChild({});
    expect((await file(server, 'docs/hello world.txt')).status).toBe(403);
    expect(server.output()).toContain('no sendFile roots are configured; set sendFile: { roots: ["files"] }');
  });

  it('x-sendfile names the real path and sends no body', async () => {
    const server = await startChild({ sendFile: { mode: 'x-sendfile', roots: [root] } });
    const answer = await file(server, 'docs/hello world.txt');
    expect(answer.status).toBe(200);
    expect(header(answer, 'x-sendfile')).toBe(join(root, 'docs', 'hello world.txt'));
    expect(answer.body.length).toBe(0);
  });
});

/** Downloads through `url`, counting bytes without keeping them. */
function download(url: string): Promise<{ status: number; bytes: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, headers: res.headers }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe('sendFile through a real nginx with X-Accel-Redirect', () => {
  const nginxHere = requireComponent('nginx');
  let nginx: RunningNginx | undefined;
  afterEach(async () => {
    await nginx?.stop();
    nginx = undefined;
  });

  it('a 100 MB file is sent by nginx: the app never reads it and its RSS stays put', async () => {
    if (!nginxHere) return;
    const server = await startChild({ sendFile: { mode: 'x-accel-redirect', roots: [root] } });
    const port = await freePort();
    const settings = {
      port: server.port,
      host: '127.0.0.1',
      installDir: dir,
      listen: [`127.0.0.1:${port}`],
      serverName: 'localhost',
      timeout: undefined,
      bodyLimit: undefined,
      sendFile: { mode: 'x-accel-redirect', roots: [root] },
    } as unknown as NodeTargetSettings;
    const site = nginxSite(settings, 'sendfile-test', false);
    expect(site).toContain(`location ^~ /_adapt/send/0/ {\n        internal;\n        alias ${root}/;`);
    writeFileSync(join(dir, 'site.conf'), site);
    nginx = await startNginx(join(dir, 'nginx'), join(dir, 'site.conf'), port);

    const before = JSON.parse(text((await send(server.url, '/rss')).body)).rss as number;
    const answer = await download(`http://127.0.0.1:${port}/file?path=big.bin`);
    const peak = JSON.parse(text((await send(server.url, '/peak')).body)).peak as number;
    expect(answer.status).toBe(200);
    expect(answer.bytes).toBe(100 * MiB);
    expect(answer.headers['x-accel-redirect']).toBeUndefined();
    expect(JSON.parse(text((await send(server.url, '/sendstats')).body))).toEqual({ streamed: 0, bytesRead: 0 });
    // far below the file's size: the bytes went from disk to the socket through nginx alone
    expect(peak - before).toBeLessThan(10 * MiB);
    // an internal location is not reachable from outside
    expect((await download(`http://127.0.0.1:${port}/_adapt/send/0/big.bin`)).status).toBe(404);
  });
});

describe('sendFile through a real lighttpd with X-Sendfile', () => {
  const lighttpdHere = requireComponent('lighttpd');

  it('a 100 MB file is sent by lighttpd: the app never reads it and its RSS stays put', async () => {
    if (!lighttpdHere) return;
    const server = await startChild({ sendFile: { mode: 'x-sendfile', roots: [root] } });
    const port = await freePort();
    const conf = join(dir, 'lighttpd.conf');
    // mod_proxy with its X-Sendfile support (lighttpd's gateway option, as for FastCGI), confined to the root
    writeFileSync(
      conf,
      [
        `server.document-root = "${root}"`,
        `server.bind = "127.0.0.1"`,
        `server.port = ${port}`,
        `server.errorlog = "${dir}/lighttpd-error.log"`,
        'server.modules = ("mod_proxy")',
        `proxy.server = ("" => (("host" => "127.0.0.1", "port" => ${server.port}, "x-sendfile" => "enable", "x-sendfile-docroot" => ("${root}"))))`,
        '',
      ].join('\n'),
    );
    const lighttpd = spawn('lighttpd', ['-D', '-f', conf], { stdio: 'ignore' });
    try {
      for (;;) {
        if (lighttpd.exitCode !== null) throw new Error(`lighttpd exited with ${lighttpd.exitCode}`);
        const up = await download(`http://127.0.0.1:${port}/`).then(
          () => true,
          () => false,
        );
        if (up) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const before = JSON.parse(text((await send(server.url, '/rss')).body)).rss as number;
      const answer = await download(`http://127.0.0.1:${port}/file?path=big.bin`);
      const peak = JSON.parse(text((await send(server.url, '/peak')).body)).peak as number;
      expect(answer.status).toBe(200);
      expect(answer.bytes).toBe(100 * MiB);
      expect(answer.headers['x-sendfile']).toBeUndefined();
      expect(JSON.parse(text((await send(server.url, '/sendstats')).body))).toEqual({ streamed: 0, bytesRead: 0 });
      expect(peak - before).toBeLessThan(10 * MiB);
    } finally {
      lighttpd.kill('SIGTERM');
      await new Promise((resolve) => (lighttpd.exitCode !== null ? resolve(null) : lighttpd.once('exit', resolve)));
    }
  });
});
