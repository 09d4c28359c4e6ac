import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serve, type ServerHandle } from '../src/index.js';
import { rawExchange, send, text } from '@adapt/conformance/http';

/** An app that reads the whole body, so limits on streamed bodies show. */
const app = async (request: Request) => {
  if (request.method === 'POST') {
    const body = new Uint8Array(await request.arrayBuffer());
    return new Response(`got ${body.byteLength}\n`);
  }
  if (request.url.endsWith('/stream-in')) return new Response('n/a');
  return new Response('ok\n');
};

describe('limits', () => {
  let server: ServerHandle;
  let port: number;
  let errors: ReturnType<typeof vi.spyOn>;

  beforeAll(async () => {
    errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    server = await serve(app, {
      port: 0,
      host: '127.0.0.1',
      handleSignals: false,
      bodyLimit: 1000,
      headersTimeout: 600,
      requestTimeout: 3000,
      maxHeaderSize: 2048,
    });
    port = server.port!;
  });
  afterAll(async () => {
    await server.close();
    errors.mockRestore();
  });

  it('answers 413 to a declared body over the limit, without the app, then serves the next request', async () => {
    const response = await send(server.url, '/', { method: 'POST', body: 'x'.repeat(1001) });
    expect(response.status).toBe(413);
    expect(text(response.body)).toBe('413 Payload Too Large: the request body is larger than the limit of 1000 bytes\n');
    expect(response.headers.get('connection')).toBe('close');
    const next = await send(server.url, '/');
    expect(next.status).toBe(200);
    expect(text(next.body)).toBe('ok\n');
  });

  it('answers 413 to a chunked body that grows past the limit while the app reads it', async () => {
    const reply = await rawExchange(
      port,
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' + '3e8\r\n' + 'y'.repeat(1000) + '\r\n' + '3e8\r\n' + 'y'.repeat(1000) + '\r\n0\r\n\r\n',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).toContain('limit of 1000 bytes');
    expect((await send(server.url, '/')).status).toBe(200);
  });

  it('accepts a body exactly at the limit', async () => {
    const response = await send(server.url, '/', { method: 'POST', body: 'z'.repeat(1000) });
    expect(text(response.body)).toBe('got 1000\n');
  });

  it('cuts off a slowloris client that never finishes its headers', async () => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => {});
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    // one more header line every 200 ms, never the blank line: only the server can end this
    let lines = 0;
    const drip = setInterval(() => socket.write(`X-Slow-${++lines}: 1\r\n`), 200);
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    clearInterval(drip);
    expect(Buffer.concat(received).toString()).toMatch(/^HTTP\/1\.1 408 /);
    expect((await send(server.url, '/')).status).toBe(200);
  });

  it('answers 431 to a head over maxHeaderSize and keeps serving', async () => {
    const reply = await rawExchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(4000)}\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 431 /);
    expect((await send(server.url, '/')).status).toBe(200);
  });

  it('answers 400 to a malformed request line and keeps serving', async () => {
    const reply = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect((await send(server.url, '/')).status).toBe(200);
  });

  it('answers 405 to TRACE for a fetch app, which a Request cannot carry', async () => {
    const response = await send(server.url, '/', { method: 'TRACE' });
    expect(response.status).toBe(405);
    expect(text(response.body)).toBe('405 Method Not Allowed: method TRACE is not supported: a fetch Request cannot carry it (a fromNodeHandler app can)\n');
  });

  it('answers 400 to a Host that is not a host', async () => {
    const reply = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: a/b@c\r\nConnection: close\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('is not a valid host');
  });

  it('logs bad input in one line', async () => {
    errors.mockClear();
    await send(server.url, '/', { method: 'POST', body: 'x'.repeat(2000) });
    const lines = errors.mock.calls.map((call: unknown[]) => call.join(' '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe('adapt: POST /: 413 BODY_TOO_LARGE: the request body is larger than the limit of 1000 bytes');
  });

  it('closes idle keep-alive connections after keepAliveTimeout, not before a longer one', async () => {
    const short = await serve(app, { port: 0, host: '127.0.0.1', handleSignals: false, keepAliveTimeout: 300 });
    const long = await serve(app, { port: 0, host: '127.0.0.1', handleSignals: false, keepAliveTimeout: 60_000 });
    try {
      // the same exchange on both; the server of the short timeout closes its idle connection first
      const idle = (target: ServerHandle) => {
        const socket = connect(target.port!, '127.0.0.1');
        const state = { answered: '', closed: false };
        socket.setEncoding('latin1');
        socket.on('data', (chunk: string) => (state.answered += chunk));
        socket.on('close', () => (state.closed = true));
        socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
        return { socket, state, closed: new Promise<void>((resolve) => socket.on('close', () => resolve())) };
      };
      const longLived = idle(long);
      const shortLived = idle(short);
      await shortLived.closed;
      expect(shortLived.state.answered).toMatch(/^HTTP\/1\.1 200 /);
      expect(shortLived.state.answered).toMatch(/keep-alive/i);
      expect(longLived.state.closed).toBe(false);
      longLived.socket.destroy();
    } finally {
      await Promise.all([short.close(), long.close()]);
    }
  });
});
