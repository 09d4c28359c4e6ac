import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { fromNodeHandler, type AppContext } from '@adapt/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createListener, serve, type NodeRaw, type ServerHandle } from '../src/index.js';
import { rawExchange, send, text } from '@adapt/conformance/http';

let errors: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  errors = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => errors.mockRestore());

const open: ServerHandle[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

async function start(app: Parameters<typeof serve>[0], options: Parameters<typeof serve>[1] = {}): Promise<ServerHandle> {
  const server = await serve(app, { port: 0, host: '127.0.0.1', handleSignals: false, ...options });
  open.push(server);
  return server;
}

describe('an app that fails', () => {
  const failing = (request: Request) => {
    const path = new URL(request.url).pathname;
    if (path === '/sync') throw new Error('secret detail');
    if (path === '/async') return Promise.reject(new Error('secret detail'));
    if (path === '/not-response') return { status: 200 } as unknown as Response;
    if (path === '/bad-stream') {
      return new Response(
        new ReadableStream({
          pull(controller) {
            controller.enqueue(new TextEncoder().encode('partial'));
            controller.error(new Error('stream broke'));
          },
        }),
      );
    }
    return new Response('fine\n');
  };

  it.each(['/sync', '/async'])('%s: 500 without a stack trace, one log line, and the server keeps serving', async (path) => {
    const server = await start(failing);
    const response = await send(server.url, path);
    expect(response.status).toBe(500);
    expect(text(response.body)).toBe('500 Internal Server Error\n');
    expect(text(response.body)).not.toContain('secret');
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0][0])).toMatch(new RegExp(`^adapt: GET ${path}: 500 APP_ERROR: Error: secret detail`));
    expect(text((await send(server.url, '/')).body)).toBe('fine\n');
  });

  it('shows the stack trace in dev', async () => {
    const server = await start(failing, { dev: true });
    const body = text((await send(server.url, '/sync')).body);
    expect(body).toMatch(/^500 Internal Server Error\n\nError: secret detail\n\s+at /);
  });

  it('answers 500 naming what came back when the app returns no Response', async () => {
    const server = await start(failing);
    const response = await send(server.url, '/not-response');
    expect(response.status).toBe(500);
    expect(String(errors.mock.calls[0][0])).toContain('the app returned an object instead of a Response');
  });

  it('cuts the connection when a stream fails after the head is out, and keeps serving', async () => {
    const server = await start(failing);
    await expect(send(server.url, '/bad-stream')).rejects.toThrow();
    expect(String(errors.mock.calls[0][0])).toContain('response stream failed');
    expect((await send(server.url, '/')).status).toBe(200);
  });

  it('answers 500 to every request when setup() fails, with the reason logged', async () => {
    const listener = createListener({
      setup() {
        throw new Error('database unreachable');
      },
      fetch: () => new Response('never'),
    });
    const server = createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      expect((await send(url, '/')).status).toBe(500);
      expect(String(errors.mock.calls[0][0])).toContain('database unreachable');
    } finally {
      server.close();
    }
  });
});

describe('context and lifecycle', () => {
  it('runs setup before listening, gives platform node, raw req/res and the socket address, and teardown on close', async () => {
    const events: string[] = [];
    let seen: AppContext | undefined;
    const server = await serve(
      {
        async setup(context) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          events.push(`setup ${context.platform}`);
        },
        fetch(_request, context) {
          seen = context;
          context.waitUntil(new Promise((resolve) => setTimeout(resolve, 200)).then(() => events.push('waitUntil done')));
          return new Response('ok');
        },
        teardown() {
          events.push('teardown');
        },
      },
      { port: 0, host: '127.0.0.1', handleSignals: false },
    );
    expect(events).toEqual(['setup node']);
    const response = await send(server.url, '/');
    expect(text(response.body)).toBe('ok');
    expect(events).toEqual(['setup node']); // the answer did not wait for waitUntil
    expect(seen!.platform).toBe('node');
    expect(seen!.env).toBe(process.env);
    expect(seen!.remoteAddress).toBe('127.0.0.1');
    const raw = seen!.raw as NodeRaw;
    expect(raw.req.socket).toBeInstanceOf(Socket);
    expect(typeof raw.res.writeHead).toBe('function');
    expect(seen!.raw).toBe(seen!.raw);
    await server.close();
    expect(events).toEqual(['setup node', 'waitUntil done', 'teardown']);
  });

  it('lets an app answer through context.raw.res itself', async () => {
    const server = await start((_request, context) => {
      const { res } = context.raw as NodeRaw;
      res.writeHead(202, { 'x-raw': 'yes' });
      res.end('raw answer');
      return new Response('ignored');
    });
    const response = await send(server.url, '/');
    expect(response.status).toBe(202);
    expect(text(response.body)).toBe('raw answer');
  });

  it('calls a fromNodeHandler app with the real req and res, no conversion', async () => {
    let seen: { req: IncomingMessage; res: ServerResponse } | undefined;
    const server = await start(
      fromNodeHandler((req, res) => {
        seen = { req, res };
        res.setHeader('content-type', 'text/plain');
        res.end(`${req.method} ${req.url} ${req.socket.remotePort ? 'real socket' : 'fake'}`);
      }),
    );
    const response = await send(server.url, '/a%2Fb?x=1');
    expect(text(response.body)).toBe('GET /a%2Fb?x=1 real socket');
    expect(seen!.req.socket).toBeInstanceOf(Socket);
  });
});

