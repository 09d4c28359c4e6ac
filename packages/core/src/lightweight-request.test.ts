import { inspect } from 'node:util';
import { describe, expect, it, test } from 'vitest';
import { HttpError } from './errors.js';
import {
  createLightweightRequest,
  headersFromFlatList,
  isUnbuiltLightweightRequest,
  lightweightBodyTouched,
  lightweightRequestClass,
  normalizeMethod,
  joinRequestUrl,
  normalizeRequestUrl,
  standardRequestClass,
  type LightweightRequestInput,
} from './lightweight-request.js';

const bytesOf = (text: string) => new TextEncoder().encode(text);

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(bytesOf(chunk));
      controller.close();
    },
  });
}

/** A lightweight request and counters of what the adapter was asked for. */
function lazy(overrides: Partial<LightweightRequestInput> = {}, body?: string, withBytes = true) {
  const calls = { headers: 0, stream: 0, bytes: 0, signal: 0 };
  const controller = new AbortController();
  const request = createLightweightRequest({
    method: 'POST',
    url: 'http://example.com/a/b?x=1&x=2',
    headers: () => {
      calls.headers++;
      return headersFromFlatList(['X-B', '2', 'Content-Type', 'text/plain', 'x-a', '1', 'Set-Cookie', 'a=1', 'set-cookie', 'b=2']);
    },
    body:
      body === undefined
        ? null
        : {
            stream: () => {
              calls.stream++;
              return streamOf(body.slice(0, 2), body.slice(2));
            },
            bytes: withBytes
              ? async () => {
                  calls.bytes++;
                  return bytesOf(body);
                }
              : undefined,
          },
    signal: () => {
      calls.signal++;
      return controller.signal;
    },
    ...overrides,
  });
  return { request, calls, controller };
}

