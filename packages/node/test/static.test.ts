import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { defaultIsImmutable, serve, type ServerHandle } from '../src/index.js';
import { parseRange, safeSegments } from '../src/static.js';
import { rawExchange, send, text } from '@adapt/conformance/http';

const base = mkdtempSync(join(tmpdir(), 'adapt-static-'));
const root = join(base, 'public');
const outside = join(base, 'secret.txt');
const page = '<!doctype html><title>home</title>\n';
const script = 'console.log("app");\n'.repeat(50);

beforeAll(() => {
  mkdirSync(join(root, 'docs'), { recursive: true });
  mkdirSync(join(root, 'assets'), { recursive: true });
  mkdirSync(join(root, '.well-known'), { recursive: true });
  writeFileSync(join(root, 'index.html'), page);
  writeFileSync(join(root, 'docs', 'index.html'), '<p>docs</p>\n');
  writeFileSync(join(root, 'hello.txt'), 'hello static\n');
  writeFileSync(join(root, 'digits.bin'), Buffer.from('0123456789'));
  writeFileSync(join(root, 'assets', 'app-BdK3j2pQ.js'), script);
  writeFileSync(join(root, 'assets', 'app-BdK3j2pQ.js.br'), brotliCompressSync(script));
  writeFileSync(join(root, 'assets', 'app-BdK3j2pQ.js.gz'), gzipSync(script));
  writeFileSync(join(root, 'style.css'), 'body{}\n');
  writeFileSync(join(root, 'image.svg'), '<svg/>');
  writeFileSync(join(root, 'data.json'), '{}');
  writeFileSync(join(root, 'font.woff2'), 'w');
  writeFileSync(join(root, 'no-extension'), 'x');
  writeFileSync(join(root, '.env'), 'SECRET=1');
  writeFileSync(join(root, '.well-known', 'security.txt'), 'Contact: x');
  writeFileSync(join(root, 'a b.txt'), 'spaced');
  writeFileSync(outside, 'TOP SECRET');
  symlinkSync(outside, join(root, 'link-out.txt'));
  symlinkSync(base, join(root, 'dir-out'));
  symlinkSync(join(root, 'hello.txt'), join(root, 'link-in.txt'));
  const old = new Date('2024-01-02T03:04:05Z');
  utimesSync(join(root, 'hello.txt'), old, old);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('static files', () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await serve(() => new Response('from the app\n', { status: 404 }), { port: 0, host: '127.0.0.1', handleSignals: false, static: root });
  });
  afterAll(() => server.close());

  const get = (path: string, headers: Array<[string, string]> = []) => send(server.url, path, { headers });

  it('serves a file with its type, length, validators and caching', async () => {
    const response = await get('/hello.txt');
    expect(response.status).toBe(200);
    expect(text(response.body)).toBe('hello static\n');
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('content-length')).toBe('13');
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(response.headers.get('last-modified')).toBe('Tue, 02 Jan 2024 03:04:05 GMT');
    expect(response.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
  });

  test.each([
    ['/style.css', 'text/css; charset=utf-8'],
    ['/image.svg', 'image/svg+xml; charset=utf-8'],
    ['/data.json', 'application/json; charset=utf-8'],
    ['/font.woff2', 'font/woff2'],
    ['/no-extension', 'application/octet-stream'],
    ['/', 'text/html; charset=utf-8'],
  ])('%s is %s', async (path, type) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
  });

  it('serves index.html for a folder, and redirects a folder without its slash', async () => {
    expect(text((await get('/')).body)).toBe(page);
    expect(text((await get('/docs/')).body)).toBe('<p>docs</p>\n');
    const redirect = await get('/docs?x=1');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/docs/?x=1');
  });

  it('decodes %20 in names, serves .well-known, and follows a symlink that stays inside', async () => {
    expect(text((await get('/a%20b.txt')).body)).toBe('spaced');
    expect(text((await get('/.well-known/security.txt')).body)).toBe('Contact: x');
    expect(text((await get('/link-in.txt')).body)).toBe('hello static\n');
  });

  it('answers 304 to a matching If-None-Match, and to If-Modified-Since', async () => {
    const first = await get('/hello.txt');
    const etag = first.headers.get('etag')!;
    const byTag = await get('/hello.txt', [['if-none-match', `W/${etag}, "other"`]]);
    expect(byTag.status).toBe(304);
    expect(byTag.body.byteLength).toBe(0);
    expect(byTag.headers.get('etag')).toBe(etag);
    const byDate = await get('/hello.txt', [['if-modified-since', 'Tue, 02 Jan 2024 03:04:05 GMT']]);
    expect(byDate.status).toBe(304);
    const older = await get('/hello.txt', [['if-modified-since', 'Mon, 01 Jan 2024 00:00:00 GMT']]);
    expect(older.status).toBe(200);
    expect((await get('/hello.txt', [['if-none-match', '"stale"']])).status).toBe(200);
  });

  test.each([
    ['bytes=0-3', 206, '0123', 'bytes 0-3/10'],
    ['bytes=7-', 206, '789', 'bytes 7-9/10'],
    ['bytes=-2', 206, '89', 'bytes 8-9/10'],
    ['bytes=5-100', 206, '56789', 'bytes 5-9/10'],
    ['bytes=0-1,4-5', 200, '0123456789', null],
    ['bytes=20-30', 416, '', 'bytes */10'],
    ['items=0-1', 200, '0123456789', null],
  ])('Range %s -> %i', async (range, status, body, contentRange) => {
    const response = await get('/digits.bin', [['range', range]]);
    expect(response.status).toBe(status);
    expect(text(response.body)).toBe(body);
    expect(response.headers.get('content-range')).toBe(contentRange);
  });

  it('honours If-Range only while the file is unchanged', async () => {
    const etag = (await get('/digits.bin')).headers.get('etag')!;
    expect(
      (
        await get('/digits.bin', [
          ['range', 'bytes=0-0'],
          ['if-range', etag],
        ])
      ).status,
    ).toBe(206);
    expect(
      (
        await get('/digits.bin', [
          ['range', 'bytes=0-0'],
          ['if-range', '"old"'],
        ])
      ).status,
    ).toBe(200);
  });

  it('serves precompressed .br and .gz by Accept-Encoding, with Vary, immutable for hashed names', async () => {
    const br = await get('/assets/app-BdK3j2pQ.js', [['accept-encoding', 'gzip, deflate, br']]);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(br.body)).toEqual(brotliCompressSync(script));
    const gz = await get('/assets/app-BdK3j2pQ.js', [['accept-encoding', 'gzip;q=1, br;q=0']]);
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.from(gz.body)).toEqual(gzipSync(script));
    const identity = await get('/assets/app-BdK3j2pQ.js');
    expect(identity.headers.get('content-encoding')).toBeNull();
    expect(text(identity.body)).toBe(script);
    expect(br.headers.get('etag')).not.toBe(identity.headers.get('etag'));
  });

  it('answers HEAD with the headers only', async () => {
    const reply = await rawExchange(server.port!, 'HEAD /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(reply).toContain('content-length: 13\r\n');
    expect(reply.endsWith('\r\n\r\n')).toBe(true);
  });

  it('leaves other methods and missing files to the app', async () => {
    expect(text((await send(server.url, '/hello.txt', { method: 'POST', body: 'x' })).body)).toBe('from the app\n');
    expect(text((await get('/missing.txt')).body)).toBe('from the app\n');
  });

  // every attempt must reach the app (404 "from the app") or be refused; none may show the secret
  test.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/.%2e/secret.txt',
    '/docs/../../secret.txt',
    '/docs/%2e%2e/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/..%2Fsecret.txt',
    '/..%5csecret.txt',
    '/..\\secret.txt',
    '/%5c..%5csecret.txt',
    '/hello.txt%00.html',
    '/hello.txt%00',
    '/%c0%ae%c0%ae/secret.txt',
    '/%252e%252e/secret.txt',
    '/link-out.txt',
    '/dir-out/secret.txt',
    '/.env',
    '/%2eenv',
    '/docs/.%2e/.%2e/secret.txt',
    '//secret.txt',
    '/%',
  ])('no way out: %s', async (path) => {
    const reply = await rawExchange(server.port!, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(reply).not.toContain('TOP SECRET');
    expect(reply).not.toContain('SECRET=1');
    expect(reply).toMatch(/^HTTP\/1\.1 (404|400) /);
  });
});

