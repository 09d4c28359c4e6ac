import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { HttpError } from './errors.js';
import { installLightweightResponse, lightweightResponseClass, responseParts, standardResponseClass } from './lightweight-response.js';

const Fast = lightweightResponseClass();
const Standard = standardResponseClass();

function pairs(flat: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

describe('lightweight Response', () => {
  it('is a Response, for instanceof, toString and name', () => {
    const response = new Fast('hi');
    expect(response).toBeInstanceOf(Standard);
    expect(response).toBeInstanceOf(Fast);
    expect(new Standard('x')).toBeInstanceOf(Fast);
    expect(Standard.redirect('http://x/')).toBeInstanceOf(Fast);
    expect(Object.prototype.toString.call(response)).toBe('[object Response]');
    expect(Fast.name).toBe('Response');
    expect(inspect(response)).toContain('(lightweight)');
  });

  it('reads back a string body, status and headers without a stream', () => {
    const response = new Fast('Hello', { status: 201, statusText: 'Made', headers: { 'X-One': ' 1 ' } });
    const parts = responseParts(response);
    expect(parts.body).toBe('Hello');
    expect(parts.status).toBe(201);
    expect(parts.statusText).toBe('Made');
    expect(pairs(parts.headers)).toEqual([
      ['content-type', 'text/plain;charset=UTF-8'],
      ['x-one', '1'],
    ]);
  });

  it('copies bytes like the standard, so later changes do not show', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const response = new Fast(bytes);
    bytes[0] = 9;
    expect(responseParts(response).body).toEqual(new Uint8Array([1, 2, 3]));
    expect(responseParts(new Fast(new Uint8Array([4]).buffer)).body).toEqual(new Uint8Array([4]));
  });

  test.each([
    ['string', () => ['text', { headers: { 'content-type': 'text/html' } }]],
    ['bytes', () => [new Uint8Array([0, 255]), { status: 202 }]],
    [
      'null',
      () => [
        null,
        {
          status: 204,
          headers: [
            ['a', '1'],
            ['a', '2'],
            ['set-cookie', 'x=1'],
            ['set-cookie', 'y=2'],
          ],
        },
      ],
    ],
    ['json text', () => ['{"a":1}', { headers: new Headers({ 'content-type': 'application/json' }) }]],
    ['no init', () => ['plain']],
  ] as const)('%s: every observable matches the standard class', async (_name, make) => {
    const [body, init] = make() as unknown as [BodyInit | null, ResponseInit | undefined];
    const ours = new Fast(body, init);
    const theirs = new Standard(body, init);
    for (const key of ['status', 'statusText', 'ok', 'type', 'url', 'redirected', 'bodyUsed'] as const) {
      expect(ours[key], key).toEqual(theirs[key]);
    }
    expect([...ours.headers]).toEqual([...theirs.headers]);
    expect(ours.headers).toBe(ours.headers);
    expect(new Uint8Array(await ours.arrayBuffer())).toEqual(new Uint8Array(await theirs.arrayBuffer()));
    expect(ours.bodyUsed).toBe(theirs.bodyUsed);
  });

  test.each([
    ['status 199', 'x', { status: 199 }, RangeError],
    ['status 600', 'x', { status: 600 }, RangeError],
    ['body with 204', 'x', { status: 204 }, TypeError],
    ['body with 304', 'x', { status: 304 }, TypeError],
    ['bad header name', 'x', { headers: { 'bad name': 'x' } }, TypeError],
    ['CR in header', 'x', { headers: { a: 'x\r\ny: z' } }, TypeError],
    ['bad statusText', 'x', { statusText: 'a\nb' }, TypeError],
  ] as const)('throws like the standard: %s', (_name, body, init, kind) => {
    expect(() => new Standard(body, init as ResponseInit)).toThrow(kind);
    expect(() => new Fast(body, init as ResponseInit)).toThrow(kind);
  });

  it('refuses a locked stream like the standard', () => {
    const stream = new ReadableStream();
    stream.getReader();
    expect(() => new Standard(stream)).toThrow(TypeError);
    expect(() => new Fast(stream)).toThrow(TypeError);
  });

  /** A stream of 'a', 'b', then closed; `disturb` reads or cancels it and lets go of it. */
  async function disturbed(how: 'read' | 'cancel'): Promise<ReadableStream<Uint8Array>> {
    const stream = streamOfAB();
    const reader = stream.getReader();
    if (how === 'read') await reader.read();
    else await reader.cancel();
    reader.releaseLock();
    return stream;
  }

  function streamOfAB(): ReadableStream<Uint8Array> {
    return new ReadableStream({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('a'));
        controller.enqueue(new TextEncoder().encode('b'));
        controller.close();
      },
    });
  }

  test.each(['read', 'cancel'] as const)('refuses a stream the app already %s (disturbed, not locked) like the standard', async (how) => {
    const [forStandard, forFast] = [await disturbed(how), await disturbed(how)];
    expect(forStandard.locked || forFast.locked).toBe(false);
    expect(() => new Standard(forStandard)).toThrow(TypeError);
    expect(() => new Fast(forFast)).toThrow(TypeError);
  });

  test.each(['read', 'cancel'] as const)('reports bodyUsed once the app %ss the stream it gave, like the standard', async (how) => {
    const standardStream = streamOfAB();
    const fastStream = streamOfAB();
    const standard = new Standard(standardStream);
    const fast = new Fast(fastStream);
    expect(fast.bodyUsed).toBe(standard.bodyUsed);
    for (const stream of [standardStream, fastStream]) {
      const reader = stream.getReader();
      if (how === 'read') await reader.read();
      else await reader.cancel();
      reader.releaseLock();
    }
    expect(standard.bodyUsed).toBe(true);
    expect(fast.bodyUsed).toBe(true);
    expect(() => responseParts(fast)).toThrow(TypeError);
    await expect(standard.text()).rejects.toThrow(TypeError);
    await expect(fast.text()).rejects.toThrow(TypeError);
  });

  it('reads a body once; clone() gives two readable copies', async () => {
    const response = new Fast('once');
    const copy = response.clone();
    expect(await copy.text()).toBe('once');
    expect(await response.text()).toBe('once');
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(() => responseParts(response)).toThrow(TypeError);
  });

  it('sends headers the app changed after construction, and the original body', () => {
    const response = new Fast('body', { headers: { a: '1' } });
    response.headers.set('b', '2');
    response.headers.delete('a');
    const parts = responseParts(response);
    expect(parts.body).toBe('body');
    expect(pairs(parts.headers)).toEqual([
      ['b', '2'],
      ['content-type', 'text/plain;charset=UTF-8'],
    ]);
  });

  it('passes a stream body through untouched', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array([1]));
        controller.close();
      },
    });
    const parts = responseParts(new Fast(stream, { headers: { 'content-type': 'application/octet-stream' } }));
    expect(parts.body).toBe(stream);
  });

  it('hands unusual bodies (Blob, FormData, URLSearchParams) to the standard class', async () => {
    const params = new Fast(new URLSearchParams('a=1&b=2'));
    expect(params.headers.get('content-type')).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(responseParts(params).body).toBe('a=1&b=2');
    const blob = responseParts(new Fast(new Blob(['blob'], { type: 'text/x' })));
    expect(pairs(blob.headers)).toEqual([['content-type', 'text/x']]);
    expect(blob.body).toBeInstanceOf(ReadableStream);
    expect(await new Standard(blob.body as ReadableStream).text()).toBe('blob');
  });

  it('Response.json is fast and standard', async () => {
    const response = Fast.json({ a: 1 }, { status: 201, headers: { 'x-a': '1' } });
    expect(response).toBeInstanceOf(Standard);
    const parts = responseParts(response);
    expect(parts.body).toBe('{"a":1}');
    expect(parts.status).toBe(201);
    expect(pairs(parts.headers)).toEqual([
      ['content-type', 'application/json'],
      ['x-a', '1'],
    ]);
    expect(responseParts(Fast.json('x', { headers: { 'content-type': 'text/json' } })).headers).toEqual(['content-type', 'text/json']);
    expect(() => Fast.json(undefined)).toThrow(TypeError);
    expect(await Fast.json([1]).json()).toEqual([1]);
  });

  it('subclasses work and keep their own instanceof', () => {
    class Mine extends Fast {}
    const mine = new Mine('m');
    expect(mine).toBeInstanceOf(Mine);
    expect(new Fast('x')).not.toBeInstanceOf(Mine);
    expect(responseParts(mine).body).toBe('m');
  });
});

