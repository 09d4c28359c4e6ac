/**
 * A Node `(req, res)` app through toLambdaHandler on every event source: the event's request as
 * sent (raw path, any method, a body on GET), and a status Lambda cannot carry answered 502 at
 * once, not at the deadline.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fromNodeHandler } from '@adapt/core';
import { toLambdaHandler } from '@adapt/lambda';
import { buildEvent, lambdaContext, resultToResponse, type SourceKind } from './helpers/sources.js';

let log: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  log = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

async function echo(req: IncomingMessage, res: ServerResponse, ...rest: unknown[]): Promise<void> {
  let body = '';
  for await (const chunk of req) body += chunk;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ method: req.method, url: req.url, body, length: req.headers['content-length'] ?? null, extra: rest.length }));
}

const handler = toLambdaHandler(fromNodeHandler(echo));
const kinds: SourceKind[] = ['apigw-v1', 'apigw-v2', 'function-url', 'alb', 'alb-multi', 'lattice-v1', 'lattice-v2'];
/** Sources whose platform decodes the path before the function runs: a raw target cannot reach the app. */
const decodesPath = new Set<SourceKind>(['apigw-v2']);

async function deliver(kind: SourceKind, method: string, path: string, body?: string) {
  const event = buildEvent(kind, { method, path, body });
  const response = resultToResponse(kind, await handler(event, lambdaContext()), method);
  return { status: response.status, json: JSON.parse(Buffer.from(response.body).toString()) };
}

describe.each(kinds)('a Node handler on lambda %s', (kind) => {
  it('is called with (req, res) only, and gets TRACE and a body on GET', async () => {
    expect((await deliver(kind, 'TRACE', '/t')).json).toMatchObject({ method: 'TRACE', url: '/t', extra: 0 });
    expect((await deliver(kind, 'GET', '/g', 'payload')).json).toMatchObject({ method: 'GET', body: 'payload', length: '7' });
  });

  it.skipIf(decodesPath.has(kind)).each(['/%', '/%zz', '/%c0%ae', '/a/../b', '/%2e%2e%2fetc', '/..%5cwin.ini'])('gives req.url %s as the client sent it', async (target) => {
    expect((await deliver(kind, 'GET', target)).json.url).toBe(target);
  });
});

describe('statuses Lambda cannot carry', () => {
  it.each([101, 102])('answers %s from the app with a 502 at once and logs why', async (status) => {
    const app = toLambdaHandler(
      fromNodeHandler((_req, res) => {
        res.writeHead(status, { upgrade: 'websocket', connection: 'upgrade' });
        res.end();
      }),
    );
    const result = await app(buildEvent('function-url', { method: 'GET', path: '/ws' }), lambdaContext());
    expect(result.statusCode).toBe(502);
    expect(String(log.mock.calls[0]?.[0])).toMatch(new RegExp(`status ${status}, which this platform cannot carry`));
  });
});

describe('refuseMethods and fetch apps', () => {
  it('refuses only what refuseMethods lists for a Node handler', async () => {
    const refusing = toLambdaHandler(fromNodeHandler(echo), { refuseMethods: ['TRACE'] });
    const trace = await refusing(buildEvent('alb', { method: 'TRACE', path: '/' }), lambdaContext());
    expect(trace.statusCode).toBe(405);
    const get = await refusing(buildEvent('alb', { method: 'GET', path: '/' }), lambdaContext());
    expect(get.statusCode).toBe(200);
  });

  it('answers TRACE with 405 for a fetch app, which a Request cannot carry', async () => {
    const fetchApp = toLambdaHandler(() => new Response('never'));
    const result = await fetchApp(buildEvent('apigw-v2', { method: 'TRACE', path: '/' }), lambdaContext());
    expect(result.statusCode).toBe(405);
    expect(result.body).toMatch(/a fetch Request cannot carry it/);
  });
});
