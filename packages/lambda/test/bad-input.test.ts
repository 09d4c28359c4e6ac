/**
 * Bad input and the lifecycle: every failure is a well-formed result in the source's shape plus
 * one log line; setup runs once; the signal aborts before the deadline; waitUntil finishes
 * before the handler returns.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toLambdaHandler, UnsupportedEventError, BUFFERED_RESPONSE_LIMIT } from '@adapt/lambda';
import { buildEvent, lambdaContext, resultToResponse, type SourceKind } from './helpers/sources.js';

let log: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  log = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

const ok = toLambdaHandler(() => new Response('ok'));
const kinds: SourceKind[] = ['apigw-v1', 'apigw-v2', 'function-url', 'alb', 'alb-multi', 'lattice-v1', 'lattice-v2'];
const logLines = () => log.mock.calls.map((call: unknown[]) => String(call[0]));

describe('malformed events: 400 in the source shape, one log line', () => {
  const cases: Array<[string, SourceKind, (event: any) => void, RegExp]> = [
    ['v2 without rawPath', 'apigw-v2', (e) => delete e.rawPath, /rawPath/],
    ['v2 with a non-object requestContext.http', 'function-url', (e) => (e.requestContext.http = 'GET'), /requestContext.http/],
    ['v1 with a numeric httpMethod', 'apigw-v1', (e) => (e.httpMethod = 42), /method/],
    ['v1 with headers as a string', 'apigw-v1', (e) => (e.headers = 'host: x'), /headers/],
    ['ALB with a body that is not base64', 'alb', (e) => ((e.body = 'not base64!'), (e.isBase64Encoded = true)), /base64/],
    ['v2 body flagged base64 but holding spaces', 'apigw-v2', (e) => ((e.body = 'aGVsbG8 gd29ybGQ='), (e.isBase64Encoded = true)), /base64/],
    ['a header value with CR/LF', 'apigw-v2', (e) => (e.headers['x-evil'] = 'a\r\nset-cookie: owned=1'), /CR, LF/],
    ['a header name with a space', 'alb', (e) => (e.headers['bad name'] = 'x'), /valid HTTP token/],
    ['a multi-value header with LF', 'alb-multi', (e) => (e.multiValueHeaders['x-evil'] = ['ok', 'a\nb']), /CR, LF/],
    ['Lattice v2 path not a string', 'lattice-v2', (e) => (e.path = ['/a']), /path/],
    ['Lattice v1 method with a space', 'lattice-v1', (e) => (e.method = 'GE T'), /method/],
    ['a host that would move the path', 'function-url', (e) => (e.headers.host = 'evil.com/x?'), /host/],
    ['a path that does not start with /', 'alb', (e) => (e.path = 'items'), /does not start/],
    ['a body that is a number', 'apigw-v1', (e) => ((e.body = 12), (e.httpMethod = 'POST')), /body/],
  ];
  it.each(cases)('%s', async (_, kind, mutate, reason) => {
    const event = buildEvent(kind, { method: 'GET', path: '/x' });
    mutate(event);
    const result = await ok(event, lambdaContext());
    const response = resultToResponse(kind, result);
    expect([400, 405]).toContain(response.status);
    expect(Buffer.from(response.body).toString()).toMatch(reason);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(logLines()).toHaveLength(1);
    expect(logLines()[0]).toMatch(new RegExp(`^adapt: lambda ${kind === 'alb-multi' ? 'alb' : kind} bad event: (400|405) BAD_`));
  });
});

describe('events that are not HTTP', () => {
  it.each([
    ['null', null, /null event/],
    ['a string', 'hello', /string event/],
    ['an array', [1], /array/],
    ['an empty object', {}, /empty event/],
    ['SQS', { Records: [{ eventSource: 'aws:sqs', body: 'x' }] }, /aws:sqs/],
    ['EventBridge schedule', { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }, /EventBridge/],
    ['WebSocket', { requestContext: { eventType: 'CONNECT', routeKey: '$connect' } }, /WebSocket CONNECT/],
  ])('%s is refused with an error naming it', async (_, event, name) => {
    const error = await ok(event, lambdaContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedEventError);
    expect((error as Error).message).toMatch(name);
  });

  it('go to options.events when given', async () => {
    const events = vi.fn(async (event: any) => ({ handled: event.Records.length }));
    const handler = toLambdaHandler(() => new Response('http'), { events });
    const context = lambdaContext();
    expect(await handler({ Records: [{ eventSource: 'aws:s3' }, {}] }, context)).toEqual({ handled: 2 });
    expect(events).toHaveBeenCalledWith({ Records: [{ eventSource: 'aws:s3' }, {}] }, context);
  });
});

describe('the app misbehaves', () => {
  it.each(kinds)('throws: 500 without a stack trace (%s)', async (kind) => {
    const handler = toLambdaHandler(() => {
      throw new Error('secret detail');
    });
    const response = resultToResponse(kind, await handler(buildEvent(kind, { method: 'GET', path: '/' }), lambdaContext()));
    expect(response.status).toBe(500);
    expect(Buffer.from(response.body).toString()).toBe('500 Internal Server Error\n');
    expect(logLines()).toHaveLength(1);
    expect(logLines()[0]).toMatch(/500 APP_ERROR: Error: secret detail/);
  });

  it('dev: true puts the stack in the answer', async () => {
    const handler = toLambdaHandler(() => Promise.reject(new Error('boom')), { dev: true });
    expect((await handler(buildEvent('apigw-v2', { method: 'GET', path: '/' }), lambdaContext())).body).toMatch(/Error: boom\n\s+at /);
  });

  it.each([
    ['undefined', undefined, /returned undefined/],
    ['a string', 'hello', /returned string/],
    ['a plain object', { status: 200, body: 'x' }, /returned an object/],
    ['a promise of null', Promise.resolve(null), /returned null/],
  ])('returns %s: 502 and a log line saying what to return', async (_, value, message) => {
    const handler = toLambdaHandler((() => value) as any);
    const result = await handler(buildEvent('alb', { method: 'GET', path: '/' }), lambdaContext());
    expect(result.statusCode).toBe(502);
    expect(result.statusDescription).toBe('502 Bad Gateway');
    expect(logLines()).toHaveLength(1);
    expect(logLines()[0]).toMatch(message);
    expect(logLines()[0]).toMatch(/return new Response/);
  });

  it('never answers: 504 at half the margin before the invocation times out, timers cleared', async () => {
    vi.useFakeTimers();
    try {
      const handler = toLambdaHandler(() => new Promise<Response>(() => {}), { timeoutMargin: 400 });
      let result: any;
      const answered = handler(buildEvent('function-url', { method: 'GET', path: '/' }), lambdaContext(1000)).then((value) => (result = value));
      await vi.advanceTimersByTimeAsync(799); // the deadline is 1000 ms away; the 504 is due at 800 ms
      expect(result).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      await answered;
      expect(result.statusCode).toBe(504);
      expect(vi.getTimerCount()).toBe(0);
      expect(logLines()[0]).toMatch(/504 TIMEOUT/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a slow app sees request.signal abort before the deadline and answers 504 itself', async () => {
    const handler = toLambdaHandler(
      (request) =>
        new Promise<Response>((resolve) => {
          request.signal.addEventListener('abort', () => {
            resolve(new Response(`gave up: ${(request.signal.reason as Error).name}`, { status: 504 }));
          });
        }),
      { timeoutMargin: 300 },
    );
    const result = await handler(buildEvent('apigw-v1', { method: 'GET', path: '/' }), lambdaContext(500));
    expect(result.statusCode).toBe(504);
    expect(result.body).toBe('gave up: TimeoutError');
    expect(logLines()).toHaveLength(0);
  });

  it('a body over the buffered limit: 502 and a log line that says to enable streaming', async () => {
    const big = new Uint8Array(BUFFERED_RESPONSE_LIMIT);
    for (const makeBody of [() => big, () => new Blob([big]).stream()]) {
      log.mockClear();
      const handler = toLambdaHandler(() => new Response(makeBody(), { headers: { 'content-type': 'application/octet-stream' } }));
      const result = await handler(buildEvent('function-url', { method: 'GET', path: '/' }), lambdaContext());
      expect(result.statusCode).toBe(502);
      expect(logLines()).toHaveLength(1);
      expect(logLines()[0]).toMatch(/streaming: true/);
    }
  });
});

describe('lifecycle', () => {
  it('setup runs once per cold start, before the first event', async () => {
    const order: string[] = [];
    const handler = toLambdaHandler({
      async setup(context) {
        order.push(`setup ${context.platform}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push('setup done');
      },
      fetch() {
        order.push('fetch');
        return new Response('ok');
      },
    });
    await Promise.all([1, 2, 3].map(() => handler(buildEvent('apigw-v2', { method: 'GET', path: '/' }), lambdaContext())));
    expect(order).toEqual(['setup lambda', 'setup done', 'fetch', 'fetch', 'fetch']);
  });

  it('a failed setup is a 500 on every event, logged, never an unhandled rejection', async () => {
    const handler = toLambdaHandler({
      setup: () => Promise.reject(new Error('no database')),
      fetch: () => new Response('never'),
    });
    for (let i = 0; i < 2; i++) {
      expect((await handler(buildEvent('alb', { method: 'GET', path: '/' }), lambdaContext())).statusCode).toBe(500);
    }
    expect(logLines()).toHaveLength(2);
    expect(logLines()[0]).toMatch(/no database/);
  });

  it('waitUntil work finishes before the handler returns; a failing task is logged', async () => {
    let done = false;
    const handler = toLambdaHandler((_request, context) => {
      context.waitUntil(new Promise((resolve) => setTimeout(resolve, 50)).then(() => (done = true)));
      context.waitUntil(Promise.reject(new Error('task failed')));
      return new Response('answered');
    });
    const result = await handler(buildEvent('function-url', { method: 'GET', path: '/' }), lambdaContext());
    expect(result.body).toBe('answered');
    expect(done).toBe(true);
  });

  it('does not make Lambda wait for an empty event loop (unless asked)', async () => {
    const context = lambdaContext();
    await ok(buildEvent('apigw-v2', { method: 'GET', path: '/' }), context);
    expect(context.callbackWaitsForEmptyEventLoop).toBe(false);
    const keep = toLambdaHandler(() => new Response('ok'), { waitForEmptyEventLoop: true });
    const other = lambdaContext();
    await keep(buildEvent('apigw-v2', { method: 'GET', path: '/' }), other);
    expect(other.callbackWaitsForEmptyEventLoop).toBe(true);
  });

  it('the context carries the event and the Lambda context as raw', async () => {
    const handler = toLambdaHandler((_request, context) => Response.json({ platform: context.platform, raw: Object.keys(context.raw as object) }));
    const result = await handler(buildEvent('apigw-v1', { method: 'GET', path: '/' }), lambdaContext());
    expect(JSON.parse(result.body)).toEqual({ platform: 'lambda', raw: ['event', 'context'] });
  });

  it('204, 304 and HEAD carry no body; content-length is recomputed, not trusted', async () => {
    const handler = toLambdaHandler((request) => {
      const path = new URL(request.url).pathname;
      if (path === '/204') return new Response(null, { status: 204 });
      if (path === '/304') return new Response(null, { status: 304, headers: { etag: '"x"' } });
      return new Response('héllo', { headers: { 'content-length': '999', 'transfer-encoding': 'chunked', connection: 'close' } });
    });
    for (const [method, path, status] of [
      ['GET', '/204', 204],
      ['GET', '/304', 304],
      ['HEAD', '/', 200],
    ] as const) {
      const result = await handler(buildEvent('apigw-v2', { method, path }), lambdaContext());
      expect(result.statusCode).toBe(status);
      expect(result.body).toBe('');
    }
    const result = await handler(buildEvent('apigw-v2', { method: 'GET', path: '/' }), lambdaContext());
    expect(result.headers['content-length']).toBe('6');
    expect(result.headers['transfer-encoding']).toBeUndefined();
    expect(result.headers.connection).toBeUndefined();
  });
});
