import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BUFFERED_RESPONSE_LIMIT, createAnswer } from './answer.js';

const answer = (response: Response, method = 'GET', limit = BUFFERED_RESPONSE_LIMIT) => createAnswer(response, method, { limit });

describe('createAnswer: text or base64', () => {
  it.each([
    ['text/plain', 'héllo', false],
    ['application/json; charset=utf-8', '{"a":"ü"}', false],
    ['image/svg+xml', '<svg/>', false],
    ['application/vnd.api+json', '{}', false],
    ['application/octet-stream', 'bytes', true],
    ['image/png', 'png', true],
    [null, 'no type', true],
  ])('%s', async (type, body, base64) => {
    const headers: Record<string, string> = type ? { 'content-type': type } : {};
    const result = await answer(new Response(body, { headers: type ? headers : undefined }));
    if (!type) {
      // a string body gets text/plain from the Response constructor itself
      expect(result.isBase64Encoded).toBe(false);
      return;
    }
    expect(result.isBase64Encoded).toBe(base64);
    expect(base64 ? Buffer.from(result.body, 'base64').toString() : result.body).toBe(body);
    expect(result.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('bytes without a content-type are base64', async () => {
    const result = await answer(new Response(new Uint8Array([0, 255])));
    expect(result).toMatchObject({ isBase64Encoded: true, body: 'AP8=' });
  });

  it('text content-type with bytes that are not UTF-8 goes base64 rather than mangled', async () => {
    const result = await answer(new Response(new Uint8Array([0xff, 0xfe, 0x41]), { headers: { 'content-type': 'text/plain' } }));
    expect(result.isBase64Encoded).toBe(true);
    expect([...Buffer.from(result.body, 'base64')]).toEqual([0xff, 0xfe, 0x41]);
  });

  it('content-encoding makes any body bytes', async () => {
    const gz = gzipSync('{"a":1}');
    const result = await answer(new Response(gz, { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }));
    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body, 'base64').equals(gz)).toBe(true);
  });

  it('a stream body is read whole', async () => {
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('a'));
        c.enqueue(new TextEncoder().encode('b'));
        c.close();
      },
    });
    expect((await answer(new Response(stream, { headers: { 'content-type': 'text/plain' } }))).body).toBe('ab');
  });

  it('over the limit: a 502 that says to enable streaming', async () => {
    await expect(answer(new Response('x'.repeat(100), { headers: { 'content-type': 'text/plain' } }), 'GET', 50)).rejects.toMatchObject({
      status: 502,
      message: expect.stringMatching(/streaming: true/),
    });
  });

  it('headers: repeats joined, cookies apart, hop-by-hop and content-length dropped', async () => {
    const headers = new Headers([
      ['x-a', '1'],
      ['x-a', '2'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['keep-alive', 'x'],
      ['content-length', '99'],
    ]);
    const result = await answer(new Response('hi', { headers }));
    expect(result.cookies).toEqual(['a=1', 'b=2']);
    expect(result.headers['x-a']).toBe('1, 2');
    expect(result.headers['keep-alive']).toBeUndefined();
    expect(result.headers['content-length']).toBe('2');
  });
});

describe('a Response from fetch() (proxying)', () => {
  it('has its body decompressed by fetch: content-encoding is dropped, the body goes as text', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync('{"proxied":true}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const result = await answer(await fetch(`http://127.0.0.1:${port}/`));
      expect(result.headers['content-encoding']).toBeUndefined();
      expect(result.isBase64Encoded).toBe(false);
      expect(result.body).toBe('{"proxied":true}');
    } finally {
      server.close();
    }
  });

  it('a Response the app built with content-encoding keeps it (its bytes are still encoded)', async () => {
    const result = await answer(new Response(gzipSync('x'), { headers: { 'content-encoding': 'gzip' } }));
    expect(result.headers['content-encoding']).toBe('gzip');
  });
});
