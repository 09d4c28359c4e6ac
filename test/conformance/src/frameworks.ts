/**
 * The framework apps of the battery: the same routes in Express 5, Express 4, Koa and Fastify,
 * each answering with the framework's own machinery (static files, sendFile, body parsers, the
 * final error handler). `framework-cases.ts` compares each target with the app under node:http.
 *
 *   GET  /static/*        the framework's static files from files/public (404, 403 traversal, 400 malformed)
 *   GET  /file/:name      send one file (ETag, Range, conditionals: 206, 304, 412, 416)
 *   GET  /download        an attachment (Content-Disposition)
 *   POST /json            the framework's JSON body parser (400 on malformed JSON)
 *   GET  /boom            an error thrown in a route, through the final error handler
 *   ALL  /upload          reads the body as a stream: length and sha256 (a GET may carry one)
 *   ALL  /method          the method as received
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import express4 from 'express4';
import Fastify from 'fastify';
import Koa from 'koa';
import koaSend from 'koa-send';
import send from 'send';

export type FrameworkName = 'express5' | 'express5-production' | 'express4' | 'express4-production' | 'koa' | 'fastify';
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => unknown;

/** files/ beside src/ (and dist/); a bundle is told where with CONFORMANCE_FILES. */
export const filesDir = process.env.CONFORMANCE_FILES || join(dirname(fileURLToPath(import.meta.url)), '../files');
const publicDir = join(filesDir, 'public');

async function digest(stream: AsyncIterable<unknown>): Promise<{ length: number; sha256: string }> {
  const hash = createHash('sha256');
  let length = 0;
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    length += bytes.byteLength;
    hash.update(bytes);
  }
  return { length, sha256: hash.digest('hex') };
}

function boom(): never {
  throw new Error('the route failed on purpose');
}

function createExpressApp(make: typeof express | typeof express4, production: boolean): NodeListener {
  const app = (make as typeof express)();
  app.set('env', production ? 'production' : 'development');
  app.disable('x-powered-by');
  // fallthrough off: a refused path (403, 400) or a missing file is an error for the final handler, not a next()
  app.use('/static', (make as typeof express).static(publicDir, { fallthrough: false }));
  app.get('/file/:name', (req, res, next) => res.sendFile(req.params.name, { root: publicDir }, (error) => error && next(error)));
  app.get('/download', (_req, res) => res.download(join(publicDir, 'hello.txt'), 'report.txt'));
  app.post('/json', (make as typeof express).json(), (req, res) => res.json({ received: req.body }));
  app.get('/boom', boom);
  app.all('/upload', async (req, res) => res.json(await digest(req)));
  app.all('/method', (req, res) => res.json({ method: req.method }));
  return app as unknown as NodeListener;
}

function createKoaApp(): NodeListener {
  const app = new Koa();
  app.silent = true;
  app.use(async (ctx) => {
    const path = ctx.path;
    if (path.startsWith('/static/')) {
      await koaSend(ctx, path.slice('/static/'.length), { root: publicDir });
      return;
    }
    if (path.startsWith('/file/')) {
      await koaSend(ctx, path.slice('/file/'.length), { root: publicDir });
      return;
    }
    if (path === '/download') {
      ctx.attachment('report.txt');
      await koaSend(ctx, 'hello.txt', { root: publicDir });
      return;
    }
    if (path === '/json' && ctx.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      let received: unknown;
      try {
        received = JSON.parse(raw);
      } catch {
        ctx.throw(400, 'invalid JSON');
      }
      ctx.body = { received };
      return;
    }
    if (path === '/boom') boom();
    if (path === '/upload') {
      ctx.body = await digest(ctx.req);
      return;
    }
    if (path === '/method') {
      ctx.body = { method: ctx.method };
      return;
    }
  });
  return app.callback();
}

async function createFastifyApp(): Promise<NodeListener> {
  const app = Fastify();
  // the request body as a stream for /upload, whatever its type
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  const sendFile = (request: { raw: IncomingMessage }, reply: { hijack(): void; raw: ServerResponse }, path: string) => {
    reply.hijack();
    send(request.raw, path, { root: publicDir })
      .on('error', (error: Error & { status?: number }) => {
        const status = error.status ?? 500;
        reply.raw.statusCode = status;
        reply.raw.setHeader('content-type', 'application/json; charset=utf-8');
        reply.raw.end(JSON.stringify({ statusCode: status, error: error.message }));
      })
      .pipe(reply.raw);
  };
  app.get('/static/*', (request, reply) => sendFile(request, reply, '/' + (request.params as Record<string, string>)['*']));
  app.get('/file/:name', (request, reply) => sendFile(request, reply, '/' + (request.params as Record<string, string>).name));
  app.get('/download', (_request, reply) => {
    reply.header('content-disposition', 'attachment; filename="report.txt"').type('text/plain; charset=utf-8');
    return reply.send(createReadStream(join(publicDir, 'hello.txt')));
  });
  app.post('/json', async (request) => ({ received: request.body }));
  app.get('/boom', boom);
  app.all('/upload', async (request) => (request.body ? digest(request.body as AsyncIterable<unknown>) : { length: 0, sha256: createHash('sha256').digest('hex') }));
  app.all('/method', async (request) => ({ method: request.method }));
  await app.ready();
  return (req, res) => app.routing(req, res);
}

/** The app for one framework, as a Node `(req, res)` listener. */
export async function createFrameworkApp(name: FrameworkName): Promise<NodeListener> {
  switch (name) {
    case 'express5':
      return createExpressApp(express, false);
    case 'express5-production':
      return createExpressApp(express, true);
    case 'express4':
      return createExpressApp(express4, false);
    case 'express4-production':
      return createExpressApp(express4, true);
    case 'koa':
      return createKoaApp();
    case 'fastify':
      return createFastifyApp();
  }
}

export const frameworkNames: FrameworkName[] = ['express5', 'express5-production', 'express4', 'express4-production', 'koa', 'fastify'];
