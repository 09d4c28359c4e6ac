/**
 * A Hono app is an adapt app as it is: routes, JSON, two cookies, binary, a thrown error and a
 * streamed body, through the REST, HTTP API and ALB shapes. (hono comes from examples/hono.)
 */
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { stream } from 'hono/streaming';
import { afterEach, expect, it, vi } from 'vitest';
import { toLambdaHandler } from '@adapt/lambda';
import { buildEvent, lambdaContext, resultToResponse, type SourceKind } from './helpers/sources.js';

const app = new Hono();
app.get('/items/:id', (c) => c.json({ id: c.req.param('id'), tags: c.req.queries('tag') ?? [], ua: c.req.header('user-agent') }));
app.post('/items', async (c) => c.json({ got: await c.req.json() }, 201));
app.get('/login', (c) => {
  setCookie(c, 'session', 'abc', { httpOnly: true, path: '/' });
  setCookie(c, 'pref', 'dark', { expires: new Date('2026-10-21T07:28:00Z') });
  return c.text('logged in');
});
app.get('/bytes', (c) => c.body(new Uint8Array([0, 1, 2, 253, 254, 255]), 200, { 'content-type': 'application/octet-stream' }));
app.get('/stream', (c) =>
  stream(c, async (s) => {
    for (let i = 0; i < 3; i++) await s.write(`part${i};`);
  }),
);
app.get('/boom', () => {
  throw new Error('hono route failed');
});

const handler = toLambdaHandler(app);
const run = async (kind: SourceKind, method: string, path: string, body?: string) => {
  const headers: Array<[string, string]> = [['user-agent', 'test-agent']];
  if (body) headers.push(['content-type', 'application/json']);
  return resultToResponse(kind, await handler(buildEvent(kind, { method, path, headers, body }), lambdaContext()), method);
};
const text = (body: Uint8Array) => Buffer.from(body).toString();

afterEach(() => vi.restoreAllMocks());

it.each(['apigw-v1', 'apigw-v2', 'alb-multi'] as const)('a Hono app through %s', async (kind) => {
  const item = await run(kind, 'GET', '/items/42?tag=a&tag=b');
  expect(item.status).toBe(200);
  expect(JSON.parse(text(item.body))).toEqual({ id: '42', tags: ['a', 'b'], ua: 'test-agent' });

  const created = await run(kind, 'POST', '/items', '{"name":"x"}');
  expect(created.status).toBe(201);
  expect(JSON.parse(text(created.body))).toEqual({ got: { name: 'x' } });

  const login = await run(kind, 'GET', '/login');
  expect(login.headers.getSetCookie()).toEqual(['session=abc; Path=/; HttpOnly', 'pref=dark; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT']);

  const bytes = await run(kind, 'GET', '/bytes');
  expect([...bytes.body]).toEqual([0, 1, 2, 253, 254, 255]);

  expect(text((await run(kind, 'GET', '/stream')).body)).toBe('part0;part1;part2;');

  const log = vi.spyOn(console, 'error').mockImplementation(() => {});
  const boom = await run(kind, 'GET', '/boom');
  expect(boom.status).toBe(500); // Hono's own error handler answers
  log.mockRestore();

  expect((await run(kind, 'GET', '/nowhere')).status).toBe(404);
});