describe('trust proxy', () => {
  const whoami = (request: Request, context: AppContext) => Response.json({ url: request.url, remote: context.remoteAddress });
  const forwarded: Array<[string, string]> = [
    ['x-forwarded-for', '203.0.113.7, 10.0.0.1'],
    ['x-forwarded-proto', 'https'],
    ['x-forwarded-host', 'shop.example'],
  ];

  it('ignores X-Forwarded-* by default', async () => {
    const server = await start(whoami);
    const answer = JSON.parse(text((await send(server.url, '/p?q=1', { headers: [['host', 'direct.example:8080'], ...forwarded] })).body));
    expect(answer).toEqual({ url: 'http://direct.example:8080/p?q=1', remote: '127.0.0.1' });
  });

  it('uses them when trustProxy is on', async () => {
    const server = await start(whoami, { trustProxy: true });
    const answer = JSON.parse(text((await send(server.url, '/p?q=1', { headers: [['host', 'direct.example:8080'], ...forwarded] })).body));
    expect(answer).toEqual({ url: 'https://shop.example/p?q=1', remote: '203.0.113.7' });
  });

  it('refuses a forwarded protocol that is not http or https', async () => {
    const server = await start(whoami, { trustProxy: true });
    const response = await send(server.url, '/', { headers: [['x-forwarded-proto', 'javascript']] });
    expect(response.status).toBe(400);
  });
});

describe('requests and responses', () => {
  it('normalizes the URL the way Request does, and takes absolute-form targets', async () => {
    const server = await start((request) => new Response(request.url));
    expect(text((await send(server.url, '/a/./b/../c?x', { headers: [['host', 'Example.COM:80']] })).body)).toBe('http://example.com/a/c?x');
    const reply = await rawExchange(server.port!, 'GET http://other.example/abs?q HTTP/1.1\r\nHost: ignored\r\nConnection: close\r\n\r\n');
    expect(reply.endsWith('http://other.example/abs?q')).toBe(true);
  });

  it('streams a request body to the app as it arrives (backpressure both ways)', async () => {
    const server = await start(
      async (request) => {
        let size = 0;
        let chunks = 0;
        for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
          size += chunk.byteLength;
          chunks++;
        }
        return Response.json({ size, chunks: chunks > 1 });
      },
      { bodyLimit: Infinity },
    );
    const body = new Uint8Array(8 * 1024 * 1024).fill(7);
    const answer = JSON.parse(text((await send(server.url, '/', { method: 'PUT', body })).body));
    expect(answer).toEqual({ size: body.byteLength, chunks: true });
  });

  it('sends Content-Length without adding it to the Response the app returned', async () => {
    let returned: Response | undefined;
    const server = await start(() => (returned = new Response('sized', { headers: { 'x-a': '1' } })));
    const response = await send(server.url, '/');
    expect(response.headers.get('content-length')).toBe('5');
    expect([...returned!.headers]).toEqual([
      ['content-type', 'text/plain;charset=UTF-8'],
      ['x-a', '1'],
    ]);
  });

  it('HEAD gets the headers and length of the GET answer, no body', async () => {
    const server = await start(() => new Response('twelve bytes', { headers: { 'x-a': '1' } }));
    const reply = await rawExchange(server.port!, 'HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(reply).toContain('content-length: 12\r\n');
    expect(reply).toContain('x-a: 1\r\n');
    expect(reply.endsWith('\r\n\r\n')).toBe(true);
  });

  it('aborts request.signal when the client goes away', async () => {
    let aborted: Promise<boolean> | undefined;
    const server = await start((request) => {
      aborted = new Promise((resolve) => request.signal.addEventListener('abort', () => resolve(true)));
      return new Promise<Response>(() => {}); // never answers
    });
    const socket = new Socket();
    socket.connect(server.port!, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await vi.waitFor(() => expect(aborted).toBeDefined());
    socket.destroy();
    expect(await aborted).toBe(true);
  });

  it('listens on a unix socket', async () => {
    const path = `/tmp/adapt-node-test-${process.pid}-${Date.now()}.sock`;
    const server = await start(() => new Response('over a socket file'), { path });
    expect(server.url).toBe(`unix:${path}`);
    expect(server.port).toBeUndefined();
    const response = await send('http://localhost', '/', { socketPath: path });
    expect(text(response.body)).toBe('over a socket file');
  });

  it('says what to do when the port is taken', async () => {
    const first = await start(() => new Response('first'));
    await expect(serve(() => new Response('second'), { port: first.port, host: '127.0.0.1', handleSignals: false })).rejects.toThrow(
      /is already in use.*PORT variable or the "port" option/,
    );
  });

  it('validates options with the option named', async () => {
    await expect(serve(() => new Response(''), { port: 70000 })).rejects.toThrow(/option "port" must be an integer/);
    await expect(serve(() => new Response(''), { bodyLimit: -1 })).rejects.toThrow(/option "bodyLimit"/);
    await expect(serve(() => new Response(''), { workers: 0 })).rejects.toThrow(/option "workers"/);
  });
});
