import { describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import Koa from 'koa';
import { fromNodeHandler, getNodeHandler, runNodeHandler } from './from-node.js';

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

  it('rejects when the handler throws before answering, and on next(error)', async () => {
    await expect(runNodeHandler(() => { throw new Error('sync'); }, new Request('http://x/'), context)).rejects.toThrow('sync');
    await expect(runNodeHandler(async () => { throw new Error('async'); }, new Request('http://x/'), context)).rejects.toThrow('async');
    await expect(runNodeHandler((_q, _s, next) => next?.(new Error('next')), new Request('http://x/'), context)).rejects.toThrow('next');
  });

  it('answers 404 when the handler calls next() without answering', async () => {
    const response = await runNodeHandler((_q, _s, next) => next?.(), new Request('http://x/'), context);
    expect(response.status).toBe(404);
  });

  it('refuses something that is not a function', () => {
    expect(() => fromNodeHandler({} as never)).toThrow(/expects a \(req, res\) function/);
  });
});