describe('createLightweightRequest', () => {
  it('is a Request and answers method, url and headers without building one', () => {
    const { request, calls } = lazy();
    expect(request).toBeInstanceOf(Request);
    expect(Object.prototype.toString.call(request)).toBe('[object Request]');
    expect(request.constructor.name).toBe('Request');
    expect(request.method).toBe('POST');
    expect(request.url).toBe('http://example.com/a/b?x=1&x=2');
    expect(calls.headers).toBe(0);
    expect(request.headers).toBeInstanceOf(Headers);
    expect(request.headers).toBe(request.headers);
    expect(calls.headers).toBe(1);
    expect(isUnbuiltLightweightRequest(request)).toBe(true);
    expect(inspect(request)).toContain('(lightweight)');
  });

  it('iterates headers in the same order as a standard Request', () => {
    const { request } = lazy();
    const standard = new Request('http://example.com/', {
      headers: [
        ['X-B', '2'],
        ['Content-Type', 'text/plain'],
        ['x-a', '1'],
        ['Set-Cookie', 'a=1'],
        ['set-cookie', 'b=2'],
      ],
    });
    expect([...request.headers]).toEqual([...standard.headers]);
  });

  it('reads text through bytes() without a stream, once', async () => {
    const { request, calls } = lazy({}, 'hello');
    expect(request.bodyUsed).toBe(false);
    expect(await request.text()).toBe('hello');
    expect(calls).toMatchObject({ bytes: 1, stream: 0 });
    expect(request.bodyUsed).toBe(true);
    await expect(request.text()).rejects.toThrow(TypeError);
    await expect(request.json()).rejects.toThrow(TypeError);
    expect(isUnbuiltLightweightRequest(request)).toBe(true);
    expect(lightweightBodyTouched(request)).toBe(true);
  });

  test.each([
    ['json', '{"a":[1,2]}', { a: [1, 2] }],
    ['arrayBuffer', 'abc', new Uint8Array([97, 98, 99]).buffer],
    ['bytes', 'abc', new Uint8Array([97, 98, 99])],
  ] as const)('%s() matches the standard', async (method, body, expected) => {
    const { request } = lazy({}, body);
    const standard = new Request('http://x/', { method: 'POST', body });
    const ours = await (request as unknown as Record<string, () => Promise<unknown>>)[method]();
    const theirs = await (standard as unknown as Record<string, () => Promise<unknown>>)[method]?.();
    expect(ours).toEqual(expected);
    if (theirs !== undefined) expect(ours).toEqual(theirs);
  });

  it('strips a UTF-8 BOM and rejects bad JSON with a SyntaxError, like the standard', async () => {
    expect(await lazy({}, '\uFEFFhi').request.text()).toBe('hi');
    await expect(lazy({}, '{nope').request.json()).rejects.toThrow(SyntaxError);
  });

  it('gives the body as a stream when asked, and then reads through the real Request', async () => {
    const { request, calls } = lazy({}, 'streamed');
    const body = request.body!;
    expect(body).toBeInstanceOf(ReadableStream);
    expect(calls).toMatchObject({ stream: 1, bytes: 0 });
    expect(isUnbuiltLightweightRequest(request)).toBe(false);
    expect(request.bodyUsed).toBe(false);
    expect(await request.text()).toBe('streamed');
    expect(request.bodyUsed).toBe(true);
  });

  it('falls back to the stream when the adapter gives no bytes()', async () => {
    const { request, calls } = lazy({}, 'via-stream', false);
    expect(await request.text()).toBe('via-stream');
    expect(calls).toMatchObject({ stream: 1, bytes: 0 });
  });

  it('has a null body for GET and HEAD, whatever the adapter gives', async () => {
    for (const method of ['GET', 'HEAD']) {
      const { request, calls } = lazy({ method }, 'ignored');
      expect(request.body).toBeNull();
      expect(await request.text()).toBe('');
      expect(await request.text()).toBe('');
      expect(request.bodyUsed).toBe(false);
      expect(calls.stream + calls.bytes).toBe(0);
    }
  });

  it("treats a lower-case 'get' as GET: no body", async () => {
    const { request, calls } = lazy({ method: 'get' }, 'ignored');
    expect(request.method).toBe('GET');
    expect(request.body).toBeNull();
    expect(calls.stream + calls.bytes).toBe(0);
  });

  it('calls the input functions as methods, so an adapter can pass a class instance', async () => {
    class Input {
      method = 'POST';
      url = 'http://example.com/x';
      constructor(private readonly text: string) {}
      headers() {
        return new Headers({ 'x-from': this.text });
      }
      body = { stream: () => streamOf(this.text), bytes: async () => bytesOf(this.text) };
    }
    const request = createLightweightRequest(new Input('instance'));
    expect(request.headers.get('x-from')).toBe('instance');
    expect(await request.text()).toBe('instance');
  });

  it('clones like the standard: both copies read the body', async () => {
    const { request } = lazy({}, 'twice');
    const copy = request.clone();
    expect(copy).toBeInstanceOf(Request);
    expect(copy.url).toBe(request.url);
    expect(await copy.text()).toBe('twice');
    expect(await request.text()).toBe('twice');
    expect(() => request.clone()).toThrow(TypeError);
  });

  it('refuses to clone or rebuild after a fast read, like a used standard Request', async () => {
    const { request } = lazy({}, 'once');
    await request.text();
    expect(() => request.clone()).toThrow(TypeError);
  });

  it('can be passed to new Request(), which copies method, url, headers and body', async () => {
    const { request } = lazy({}, 'forwarded');
    request.headers.set('x-added', 'yes');
    const copy = new Request(request);
    expect(copy.method).toBe('POST');
    expect(copy.url).toBe('http://example.com/a/b?x=1&x=2');
    expect(copy.headers.get('x-added')).toBe('yes');
    expect(copy.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await copy.text()).toBe('forwarded');
    const overridden = new Request(lazy({ method: 'GET' }).request, { method: 'DELETE' });
    expect(overridden.method).toBe('DELETE');
  });

  it('can be passed to fetch()', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk)).on('end', () => res.end(`${req.method} ${req.url} ${req.headers['x-a']} ${body}`));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const { request } = lazy({ url: `http://127.0.0.1:${port}/echo?q=1` }, 'payload');
      const response = await fetch(request);
      expect(await response.text()).toBe('POST /echo?q=1 1 payload');
    } finally {
      server.close();
    }
  });

  it('hands out the adapter signal, once, and keeps it after building the real Request', () => {
    const { request, calls, controller } = lazy({}, 'x');
    expect(request.signal.aborted).toBe(false);
    expect(request.signal).toBe(request.signal);
    expect(calls.signal).toBe(1);
    void request.body; // builds the real Request
    expect(request.signal).toBe(request.signal);
    controller.abort();
    expect(request.signal.aborted).toBe(true);
  });

  it('answers the rarer properties through the real Request', () => {
    const { request } = lazy({ method: 'GET' });
    const standard = new Request('http://example.com/a/b?x=1&x=2');
    for (const name of ['cache', 'credentials', 'destination', 'integrity', 'keepalive', 'mode', 'redirect', 'referrer', 'referrerPolicy'] as const) {
      expect(request[name], name).toEqual(standard[name]);
    }
  });

  it('keeps headers the app set before the real Request is built', async () => {
    const { request } = lazy({}, 'b');
    request.headers.set('x-late', '1');
    const copy = request.clone();
    expect(copy.headers.get('x-late')).toBe('1');
  });
});

