/** The battery app in Koa, answering every route as app.ts does. */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import Koa, { type Context } from 'koa';
import { errorAnswer } from '@adapt/core';
import { allBytes, etag, gzipJson, largeBody, png, streamChunk, svg, threeCookies, unicodeText } from './fixtures.js';

const text = 'text/plain; charset=utf-8';

function send(ctx: Context, body: string | Uint8Array | null, contentType: string | null, status = 200): void {
  ctx.status = status;
  ctx.body = body === null ? null : typeof body === 'string' ? body : Buffer.from(body);
  if (contentType) ctx.set('content-type', contentType);
  else ctx.remove('content-type');
}

function sendJson(ctx: Context, value: unknown, status = 200): void {
  send(ctx, JSON.stringify(value), 'application/json; charset=utf-8', status);
}

async function readRaw(ctx: Context): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function createKoaApp(): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const answer = errorAnswer(error);
      ctx.status = answer.status;
      ctx.set(answer.headers);
      ctx.body = answer.body;
    }
  });
  app.use(async (ctx) => {
    const url = ctx.originalUrl;
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? '' : url.slice(q + 1);
    const params = new URLSearchParams(query);
    const method = ctx.method;

    if (path === '/') return send(ctx, 'hello from adapt\n', text);
    if (path === '/echo' || path.startsWith('/echo/')) return sendJson(ctx, { method, path, query, params: [...params] });
    if (path === '/headers') {
      const seen: Record<string, string | null> = {};
      for (const name of params.getAll('name')) {
        const value = ctx.req.headers[name.toLowerCase()];
        seen[name] = value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      }
      return sendJson(ctx, seen);
    }
    if (path === '/cookies') {
      ctx.set('set-cookie', threeCookies);
      return send(ctx, 'three cookies\n', text);
    }
    if (path === '/request-cookies') return sendJson(ctx, { cookie: ctx.get('cookie') || null });
    if (path === '/multi-header') {
      ctx.set('x-multi', ['one', 'two']);
      return send(ctx, 'multi\n', text);
    }
    if (path === '/binary/bytes') return send(ctx, allBytes, 'application/octet-stream');
    if (path === '/binary/png') return send(ctx, png, 'image/png');
    if (path === '/no-type') return send(ctx, allBytes.slice(0, 16), null);
    if (path === '/gzip-json') {
      ctx.set('content-encoding', 'gzip');
      return send(ctx, gzipJson, 'application/json');
    }
    if (path === '/svg') return send(ctx, svg, 'image/svg+xml');
    if (path === '/vnd-json') return send(ctx, '{"data":{"type":"x","id":"1"}}', 'application/vnd.api+json');
    if (path === '/unicode') return send(ctx, unicodeText, text);
    if (path === '/empty') {
      ctx.status = 200;
      ctx.respond = false;
      ctx.res.end();
      return;
    }
    if (path.startsWith('/status/')) {
      const status = Number(path.slice('/status/'.length));
      if (status === 204) return void (ctx.status = 204);
      if (status === 304) {
        ctx.set('etag', etag);
        return void (ctx.status = 304);
      }
      return send(ctx, `status ${status}\n`, text, status);
    }
    if (path === '/conditional') {
      ctx.set('etag', etag);
      if (ctx.get('if-none-match') === etag) return void (ctx.status = 304);
      return send(ctx, 'fresh\n', text);
    }
    if (path === '/redirect') {
      // Koa would write a "Found" text body for an empty redirect; answer on the raw response instead
      ctx.respond = false;
      ctx.res.statusCode = Number(params.get('status') ?? 302);
      ctx.res.setHeader('location', params.get('to') ?? '/echo?from=redirect');
      ctx.res.end();
      return;
    }
    if (path === '/throw') throw new Error('the battery app failed on purpose');
    if (path === '/throw-async') {
      await new Promise((resolve) => setTimeout(resolve, 1));
      throw new Error('the battery app failed on purpose, later');
    }
    if (path === '/upload') {
      const body = await readRaw(ctx);
      return sendJson(ctx, {
        method,
        length: body.byteLength,
        sha256: createHash('sha256').update(body).digest('hex'),
        contentType: ctx.get('content-type') || null,
      });
    }
    if (path === '/echo-body') {
      const body = await readRaw(ctx);
      return send(ctx, body, ctx.get('content-type') || 'application/octet-stream');
    }
    if (path === '/json' && method === 'POST') {
      const raw = await readRaw(ctx);
      try {
        return sendJson(ctx, { received: JSON.parse(raw.toString('utf8')) });
      } catch {
        return sendJson(ctx, { error: 'invalid JSON' }, 400);
      }
    }
    if (path === '/stream') {
      const chunks = Number(params.get('chunks') ?? 4);
      const size = Number(params.get('size') ?? 1024);
      async function* generate() {
        for (let i = 0; i < chunks; i++) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          yield Buffer.from(streamChunk(i, size));
        }
      }
      ctx.status = 200;
      ctx.body = Readable.from(generate());
      ctx.set('content-type', 'application/octet-stream');
      return;
    }
    if (path === '/large') return send(ctx, largeBody(Number(params.get('size') ?? 1048576)), text);
    if (path === '/method') return sendJson(ctx, { method });
    return send(ctx, 'not found\n', text, 404);
  });
  return app;
}

export default createKoaApp().callback();
