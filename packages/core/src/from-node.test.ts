import { describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import express from 'express';
import Koa from 'koa';
import { fromNodeHandler, getNodeHandler, runNodeHandler, runNodeRequest } from './from-node.js';

const context = { remoteAddress: '203.0.113.9' };

describe('fromNodeHandler', () => {
  it('runs a real Express app and exposes the raw handler', async () => {
    const api = express().get('/hi/:name', (req, res) => {
      res.json({ name: req.params.name, ip: req.ip, protocol: req.protocol, host: req.hostname });
    });
    const app = fromNodeHandler(api);
    expect(getNodeHandler(app)).toBe(api);
    const response = await app.fetch(new Request('https://api.test/hi/ada'), { ...context } as never);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: 'ada', ip: '203.0.113.9', protocol: 'https', host: 'api.test' });
  });

  it('runs a real Koa app', async () => {
    const koa = new Koa();
    koa.use((ctx) => {
      ctx.set('x-path', ctx.path);
      ctx.body = { method: ctx.method, query: ctx.query };
    });
    const response = await fromNodeHandler(koa.callback()).fetch(new Request('http://k.test/p?a=1&a=2', { method: 'DELETE' }), context as never);
    expect(response.headers.get('x-path')).toBe('/p');
    expect(await response.json()).toEqual({ method: 'DELETE', query: { a: ['1', '2'] } });
  });

  it('streams the response: the head and first chunk arrive before the app ends', async () => {
    let finish!: () => void;
    const ended = new Promise<void>((resolve) => (finish = resolve));
    const handler = async (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first ');
      await ended;
      res.end('last');
    };
    const response = await runNodeHandler(handler, new Request('http://x/'), context);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('first ');
    finish();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe('last');
  });

  it('streams the request: the app reads chunks as the client sends them', async () => {
    let push!: (chunk: string | null) => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (chunk) => (chunk === null ? controller.close() : controller.enqueue(new TextEncoder().encode(chunk)));
      },
    });
    const seen: string[] = [];
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      req.on('data', (chunk: Buffer) => {
        seen.push(chunk.toString());
        if (seen.length === 1) push('two');
        else push(null);
      });
      req.on('end', () => res.end(seen.join('+')));
    };
    const request = new Request('http://x/', { method: 'POST', body, duplex: 'half' } as RequestInit);
    const pending = runNodeHandler(handler, request, context);
    push('one');
    const response = await pending;
    expect(await response.text()).toBe('one+two');
  });

  it('keeps several Set-Cookie apart and drops hop-by-hop headers', async () => {
    const handler = (_req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('set-cookie', ['a=1', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT']);
      res.setHeader('connection', 'keep-alive');
      res.end('ok');
    };
    const response = await runNodeHandler(handler, new Request('http://x/'), context);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT']);
    expect(response.headers.get('connection')).toBeNull();
  });

  it('undoes chunk framing when the app sets Transfer-Encoding itself', async () => {
    const handler = (_req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('transfer-encoding', 'chunked');
      res.write('ab');
      res.end('cd');
    };
    const response = await runNodeHandler(handler, new Request('http://x/'), context);
    expect(await response.text()).toBe('abcd');
    expect(response.headers.get('transfer-encoding')).toBeNull();
  });

  it('skips 100 Continue and answers with the real head', async () => {
    const handler = (_req: IncomingMessage, res: ServerResponse) => {
      res.writeContinue();
      res.statusCode = 201;
      res.end('made');
    };
    const response = await runNodeHandler(handler, new Request('http://x/'), context);
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('made');
  });

  it('rejects when the handler throws or its promise rejects before answering', async () => {
    await expect(
      runNodeHandler(
        () => {
          throw new Error('sync');
        },
        new Request('http://x/'),
        context,
      ),
    ).rejects.toThrow('sync');
    await expect(
      runNodeHandler(
        async () => {
          throw new Error('async');
        },
        new Request('http://x/'),
        context,
      ),
    ).rejects.toThrow('async');
  });

  it('calls the handler as node:http does, with (req, res) and nothing more', async () => {
    let count = -1;
    const response = await runNodeHandler(
      function (this: unknown, ...args: unknown[]) {
        count = args.length;
        (args[1] as ServerResponse).end('two');
      } as never,
      new Request('http://x/'),
      context,
    );
    expect(count).toBe(2);
    expect(await response.text()).toBe('two');
  });

  it("lets Express answer its own errors: a route error, a 404, a body parser's 400", async () => {
    const api = express();
    api.post('/json', express.json(), (req, res) => res.json(req.body));
    api.get('/boom', () => {
      throw new Error('route failed');
    });
    const app = fromNodeHandler(api);
    const boom = await app.fetch(new Request('http://x/boom'), context as never);
    expect(boom.status).toBe(500);
    expect(await boom.text()).toContain('route failed'); // Express shows the message outside production
    const missing = await app.fetch(new Request('http://x/nowhere'), context as never);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Cannot GET /nowhere');
    const bad = await app.fetch(new Request('http://x/json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }), context as never);
    expect(bad.status).toBe(400);
  });

  it('waits for a slow handler: adapt adds no answer of its own', async () => {
    const handler = (_req: IncomingMessage, res: ServerResponse) => {
      setTimeout(() => res.end('late'), 20);
    };
    const response = await runNodeHandler(handler, new Request('http://x/'), context);
    expect(await response.text()).toBe('late');
  });

  it('gives req.url the request target as sent, and a body on GET', async () => {
    const seen: Array<{ url: string | undefined; body: string; length: string | undefined }> = [];
    const handler = async (req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      seen.push({ url: req.url, body, length: req.headers['content-length'] });
      res.end();
    };
    for (const target of ['/%', '/%zz', '/a/../b', '/%2e%2e%2fetc', '/..%5c', '/%c0%ae?x=%']) {
      await runNodeRequest(handler, { method: 'GET', target, headers: new Headers(), body: new TextEncoder().encode('hi'), encrypted: false, host: 'x' });
    }
    expect(seen.map((s) => s.url)).toEqual(['/%', '/%zz', '/a/../b', '/%2e%2e%2fetc', '/..%5c', '/%c0%ae?x=%']);
    expect(seen.every((s) => s.body === 'hi' && s.length === '2')).toBe(true);
  });

  it('gives a Content-Length equal to the bytes delivered, whatever the platform said', async () => {
    const handler = async (req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      res.end(JSON.stringify({ length: req.headers['content-length'], te: req.headers['transfer-encoding'] ?? null, body }));
    };
    for (const [given, body] of [
      ['100', 'four'],
      ['1', 'four'],
      ['abc', 'four'],
      ['7', ''],
    ] as const) {
      const headers = new Headers({ 'content-length': given, 'transfer-encoding': 'chunked' });
      const response = await runNodeRequest(handler, { method: 'POST', target: '/', headers, body: new TextEncoder().encode(body), encrypted: false, host: 'x' });
      expect(await response.json()).toEqual({ length: String(body.length), te: null, body });
    }
  });

  it('delivers TRACE and other methods a standard Request refuses', async () => {
    const handler = (req: IncomingMessage, res: ServerResponse) => res.end(req.method);
    for (const method of ['TRACE', 'TRACK', 'PROPFIND']) {
      const response = await runNodeRequest(handler, { method, target: '/', headers: new Headers(), body: null, encrypted: true, host: 'x' });
      expect(await response.text()).toBe(method);
    }
  });

  it('answers a status the platform cannot carry (101, a 1xx as final) with a 502 at once', async () => {
    const upgrade = (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(101, { upgrade: 'websocket', connection: 'upgrade' });
      res.end();
    };
    await expect(runNodeHandler(upgrade, new Request('http://x/'), context)).rejects.toMatchObject({ status: 502, message: /status 101/ });
    const early = (_req: IncomingMessage, res: ServerResponse) => {
      res.statusCode = 102;
      res.end('never');
    };
    await expect(runNodeHandler(early, new Request('http://x/'), context)).rejects.toMatchObject({ status: 502, message: /status 102/ });
  });

  it('streams a piped body larger than the socket buffer (the drain reaches the response)', async () => {
    const size = 200_000;
    const handler = (_req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('content-length', String(size));
      Readable.from(
        (function* () {
          for (let sent = 0; sent < size; sent += 65_536) yield Buffer.alloc(Math.min(65_536, size - sent), 7);
        })(),
      ).pipe(res);
    };
    const response = await runNodeHandler(handler, new Request('http://x/'), context);
    expect((await response.arrayBuffer()).byteLength).toBe(size);
  });

  it('answers 502 when the handler destroys the response without a head', async () => {
    const handler = (_req: IncomingMessage, res: ServerResponse) => void res.destroy();
    await expect(runNodeHandler(handler, new Request('http://x/'), context)).rejects.toMatchObject({ status: 502 });
  });

  it('refuses something that is not a function', () => {
    expect(() => fromNodeHandler({} as never)).toThrow(/expects a \(req, res\) function/);
  });
});