// each case compares with the standard class, built from the same parts
describe('the lightweight Request after a read, as the standard class', () => {
  const Standard = standardRequestClass();
  const standardOf = (body = 'once') =>
    new Standard('http://example.com/a/b?x=1&x=2', {
      method: 'POST',
      headers: [
        ['content-type', 'text/plain'],
        ['x-a', '1'],
      ],
      body,
    });

  it('answers its forwarded properties once the body was read', async () => {
    const { request } = lazy({}, 'once');
    const standard = standardOf();
    expect(await request.text()).toBe(await standard.text());
    for (const name of ['cache', 'credentials', 'mode', 'redirect', 'keepalive', 'bodyUsed'] as const) expect(request[name], name).toEqual(standard[name]);
    expect(request.body).toBeInstanceOf(ReadableStream);
    expect(request.body?.locked).toBe(standard.body?.locked);
  });

  it('rejects a second read (a promise, not a throw), whatever the reader', async () => {
    const { request } = lazy({}, 'once');
    await request.text();
    for (const read of ['text', 'json', 'arrayBuffer', 'blob', 'formData'] as const) {
      let promise: Promise<unknown> | undefined;
      expect(() => (promise = request[read]())).not.toThrow();
      await expect(promise).rejects.toThrow(TypeError);
    }
  });

  it('takes a fresh body through new Request(request, { body }), and refuses a copy without one', async () => {
    const { request } = lazy({}, 'once');
    await request.text();
    expect(await new Request(request, { body: 'new' }).text()).toBe('new');
    expect(() => new Request(request)).toThrow(TypeError);
  });
});

