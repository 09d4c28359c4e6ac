/**
 * Regression tests for bugs the rival adapters shipped (hono/aws-lambda, serverless-http,
 * @codegenie/serverless-express, Powertools): each case is the input that broke one of them.
 */
import { gzipSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toLambdaHandler } from '@adapt/lambda';
import { buildEvent, lambdaContext, resultToResponse, type SourceKind } from './helpers/sources.js';

const cookies = ['session=abc; Path=/; HttpOnly', 'pref=dark; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/', 'lang=en; Max-Age=3600'];

/** Answers with what it saw of the URL, three cookies on /cookies, bytes on /png and /gzip. */
const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) & 255))]);
const jsonText = JSON.stringify({ hello: 'wörld', list: [1, 2, 3] });
const gzipped = gzipSync(jsonText);
const handler = toLambdaHandler(async (request) => {
  const url = new URL(request.url);
  if (url.pathname === '/cookies') {
    const headers = new Headers({ 'content-type': 'text/plain' });
    for (const cookie of cookies) headers.append('set-cookie', cookie);
    return new Response('cookies', { headers });
  }
  if (url.pathname === '/png') return new Response(png, { headers: { 'content-type': 'image/png' } });
  if (url.pathname === '/echo-png') return new Response(await request.arrayBuffer(), { headers: { 'content-type': 'image/png' } });
  if (url.pathname === '/gzip') return new Response(gzipped, { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
  return Response.json({ path: url.pathname, search: url.search, params: [...url.searchParams] });
});

async function run(kind: SourceKind, request: Parameters<typeof buildEvent>[1], options?: Parameters<typeof buildEvent>[2]) {
  const result = await handler(buildEvent(kind, request, options), lambdaContext());
  return { result, response: resultToResponse(kind, result, request.method) };
}

afterEach(() => vi.restoreAllMocks());

describe('three Set-Cookie, one with a comma in its Expires, are never joined', () => {
  it.each(['apigw-v1', 'apigw-v2', 'function-url', 'alb-multi'] as const)('%s', async (kind) => {
    const { result, response } = await run(kind, { method: 'GET', path: '/cookies' });
    expect(response.headers.getSetCookie()).toEqual(cookies);
    if (kind === 'apigw-v2' || kind === 'function-url') {
      expect(result.cookies).toEqual(cookies);
      expect(result.headers['set-cookie']).toBeUndefined();
    } else {
      expect(result.multiValueHeaders['set-cookie']).toEqual(cookies);
    }
  });
});

it('ALB single-value mode with several cookies: one whole cookie (the first, usually the session), never a comma-joined line, and a hint', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const { result } = await run('alb', { method: 'GET', path: '/cookies' });
  expect(result.headers['set-cookie']).toBe(cookies[0]);
  expect(result.multiValueHeaders).toBeUndefined();
  expect(warn.mock.calls.flat().join(' ')).toMatch(/multi-value headers/);
});

describe('%2F, + and %20 in the query', () => {
  const path = '/search?path=a%2Fb&plus=a+b&space=a%20b&literal=a%2Bb';

  it('ALB (does not decode): the raw query reaches the app untouched, not double-encoded', async () => {
    for (const kind of ['alb', 'alb-multi'] as const) {
      const { response } = await run(kind, { method: 'GET', path });
      const body = JSON.parse(Buffer.from(response.body).toString());
      expect(body.search).toBe('?path=a%2Fb&plus=a+b&space=a%20b&literal=a%2Bb');
      expect(body.params).toEqual([
        ['path', 'a/b'],
        ['plus', 'a b'],
        ['space', 'a b'],
        ['literal', 'a+b'],
      ]);
    }
  });

  it('HTTP API and Function URL (rawQueryString): passed through exactly', async () => {
    for (const kind of ['apigw-v2', 'function-url'] as const) {
      const { response } = await run(kind, { method: 'GET', path });
      const body = JSON.parse(Buffer.from(response.body).toString());
      expect(body.search).toBe('?path=a%2Fb&plus=a+b&space=a%20b&literal=a%2Bb');
    }
  });

  it('REST v1 (decoded parameters): re-encoded once, so the app decodes what API Gateway decoded', async () => {
    const event = buildEvent('apigw-v1', { method: 'GET', path: '/search' });
    event.queryStringParameters = { path: 'a/b', space: 'a b', literal: 'a+b', amp: 'x&y=z' };
    event.multiValueQueryStringParameters = { path: ['a/b'], space: ['a b'], literal: ['a+b'], amp: ['x&y=z'] };
    const body = JSON.parse((await handler(event, lambdaContext())).body);
    expect(body.params).toEqual([
      ['path', 'a/b'],
      ['space', 'a b'],
      ['literal', 'a+b'],
      ['amp', 'x&y=z'],
    ]);
    expect(body.search).toBe('?path=a%2Fb&space=a%20b&literal=a%2Bb&amp=x%26y%3Dz');
  });
});

it('gzip-encoded JSON leaves as base64 bytes, not as mangled text', async () => {
  const { result, response } = await run('apigw-v2', { method: 'GET', path: '/gzip' });
  expect(result.isBase64Encoded).toBe(true);
  expect(result.headers['content-encoding']).toBe('gzip');
  expect(gunzipSync(response.body).toString()).toBe(jsonText);
  expect(result.headers['content-length']).toBe(String(gzipped.length));
});

it('a PNG goes out byte for byte, and round-trips in and out', async () => {
  for (const kind of ['apigw-v1', 'apigw-v2', 'alb', 'lattice-v2'] as const) {
    const out = await run(kind, { method: 'GET', path: '/png' });
    expect(out.result.isBase64Encoded).toBe(true);
    expect(Buffer.from(out.response.body).equals(png)).toBe(true);
    const echo = await run(kind, { method: 'POST', path: '/echo-png', headers: [['content-type', 'image/png']], body: png });
    expect(Buffer.from(echo.response.body).equals(png)).toBe(true);
  }
});

it('a Lattice v2 request with a query string keeps its query', async () => {
  const { response } = await run('lattice-v2', { method: 'GET', path: '/items?order-id=1&tag=a&tag=b' });
  const body = JSON.parse(Buffer.from(response.body).toString());
  expect(body.params).toEqual([
    ['order-id', '1'],
    ['tag', 'a'],
    ['tag', 'b'],
  ]);
});

it('a Lattice v1 request with a query string keeps its query', async () => {
  const { response } = await run('lattice-v1', { method: 'GET', path: '/items?order-id=1' });
  expect(JSON.parse(Buffer.from(response.body).toString()).params).toEqual([['order-id', '1']]);
});

it('a REST API request under stage /prod routes as /items/42, not /prod/items/42', async () => {
  const { response } = await run('apigw-v1', { method: 'GET', path: '/items/42' }, { stage: 'prod' });
  expect(JSON.parse(Buffer.from(response.body).toString()).path).toBe('/items/42');
});

it('an HTTP API named stage is stripped from rawPath (and kept with stripStage: false)', async () => {
  const event = buildEvent('apigw-v2', { method: 'GET', path: '/items/42' }, { stage: 'prod' });
  expect(event.rawPath).toBe('/prod/items/42');
  expect(JSON.parse((await handler(structuredClone(event), lambdaContext())).body).path).toBe('/items/42');
  const keep = toLambdaHandler((request) => new Response(new URL(request.url).pathname), { stripStage: false });
  expect((await keep(structuredClone(event), lambdaContext())).body).toBe('/prod/items/42');
});

it('a custom-domain base path is stripped with basePath', async () => {
  const based = toLambdaHandler((request) => new Response(new URL(request.url).pathname), { basePath: '/api/' });
  for (const kind of ['apigw-v1', 'apigw-v2', 'alb', 'lattice-v1'] as const) {
    expect((await based(buildEvent(kind, { method: 'GET', path: '/api/items' }), lambdaContext())).body).toBe('/items');
    expect((await based(buildEvent(kind, { method: 'GET', path: '/apiary' }), lambdaContext())).body).toBe('/apiary');
  }
});

it('v2 request cookies reach the app as one Cookie header', async () => {
  const seen = toLambdaHandler((request) => new Response(request.headers.get('cookie')));
  const event = buildEvent('function-url', { method: 'GET', path: '/', headers: [['cookie', 'a=1; b=2']] });
  expect(event.cookies).toEqual(['a=1', 'b=2']);
  expect((await seen(event, lambdaContext())).body).toBe('a=1; b=2');
});

it('ALB: the client address is the X-Forwarded-For entry ALB appended, not one the client forged', async () => {
  const address = toLambdaHandler((_request, context) => new Response(String(context.remoteAddress)));
  const event = buildEvent('alb', { method: 'GET', path: '/', headers: [['x-forwarded-for', '6.6.6.6']] }, { sourceIp: '198.51.100.9' }) as any;
  event.headers['x-forwarded-for'] = '6.6.6.6, 198.51.100.9';
  expect((await address(event, lambdaContext())).body).toBe('198.51.100.9');
});

it("the client address comes from each source's own field", async () => {
  const address = toLambdaHandler((_request, context) => new Response(String(context.remoteAddress)));
  for (const kind of ['apigw-v1', 'apigw-v2', 'function-url', 'alb', 'lattice-v2'] as const) {
    const result = await address(buildEvent(kind, { method: 'GET', path: '/' }, { sourceIp: '198.51.100.9' }), lambdaContext());
    expect(result.body, kind).toBe('198.51.100.9');
  }
});
