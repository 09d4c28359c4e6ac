/** The battery app in Express, answering every route as app.ts does. */
import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { errorAnswer } from '@adapt/core';
import { allBytes, etag, gzipJson, largeBody, png, streamChunk, svg, threeCookies, unicodeText } from './fixtures.js';

const text = 'text/plain; charset=utf-8';

function split(req: Request): { path: string; query: string } {
  const url = req.originalUrl;
  const q = url.indexOf('?');
  return q === -1 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

function send(res: Response, body: string | Uint8Array, contentType: string | null, status = 200): void {
  res.status(status);
  if (contentType) res.setHeader('content-type', contentType);
  res.end(typeof body === 'string' ? body : Buffer.from(body));
}

async function readRaw(req: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function createExpressApp() {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/', (_req, res) => send(res, 'hello from adapt\n', text));
  app.all('/echo{/*rest}', (req, res) => {
    const { path, query } = split(req);
    res.json({ method: req.method, path, query, params: [...new URLSearchParams(query)] });
  });
  app.get('/headers', (req, res) => {
    const names = new URLSearchParams(split(req).query).getAll('name');
    const seen: Record<string, string | null> = {};
    for (const name of names) {
      const value = req.headers[name.toLowerCase()];
      seen[name] = value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    }
    res.json(seen);
  });
  app.get('/cookies', (_req, res) => {
    res.append('Set-Cookie', threeCookies);
    send(res, 'three cookies\n', text);
  });
  app.get('/request-cookies', (req, res) => res.json({ cookie: req.headers.cookie ?? null }));
  app.get('/multi-header', (_req, res) => {
    res.setHeader('x-multi', ['one', 'two']);
    send(res, 'multi\n', text);
  });
  app.get('/binary/bytes', (_req, res) => send(res, allBytes, 'application/octet-stream'));
  app.get('/binary/png', (_req, res) => send(res, png, 'image/png'));
  app.get('/no-type', (_req, res) => send(res, allBytes.slice(0, 16), null));
  app.get('/gzip-json', (_req, res) => {
    res.setHeader('content-encoding', 'gzip');
    send(res, gzipJson, 'application/json');
  });
  app.get('/svg', (_req, res) => send(res, svg, 'image/svg+xml'));
  app.get('/vnd-json', (_req, res) => send(res, '{"data":{"type":"x","id":"1"}}', 'application/vnd.api+json'));
  app.get('/unicode', (_req, res) => send(res, unicodeText, text));
  app.get('/empty', (_req, res) => res.end());
  app.all('/status/:code', (req, res) => {
    const status = Number(req.params.code);
    if (status === 204) return void res.status(204).end();
    if (status === 304) return void res.status(304).setHeader('etag', etag).end();
    send(res, `status ${status}\n`, text, status);
  });
  app.get('/conditional', (req, res) => {
    res.setHeader('etag', etag);
    if (req.headers['if-none-match'] === etag) return void res.status(304).end();
    send(res, 'fresh\n', text);
  });
  app.get('/redirect', (req, res) => {
    const params = new URLSearchParams(split(req).query);
    res.status(Number(params.get('status') ?? 302)).setHeader('location', params.get('to') ?? '/echo?from=redirect');
    res.end();
  });
  app.get('/throw', () => {
    throw new Error('the battery app failed on purpose');
  });
  app.get('/throw-async', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    throw new Error('the battery app failed on purpose, later');
  });
  app.all('/upload', async (req, res) => {
    const body = await readRaw(req);
    res.json({
      method: req.method,
      length: body.byteLength,
      sha256: createHash('sha256').update(body).digest('hex'),
      contentType: req.headers['content-type'] ?? null,
    });
  });
  app.all('/echo-body', async (req, res) => {
    const body = await readRaw(req);
    send(res, body, req.headers['content-type'] ?? 'application/octet-stream');
  });
  app.post('/json', express.json({ strict: false, type: () => true }), (req, res) => res.json({ received: req.body }));
  app.get('/stream', async (req, res) => {
    const params = new URLSearchParams(split(req).query);
    const chunks = Number(params.get('chunks') ?? 4);
    const size = Number(params.get('size') ?? 1024);
    res.setHeader('content-type', 'application/octet-stream');
    for (let i = 0; i < chunks; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (!res.write(streamChunk(i, size))) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  });
  app.get('/large', (req, res) => {
    const size = Number(new URLSearchParams(split(req).query).get('size') ?? 1048576);
    send(res, largeBody(size), text);
  });
  app.all('/method', (req, res) => res.json({ method: req.method }));
  app.use((_req: Request, res: Response) => send(res, 'not found\n', text, 404));
  // A body that is not JSON gets the same 400 as the fetch app; anything else is adapt's 500.
  app.use((error: Error & { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (error.type === 'entity.parse.failed') return void res.status(400).json({ error: 'invalid JSON' });
    const answer = errorAnswer(error);
    if (res.headersSent) return next(error);
    res.status(answer.status).set(answer.headers).end(answer.body);
  });
  return app;
}

export default createExpressApp();
