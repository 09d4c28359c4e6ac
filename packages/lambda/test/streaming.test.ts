/**
 * Response streaming through the `awslambda` global (stubbed as aws-lambda-ric 3.x defines it,
 * see helpers/streaming.ts): the HTTP integration prelude, then the raw body with backpressure.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { toLambdaHandler } from '@adapt/lambda';
import { buildEvent, lambdaContext } from './helpers/sources.js';
import { PRELUDE_CONTENT_TYPE, stubAwslambda, type StreamedOutput } from './helpers/streaming.js';

beforeAll(() => stubAwslambda());
afterEach(() => vi.restoreAllMocks());

type Streamed = (event: unknown, context: unknown, highWaterMark?: number) => Promise<StreamedOutput>;
const streamed = (app: Parameters<typeof toLambdaHandler>[0], options = {}) => toLambdaHandler(app, { streaming: true, ...options }) as unknown as Streamed;
const urlEvent = (path = '/', method = 'GET') => buildEvent('function-url', { method, path });

describe('streaming', () => {
  it('writes the prelude (status, headers, cookies apart) then the body', async () => {
    const handler = streamed(() => {
      const headers = new Headers({ 'content-type': 'text/plain', 'x-one': '1' });
      headers.append('set-cookie', 'a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT');
      headers.append('set-cookie', 'b=2');
      return new Response('streamed hello', { status: 201, headers });
    });
    const out = await handler(urlEvent(), lambdaContext());
    expect(out.stream.contentType).toBe(PRELUDE_CONTENT_TYPE);
    expect(out.prelude).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'text/plain', 'x-one': '1' },
      cookies: ['a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT', 'b=2'],
    });
    expect(out.body.toString()).toBe('streamed hello');
  });

  it('a REST API in STREAM mode gets cookies in multiValueHeaders, as its streaming metadata documents', async () => {
    const handler = streamed(
      () =>
        new Response('rest', {
          headers: [
            ['set-cookie', 'a=1'],
            ['set-cookie', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT'],
          ],
        }),
    );
    const out = await handler(buildEvent('apigw-v1', { method: 'GET', path: '/' }), lambdaContext());
    expect(out.prelude).toMatchObject({ statusCode: 200, multiValueHeaders: { 'set-cookie': ['a=1', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT'] } });
    expect((out.prelude as any).cookies).toBeUndefined();
    expect(out.body.toString()).toBe('rest');
  });

  it('a 204 still sends its prelude (the runtime writes it only on the first write)', async () => {
    const out = await streamed(() => new Response(null, { status: 204 }))(urlEvent(), lambdaContext());
    expect(out.prelude?.statusCode).toBe(204);
    expect(out.body.length).toBe(0);
  });

  it('HEAD and an empty stream send the prelude and no body', async () => {
    const handler = streamed(() => new Response(new ReadableStream({ start: (c) => c.close() })));
    const head = await handler(urlEvent('/', 'HEAD'), lambdaContext());
    expect(head.prelude?.statusCode).toBe(200);
    expect(head.body.length).toBe(0);
    const empty = await handler(urlEvent(), lambdaContext());
    expect(empty.prelude?.statusCode).toBe(200);
    expect(empty.body.length).toBe(0);
  });

  it('a 12 MB binary stream arrives intact through backpressure (raw bytes, no base64)', async () => {
    const chunk = 256 * 1024;
    const total = 12 * 1024 * 1024;
    const handler = streamed(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              const sent = (this as any).sent ?? 0;
              if (sent >= total) return controller.close();
              const bytes = new Uint8Array(chunk);
              for (let i = 0; i < chunk; i++) bytes[i] = (sent + i) % 251;
              (this as any).sent = sent + chunk;
              controller.enqueue(bytes);
            },
          }),
          { headers: { 'content-type': 'application/octet-stream' } },
        ),
    );
    const out = await handler(urlEvent(), lambdaContext(), 64 * 1024);
    expect(out.body.length).toBe(total);
    for (const at of [0, 1, chunk - 1, chunk, total - 1]) expect(out.body[at]).toBe(at % 251);
    expect(out.stream.drains).toBeGreaterThan(0); // the writer waited for 'drain'
    expect(out.prelude?.headers?.['content-length']).toBeUndefined();
  });

  it('waitUntil work finishes after the stream has ended', async () => {
    const order: string[] = [];
    const handler = streamed((_request, context) => {
      context.waitUntil(new Promise((resolve) => setTimeout(resolve, 30)).then(() => order.push('task')));
      return new Response('x');
    });
    const out = await handler(urlEvent(), lambdaContext());
    out.stream.on('finish', () => order.push('finish'));
    expect(out.stream.writableFinished).toBe(true);
    expect(order).toEqual(['task']);
  });

  it('an app error before the body is a 500 prelude, logged', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const out = await streamed(() => {
      throw new Error('nope');
    })(urlEvent(), lambdaContext());
    expect(out.prelude?.statusCode).toBe(500);
    expect(out.body.toString()).toBe('500 Internal Server Error\n');
    expect(log).toHaveBeenCalledTimes(1);
  });

  it('an app that never answers gets a 504 prelude before the deadline', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const handler = streamed(() => new Promise<Response>(() => {}), { timeoutMargin: 200 });
    const out = await handler(urlEvent(), lambdaContext(400));
    expect(out.prelude?.statusCode).toBe(504);
    expect(out.body.toString()).toBe('504 Gateway Timeout\n');
  });

  it('a bad event is a 400 prelude', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const event = urlEvent();
    delete event.rawPath;
    const out = await streamed(() => new Response('x'))(event, lambdaContext());
    expect(out.prelude?.statusCode).toBe(400);
  });

  it('a body that fails mid-stream fails the stream (the status is already out), logged', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const handler = streamed(
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('partial'));
              setTimeout(() => controller.error(new Error('upstream died')), 5);
            },
          }),
        ),
    );
    await expect(handler(urlEvent(), lambdaContext())).rejects.toThrow('upstream died');
    expect(String(log.mock.calls[0][0])).toMatch(/while streaming the body/);
  });

  it('ALB, HTTP API and Lattice invoke buffered: the stream carries their JSON result', async () => {
    const handler = streamed(() => new Response('plain', { headers: { 'content-type': 'text/plain' } }));
    for (const kind of ['alb', 'apigw-v2', 'lattice-v2'] as const) {
      const out = await handler(buildEvent(kind, { method: 'GET', path: '/' }), lambdaContext());
      expect(out.prelude).toBeUndefined();
      expect(out.stream.contentType).toBe('application/json');
      const result = JSON.parse(out.body.toString());
      expect(result.statusCode).toBe(200);
      expect(result.body).toBe('plain');
    }
  });

  it('non-HTTP events go to options.events and their value is the JSON payload', async () => {
    const handler = streamed(() => new Response('x'), { events: () => ({ batchItemFailures: [] }) });
    const out = await handler({ Records: [{ eventSource: 'aws:sqs' }] }, lambdaContext());
    expect(JSON.parse(out.body.toString())).toEqual({ batchItemFailures: [] });
  });

  it('without the awslambda global, streaming: true says where it runs', () => {
    vi.stubGlobal('awslambda', undefined);
    expect(() => toLambdaHandler(() => new Response('x'), { streaming: true })).toThrow(/awslambda.*Node\.js runtime/s);
    stubAwslambda();
  });
});
