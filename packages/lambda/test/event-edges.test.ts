/**
 * Event edge cases the rival adapters' own test expectations found: the body length the app
 * sees, a query inside Lattice's path, and which cookie a single-value result keeps.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fromNodeHandler } from '@adapt/core';
import { toLambdaHandler } from '@adapt/lambda';
import { buildEvent, lambdaContext, resultToResponse, type SourceKind } from './helpers/sources.js';

const kinds: SourceKind[] = ['apigw-v1', 'apigw-v2', 'function-url', 'alb', 'alb-multi', 'lattice-v1', 'lattice-v2'];

afterEach(() => vi.restoreAllMocks());

/** Sets (or removes) a request header in any source's event, in whichever shape it keeps headers. */
function setHeader(event: any, name: string, value: string | undefined): void {
  for (const field of ['headers', 'multiValueHeaders']) {
    const record = event[field];
    if (record == null) continue;
    const multi = field === 'multiValueHeaders' || (event.version === '2.0' && 'method' in event);
    if (value === undefined) delete record[name];
    else record[name] = multi ? [value] : value;
  }
}

describe('Content-Length matches the body the app gets, on every source', () => {
  const fetchApp = toLambdaHandler(async (request) => {
    const bytes = new Uint8Array(await request.arrayBuffer());
    return Response.json({ declared: request.headers.get('content-length'), te: request.headers.get('transfer-encoding'), received: bytes.byteLength });
  });
  const nodeApp = toLambdaHandler(
    fromNodeHandler((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ declared: req.headers['content-length'] ?? null, te: req.headers['transfer-encoding'] ?? null, received: Buffer.concat(chunks).byteLength }));
      });
    }),
  );
  const body = 'hello, wörld: 16+ bytes of text';
  const length = Buffer.byteLength(body);

  for (const [label, app] of [
    ['fetch app', fetchApp],
    ['Node handler (fromNodeHandler)', nodeApp],
  ] as const) {
    describe(label, () => {
      it.each(kinds)('%s: an understated, overstated or missing length becomes the real one; Transfer-Encoding goes', async (kind) => {
        for (const declared of ['4', '99999', undefined]) {
          const event = buildEvent(kind, { method: 'POST', path: '/', headers: [['content-type', 'text/plain']], body });
          setHeader(event, 'content-length', declared);
          setHeader(event, 'transfer-encoding', declared === undefined ? 'chunked' : undefined);
          const answer = JSON.parse(Buffer.from(resultToResponse(kind, await app(event, lambdaContext())).body).toString());
          expect(answer, `${kind} with content-length ${declared}`).toEqual({ declared: String(length), te: null, received: length });
        }
      });
    });
  }

  it.each(kinds)('%s: an event without a body but with a declared length: the app sees 0 and an empty body', async (kind) => {
    const event = buildEvent(kind, { method: 'POST', path: '/' });
    setHeader(event, 'content-length', '12');
    const answer = JSON.parse(Buffer.from(resultToResponse(kind, await fetchApp(event, lambdaContext())).body).toString());
    expect(answer).toEqual({ declared: '0', te: null, received: 0 });
  });

  it('a body limit in the app reads the real length: an understated one cannot slip a large body past it', async () => {
    const limited = toLambdaHandler(async (request) => {
      if (Number(request.headers.get('content-length')) > 1024) return new Response('too large', { status: 413 });
      return new Response(String((await request.arrayBuffer()).byteLength));
    });
    const event = buildEvent('function-url', { method: 'POST', path: '/', headers: [['content-type', 'text/plain']], body: 'x'.repeat(4096) });
    setHeader(event, 'content-length', '10');
    expect((await limited(event, lambdaContext())).statusCode).toBe(413);
  });
});

describe('VPC Lattice: a ? in the path starts the query string', () => {
  const echo = toLambdaHandler((request) => {
    const url = new URL(request.url);
    return Response.json({ path: url.pathname, search: url.search });
  });
  const answer = async (event: any) => JSON.parse((await echo(event, lambdaContext())).body);

  it('v2: the query inside `path` reaches the app as the query, not as %3F in the path', async () => {
    const event = buildEvent('lattice-v2', { method: 'GET', path: '/items' });
    event.path = '/items?order-id=1&tag=a%20b&tag=c';
    event.queryStringParameters = {};
    expect(await answer(event)).toEqual({ path: '/items', search: '?order-id=1&tag=a%20b&tag=c' });
  });

  it('v2: the raw query in the path wins over the decoded parameters; without one, the parameters are used', async () => {
    const event = buildEvent('lattice-v2', { method: 'GET', path: '/items' });
    event.path = '/items?tag=a';
    event.queryStringParameters = { tag: ['a'], other: ['x'] };
    expect(await answer(event)).toEqual({ path: '/items', search: '?tag=a' });
    event.path = '/items';
    event.queryStringParameters = { tag: ['a', 'b c'], single: 'x' };
    expect(await answer(event)).toEqual({ path: '/items', search: '?tag=a&tag=b%20c&single=x' });
  });

  it('v1: the same for raw_path', async () => {
    const event = buildEvent('lattice-v1', { method: 'GET', path: '/items' });
    event.raw_path = '/items?order-id=1';
    event.query_string_parameters = { 'order-id': '1' };
    expect(await answer(event)).toEqual({ path: '/items', search: '?order-id=1' });
  });
});

describe('a Lattice result carries one Set-Cookie, the first, as the Lattice docs show it', () => {
  const cookies = ['session=abc; Path=/; HttpOnly', 'pref=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT'];
  const app = toLambdaHandler(() => {
    const headers = new Headers();
    for (const cookie of cookies) headers.append('set-cookie', cookie);
    return new Response('ok', { headers });
  });

  it.each(['lattice-v2', 'lattice-v1'] as const)('%s', async (kind) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const result = await app(buildEvent(kind, { method: 'GET', path: '/' }), lambdaContext());
    expect(result.headers['set-cookie']).toBe(cookies[0]); // a string: the docs give no array form
    expect(result.multiValueHeaders).toBeUndefined();
    if (kind === 'lattice-v2') expect(warn.mock.calls.flat().join(' ')).toMatch(/only the first is sent.*one string per response header/);
  });
});