describe('responseParts on standard Responses', () => {
  // undici keeps the source under a symbol up to Node 22; Node 24's keeps it in a private field
  const sourceVisible = Reflect.ownKeys(new Standard('')).some((key) => typeof key === 'symbol' && key.description === 'state');

  it('reads string and bytes bodies back from an unread real Response (as a stream where undici hides them)', async () => {
    const real = responseParts(new Standard('real', { status: 202 }));
    expect(real.status).toBe(202);
    const json = responseParts(Standard.json({ b: 2 })).body;
    if (sourceVisible) {
      expect(real.body).toBe('real');
      expect(new TextDecoder().decode(json as Uint8Array)).toBe('{"b":2}');
    } else {
      expect(await new Standard(real.body as ReadableStream).text()).toBe('real');
      expect(await new Standard(json as ReadableStream).text()).toBe('{"b":2}');
    }
    const redirect = responseParts(Standard.redirect('http://example.com/next', 307));
    expect(redirect.status).toBe(307);
    expect(redirect.body).toBeNull();
    expect(redirect.headers).toEqual(['location', 'http://example.com/next']);
  });

  it('keeps each Set-Cookie apart', () => {
    const headers = new Headers();
    headers.append('set-cookie', 'a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT');
    headers.append('set-cookie', 'b=2');
    expect(pairs(responseParts(new Standard(null, { headers })).headers)).toEqual([
      ['set-cookie', 'a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT'],
      ['set-cookie', 'b=2'],
    ]);
  });

  test.each([
    ['a string', 'hello'],
    ['a plain object', { status: 200 }],
    ['undefined', undefined],
  ])('refuses %s with a 500 that names what the app returned', (_name, value) => {
    expect(() => responseParts(value as unknown as Response)).toThrow(HttpError);
    expect(() => responseParts(value as unknown as Response)).toThrow(expect.objectContaining({ status: 500, message: expect.stringMatching(/instead of a Response/) }));
  });
});