describe('static helpers', () => {
  test.each([
    ['index-BdK3j2pQ.js', true],
    ['main.3f2a9c1b.css', true],
    ['chunk-a1b2c3d4e5.mjs', true],
    ['settings.js', false],
    ['jquery-settings.js', false],
    ['logo.png', false],
    ['index.html', false],
  ])('defaultIsImmutable(%s) = %s', (name, expected) => {
    expect(defaultIsImmutable(name)).toBe(expected);
  });

  test.each([
    ['/a/b.txt', ['a', 'b.txt']],
    ['/a%20b', ['a b']],
    ['/a/../b', null],
    ['/%2e%2e/b', null],
    ['/a%2Fb', null],
    ['/a%5Cb', null],
    ['/a%00', null],
    ['/%E0%A4%A', null],
  ])('safeSegments(%s)', (path, expected) => {
    expect(safeSegments(path)).toEqual(expected);
  });

  test.each([
    ['bytes=0-0', 1, [0, 0]],
    ['bytes=-5', 3, [0, 2]],
    ['bytes=-0', 3, 'unsatisfiable'],
    ['bytes=3-', 3, 'unsatisfiable'],
    ['bytes=2-1', 3, null],
    ['bytes=0-', 0, 'unsatisfiable'],
  ] as const)('parseRange(%s, %i)', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
