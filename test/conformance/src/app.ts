/**
 * The battery's fixture app, written against the fetch contract. express-app.ts and koa-app.ts
 * answer every route identically through Express and Koa.
 */
import { createHash } from 'node:crypto';
import { defineApp, type AppContext } from '@adapt/core';
import { allBytes, etag, gzipJson, largeBody, png, streamChunk, svg, threeCookies, unicodeText } from './fixtures.js';

const text = 'text/plain; charset=utf-8';
const json = 'application/json; charset=utf-8';

function reply(body: BodyInit | null, contentType: string | null, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  if (contentType) headers.set('content-type', contentType);
  return new Response(body, { ...init, headers });
}

function sendJson(value: unknown, status = 200): Response {
  return reply(JSON.stringify(value), json, { status });
}

/** The raw path and query exactly as the app's URL holds them. */
function rawParts(url: string): { path: string; query: string } {
  const afterScheme = url.indexOf('://') + 3;
  const pathStart = url.indexOf('/', afterScheme);
  const rest = pathStart === -1 ? '/' : url.slice(pathStart);
  const hash = rest.indexOf('#');
  const target = hash === -1 ? rest : rest.slice(0, hash);
  const q = target.indexOf('?');
  return q === -1 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

export default defineApp({
  async fetch(request: Request, context: AppContext): Promise<Response> {
    const { path, query } = rawParts(request.url);
    const params = new URLSearchParams(query);
    const method = request.method;

    if (path === '/') return reply('hello from adapt\n', text);
    if (path === '/echo' || path.startsWith('/echo/')) {
      return sendJson({ method, path, query, params: [...params] });
    }
    if (path === '/headers') {
      const seen: Record<string, string | null> = {};
      for (const name of params.getAll('name')) seen[name] = request.headers.get(name);
      return sendJson(seen);
    }
    if (path === '/cookies') {
      const headers = new Headers({ 'content-type': text });
      for (const cookie of threeCookies) headers.append('set-cookie', cookie);
      return new Response('three cookies\n', { headers });
    }
    if (path === '/request-cookies') return sendJson({ cookie: request.headers.get('cookie') });
    if (path === '/multi-header') {
      const headers = new Headers({ 'content-type': text });
      headers.append('x-multi', 'one');
      headers.append('x-multi', 'two');
      return new Response('multi\n', { headers });
    }
    if (path === '/binary/bytes') return reply(allBytes, 'application/octet-stream');
    if (path === '/binary/png') return reply(png, 'image/png');
    if (path === '/no-type') return reply(allBytes.slice(0, 16), null);
    if (path === '/gzip-json') return reply(gzipJson, 'application/json', { headers: { 'content-encoding': 'gzip' } });
    if (path === '/svg') return reply(svg, 'image/svg+xml');
    if (path === '/vnd-json') return reply('{"data":{"type":"x","id":"1"}}', 'application/vnd.api+json');
    if (path === '/unicode') return reply(unicodeText, text);
    if (path === '/empty') return reply(null, null);
    if (path.startsWith('/status/')) {
      const status = Number(path.slice('/status/'.length));
      if (status === 204) return new Response(null, { status });
      if (status === 304) return new Response(null, { status, headers: { etag } });
      return reply(`status ${status}\n`, text, { status });
    }
    if (path === '/conditional') {
      if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers: { etag } });
      return reply('fresh\n', text, { headers: { etag } });
    }
    if (path === '/redirect') {
      const status = Number(params.get('status') ?? 302);
      return new Response(null, { status, headers: { location: params.get('to') ?? '/echo?from=redirect' } });
    }
    if (path === '/throw') throw new Error('the battery app failed on purpose');
    if (path === '/throw-async') {
      await new Promise((resolve) => setTimeout(resolve, 1));
      throw new Error('the battery app failed on purpose, later');
    }
    if (path === '/upload') {
      const body = new Uint8Array(await request.arrayBuffer());
      return sendJson({
        method,
        length: body.byteLength,
        sha256: createHash('sha256').update(body).digest('hex'),
        contentType: request.headers.get('content-type'),
      });
    }
    if (path === '/echo-body') {
      const body = await request.arrayBuffer();
      return reply(body, request.headers.get('content-type') ?? 'application/octet-stream');
    }
    if (path === '/json' && method === 'POST') {
      let received: unknown;
      try {
        received = await request.json();
      } catch {
        return sendJson({ error: 'invalid JSON' }, 400);
      }
      return sendJson({ received });
    }
    if (path === '/stream') {
      const chunks = Number(params.get('chunks') ?? 4);
      const size = Number(params.get('size') ?? 1024);
      let index = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (index >= chunks) return controller.close();
          await new Promise((resolve) => setTimeout(resolve, 1));
          controller.enqueue(streamChunk(index++, size));
        },
      });
      return reply(body, 'application/octet-stream');
    }
    if (path === '/large') return reply(largeBody(Number(params.get('size') ?? 1048576)), text);
    if (path === '/method') return sendJson({ method });

    // Fetch-only routes: they read what only the fetch contract shows.
    if (path === '/context') {
      return sendJson({
        platform: typeof context.platform,
        env: typeof context.env,
        waitUntil: typeof context.waitUntil,
        raw: context.raw !== undefined && context.raw !== null,
      });
    }
    if (path === '/request-props') {
      const clone = request.clone();
      const before = request.bodyUsed;
      const body = await request.text();
      let secondRead = 'resolved';
      try {
        await request.text();
      } catch (error) {
        secondRead = (error as Error).name;
      }
      return sendJson({
        isRequest: request instanceof Request,
        absoluteUrl: /^https?:\/\//.test(request.url),
        headerOrder: [...request.headers.keys()].filter((name) => name.startsWith('x-order-')),
        bodyUsedBefore: before,
        bodyUsedAfter: request.bodyUsed,
        body,
        cloneBody: await clone.text(),
        secondRead,
        signal: request.signal instanceof AbortSignal,
      });
    }
    if (path === '/request-copy') {
      // Node 24's undici reads its private state from a Request: a copy or a fetch() of the request the app got once threw
      request.headers.set('x-added', 'by the app');
      const copy = new Request(request);
      const moved = new Request('http://upstream.example/moved', copy.clone());
      const fetched = await fetch(new Request(`data:text/plain,${encodeURIComponent(await moved.text())}`));
      return sendJson({
        method: copy.method,
        sameUrl: copy.url === request.url,
        added: copy.headers.get('x-added'),
        type: copy.headers.get('content-type'),
        body: await copy.text(),
        fetched: await fetched.text(),
        overridden: new Request(request, { method: 'PUT', body: 'new body' }).method,
        originalUsed: request.bodyUsed,
      });
    }
    if (path === '/wait-until') {
      context.waitUntil(new Promise((resolve) => setTimeout(resolve, 5)));
      return reply('scheduled\n', text);
    }
    return reply('not found\n', text, { status: 404 });
  },
});