describe('installLightweightResponse', () => {
  let before: typeof Response;
  beforeAll(() => {
    before = globalThis.Response;
  });
  afterAll(() => {
    Object.defineProperty(globalThis, 'Response', { value: before, writable: true, configurable: true });
  });

  it('makes new Response() lightweight, and instanceof still holds for real ones', async () => {
    installLightweightResponse();
    installLightweightResponse();
    expect(globalThis.Response).toBe(Fast);
    const response = new Response('x');
    expect(inspect(response)).toContain('(lightweight)');
    expect(response).toBeInstanceOf(Response);
    expect(await fetch('data:text/plain,hi').then((r) => r instanceof Response)).toBe(true);
  });
});

describe('responseParts on a fetch() response (an app proxying)', () => {
  it('drops the content-encoding and content-length that fetch already decoded', async () => {
    const { createServer } = await import('node:http');
    const { gzipSync } = await import('node:zlib');
    const payload = gzipSync('{"proxied":true}');
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': payload.length });
      res.end(payload);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as import('node:net').AddressInfo;
      const parts = responseParts(await fetch(`http://127.0.0.1:${port}/`));
      const names = parts.headers.filter((_, i) => i % 2 === 0);
      expect(names).toContain('content-type');
      expect(names).not.toContain('content-encoding');
      expect(names).not.toContain('content-length');
      expect(await new Response(parts.body as ReadableStream).text()).toBe('{"proxied":true}');
    } finally {
      server.close();
    }
  });

  it('keeps content-encoding on a Response the app built itself', () => {
    const parts = responseParts(new (standardResponseClass())('x', { headers: { 'content-encoding': 'gzip' } }));
    expect(parts.headers).toContain('content-encoding');
  });
});