describe('the lightweight Request keeps header changes, as the standard class', () => {
  it('in clone() and new Request(request), also after the real Request was built', async () => {
    const { request } = lazy({}, 'b');
    expect(request.mode).toBe('cors'); // builds the real Request
    request.headers.set('x-late', '1');
    request.headers.delete('x-a');
    for (const copy of [request.clone(), new Request(request)]) {
      expect(copy.headers.get('x-late')).toBe('1');
      expect(copy.headers.has('x-a')).toBe(false);
    }
  });

  it('formData() reads with the content-type the app set', async () => {
    const { request } = lazy({}, 'a=1&b=2');
    request.headers.set('content-type', 'application/x-www-form-urlencoded');
    expect([...(await request.formData())]).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  it('combines a repeat whose last value is empty as "v, " in every copy', () => {
    const { request } = lazy({ headers: () => headersFromFlatList(['x-r', 'v', 'x-r', '', 'cookie', 'a=1', 'cookie', '']) }, 'b');
    const standard = new (standardRequestClass())('http://x/', {
      headers: [
        ['x-r', 'v'],
        ['x-r', ''],
        ['cookie', 'a=1'],
        ['cookie', ''],
      ],
    });
    for (const copy of [request, request.clone(), new Request(request)]) {
      expect(copy.headers.get('x-r')).toBe(standard.headers.get('x-r'));
      expect(copy.headers.get('cookie')).toBe(standard.headers.get('cookie'));
    }
    expect(standard.headers.get('x-r')).toBe('v, ');
  });
});

describe('the lightweight Request as an instance of the standard class', () => {
  it('reads bytes and arrayBuffer into memory of their own, not a pooled slab', async () => {
    const pooled = Buffer.from('pooled body'); // a view on Node's shared 8 KiB pool
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.length);
    const make = () =>
      createLightweightRequest({ method: 'POST', url: 'http://x/', headers: () => new Headers(), body: { stream: () => streamOf('x'), bytes: async () => pooled } });
    const bytes = await make().bytes();
    expect(bytes.constructor).toBe(Uint8Array);
    expect(bytes.buffer.byteLength).toBe(pooled.length);
    expect(new TextDecoder().decode(bytes)).toBe('pooled body');
    expect((await make().arrayBuffer()).byteLength).toBe(pooled.length);
  });

  it('has Request as constructor and prototype, and for...in lists the standard members', () => {
    const { request } = lazy({}, 'b');
    expect(request.constructor).toBe(Request);
    expect(Object.getPrototypeOf(request)).toBe(Request.prototype);
    const standard = new (standardRequestClass())('http://x/', { method: 'POST', body: 'b' });
    const members = (value: object) => {
      const names: string[] = [];
      for (const name in value) names.push(name);
      return names;
    };
    expect(members(request)).toEqual(members(standard));
    expect(members(request)).toContain('method');
  });

  it("works with the prototype's own methods: Request.prototype.text.call(request)", async () => {
    const { request } = lazy({}, 'called');
    expect(await Request.prototype.text.call(request)).toBe('called');
  });

  it('is a Request, and so is one made by new Request() or the standard class', () => {
    expect(new Request('http://x/')).toBeInstanceOf(Request);
    expect(new (standardRequestClass())('http://x/')).toBeInstanceOf(Request);
    expect(lightweightRequestClass()).toBe(Request);
  });
});

describe('normalizeMethod', () => {
  test.each([
    ['get', 'GET'],
    ['Post', 'POST'],
    ['patch', 'patch'],
    ['PATCH', 'PATCH'],
    ['PROPFIND', 'PROPFIND'],
  ])('%s -> %s (as new Request does)', (input, expected) => {
    expect(normalizeMethod(input)).toBe(expected);
    expect(new Request('http://x/', { method: input }).method).toBe(expected);
  });
});

describe('normalizeRequestUrl', () => {
  test.each([
    'http://example.com/',
    'http://example.com/a/b?x=1&x=2',
    'https://example.com:8443/%2F%2e?a=%20',
    'http://example.com/a/../b',
    'http://example.com/a/%2e%2E/b',
    'http://example.com/./a',
    'http://EXAMPLE.com/a',
    'http://example.com:80/a',
    'https://example.com:443/a',
    'http://example.com/a b?c d',
    'http://example.com/ü?ü',
    'http://example.com/a%zz',
    "http://example.com/a'?b'",
    'http://example.com/a\\b',
    'http://127.1/x',
    'http://[::1]:3000/x',
    'http://example.com/a?b#c',
    'http://example.com/{x}|y`z',
    "http://example.com/a?b'c",
    'http://example.com/.well-known/x',
    'http://example.com/a?x=%2e%2e/./..',
    'http://example.com/a%2E',
    'http://example.com/a?b?c',
    'http://example.com/%41%zz?%',
    'http://other.example:8080/x?y',
    'http://example.com/\u00e9',
  ])('%s is written as new URL writes it', (url) => {
    expect(normalizeRequestUrl(url)).toBe(new URL(url).href);
    expect(normalizeRequestUrl(url)).toBe(normalizeRequestUrl(url)); // cached origin, same answer
  });

  test.each(['not a url', 'http://exa mple.com/', 'http://[::1/', '/relative'])('%s is a 400', (url) => {
    expect(() => normalizeRequestUrl(url)).toThrow(HttpError);
    expect(() => normalizeRequestUrl(url)).toThrow(expect.objectContaining({ status: 400, code: 'BAD_URL' }));
  });

  it('is what a lightweight request reports as url', () => {
    expect(lazy({ url: 'http://Example.com:80/a/./b/../c' }).request.url).toBe('http://example.com/a/c');
  });
});

describe('joinRequestUrl', () => {
  // protocol, host, target: each joined as new URL writes the URL, the same host twice in a row (its cached check) and after another
  test.each([
    ['http', 'example.com', '/'],
    ['http', 'example.com', '/a/b?x=1&x=2'],
    ['https', 'example.com:8443', '/%2F%2e?a=%20'],
    ['http', 'example.com', '/a/../b'],
    ['http', 'example.com', '/a/%2e%2E/b'],
    ['http', 'EXAMPLE.com', '/a'],
    ['http', 'example.com:80', '/a'],
    ['https', 'example.com:443', '/a'],
    ['http', 'example.com', '/a b?c d'],
    ['http', 'example.com', '/ü?ü'],
    ['http', 'example.com', "/a'?b'"],
    ['http', 'example.com', '//double/slash'],
    ['http', '127.1', '/x'],
    ['http', '[::1]:3000', '/x'],
    ['https', 'example.com', '/.well-known/x'],
  ])('%s://%s%s is written as new URL writes it', (protocol, host, target) => {
    const expected = new URL(`${protocol}://${host}${target}`).href;
    expect(joinRequestUrl(protocol, host, target)).toBe(expected);
    expect(joinRequestUrl(protocol, host, target)).toBe(expected);
    joinRequestUrl('http', 'other.example', '/');
    expect(joinRequestUrl(protocol, host, target)).toBe(expected);
  });

  it('refuses what normalizeRequestUrl refuses, with a 400', () => {
    expect(() => joinRequestUrl('http', 'exa mple.com', '/')).toThrow(expect.objectContaining({ status: 400, code: 'BAD_URL' }));
    expect(() => joinRequestUrl('http', '[::1', '/')).toThrow(expect.objectContaining({ status: 400, code: 'BAD_URL' }));
  });

  it('gives a lightweight request its url as is when the input says it is normalized', () => {
    expect(lazy({ url: joinRequestUrl('http', 'Example.com:80', '/a/./b'), urlNormalized: true }).request.url).toBe('http://example.com/a/b');
  });
});

describe('headersFromFlatList', () => {
  it('keeps repeats and skips HTTP/2 pseudo-headers', () => {
    const headers = headersFromFlatList([':authority', 'x', 'Accept', 'a', 'accept', 'b', 'Set-Cookie', 'c=1', 'Set-Cookie', 'd=2']);
    expect(headers.get('accept')).toBe('a, b');
    expect(headers.getSetCookie()).toEqual(['c=1', 'd=2']);
    expect([...headers.keys()]).toEqual(['accept', 'set-cookie', 'set-cookie']);
  });
});