describe('lightweight Response against the standard, case by case', () => {
  const outcome = async (run: () => unknown): Promise<unknown> => {
    try {
      const value = await run();
      if (value instanceof Standard) {
        const response = value as Response;
        return { status: response.status, statusText: response.statusText, type: response.type, headers: [...response.headers], body: await response.text() };
      }
      return { value };
    } catch (error) {
      return { error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
    }
  };
  const cases: Array<[string, (R: typeof Response) => unknown]> = [
    ['status 99', (R) => new R('x', { status: 99 })],
    ['status 600', (R) => new R('x', { status: 600 })],
    ['status 200.5', (R) => new R('x', { status: 200.5 })],
    ['status "201"', (R) => new R('x', { status: '201' as unknown as number })],
    ['a body on 204', (R) => new R('x', { status: 204 })],
    ['a body on 304', (R) => new R(new Uint8Array(1), { status: 304 })],
    ['an empty body on 205', (R) => new R('', { status: 205 })],
    ['no body on 204', (R) => new R(null, { status: 204 })],
    ['statusText with LF', (R) => new R('x', { statusText: 'a\nb' })],
    ['an invalid header name', (R) => new R('x', { headers: { 'a b': 'c' } })],
    ['an invalid header value', (R) => new R('x', { headers: [['a', 'b\r\nc']] })],
    ['a pair of three', (R) => new R('x', { headers: [['a', 'b', 'c']] as unknown as HeadersInit })],
    ['a number as headers', (R) => new R('x', { headers: 5 as unknown as HeadersInit })],
    ['a header value above 0xff', (R) => new R('x', { headers: { a: '\u0100' } })],
    ['init not an object', (R) => new R('x', 5 as unknown as ResponseInit)],
    [
      'headers made with the global class',
      (R) =>
        new R('x', {
          headers: new Headers([
            ['set-cookie', 'a=1'],
            ['set-cookie', 'b=2'],
            ['x', ' y '],
          ]),
        }),
    ],
    [
      'a used body read again',
      async (R) => {
        const response = new R('x');
        await response.text();
        return response.text();
      },
    ],
    [
      'bodyUsed after a read',
      async (R) => {
        const response = new R('x');
        await response.arrayBuffer();
        return response.bodyUsed;
      },
    ],
    ['Response.json', (R) => R.json({ a: 1 }, { status: 201, headers: { 'x-a': '1' } })],
    ['Response.json with its own content-type', (R) => R.json([1], { headers: { 'Content-Type': 'application/vnd+json' } })],
    ['Response.json of undefined', (R) => R.json(undefined)],
    ['Response.json on 204', (R) => R.json({}, { status: 204 })],
    [
      'Response.json of a cycle',
      (R) => {
        const cycle: Record<string, unknown> = {};
        cycle.self = cycle;
        return R.json(cycle);
      },
    ],
    ['Response.redirect', (R) => R.redirect('https://example.com/a b?x=1#f')],
    ['Response.redirect 301', (R) => R.redirect('http://EXAMPLE.com:80/./x', 301)],
    ['Response.redirect 200', (R) => R.redirect('https://example.com/', 200)],
    ['Response.redirect relative', (R) => R.redirect('/x')],
    ['Response.redirect a URL object', (R) => R.redirect(new URL('https://example.com/u'), 307)],
    ["a redirect's headers are immutable", (R) => R.redirect('https://example.com/').headers.set('location', '/x')],
    ["a redirect's headers refuse a bad name first", (R) => R.redirect('https://example.com/').headers.append('a b', 'c')],
    ["a redirect's clone keeps immutable headers", (R) => R.redirect('https://example.com/').clone().headers.append('a', 'c')],
    ['Response.error', (R) => R.error()],
    [
      'headers changed after construction',
      (R) => {
        const response = new R('x', { headers: { a: '1' } });
        response.headers.append('a', '2');
        response.headers.set('content-type', 'text/html');
        return response;
      },
    ],
  ];
  for (const [name, run] of cases) {
    it(name, async () => {
      expect(await outcome(() => run(Fast))).toEqual(await outcome(() => run(Standard)));
    });
  }
});
