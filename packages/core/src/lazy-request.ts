/**
 * A lazy `Request`: method, URL and headers come straight from the platform's input, and the
 * real (undici) `Request` is built only when the app touches something unusual.
 *
 * How an adapter uses it:
 *
 *     const request = createLazyRequest({
 *       method: incoming.method,                       // checked with checkMethod first
 *       url: 'http://example.com/path?q=1',            // absolute; normalized like `new URL`
 *       headers: () => headersFromFlatList(incoming.rawHeaders),  // built on first read
 *       body: { stream: () => webStream, bytes: () => readAll() }, // or null (GET/HEAD: ignored)
 *       signal: () => abortController.signal,          // created on first read of request.signal
 *     });
 *
 * What the app sees behaves like the standard class: `instanceof Request`, `headers` (a real
 * `Headers`, same object every time, standard iteration order), `bodyUsed`, body read once,
 * `clone()`, and `new Request(request)` / `fetch(request)` (the undici internals they read are
 * forwarded to the real object). `text()`, `json()`, `arrayBuffer()` and `bytes()` read through
 * `body.bytes()` without any stream when the adapter gives it.
 * `util.inspect` shows `Request (lightweight)`.
 */
import { badRequest } from './errors.js';
import { forwardToReal } from './forward.js';
import { isHex } from './token.js';

export interface LazyBody {
  /** The body as a web stream. Called at most once. */
  stream(): ReadableStream<Uint8Array>;
  /** The whole body as bytes, cheaper than a stream when the app reads it at once. Called at most once. */
  bytes?(): Promise<Uint8Array>;
}

export interface LazyRequestInput {
  /** The method; common methods are upper-cased as the standard does. */
  method: string;
  /** The absolute URL; it is normalized exactly as `new URL(url).href` (a 400 `BAD_URL` error if invalid). */
  url: string;
  /** Builds the headers on first read. */
  headers: () => Headers;
  /** The body, or null. Ignored for GET and HEAD. */
  body?: LazyBody | null;
  /** Gives the request's abort signal on first read. Without it, a signal that never aborts. */
  signal?: () => AbortSignal;
}

// captured on first use: touching globalThis.Request loads undici (~40 ms)
let GlobalRequest: typeof Request;

const inputKey = Symbol('lazy.input');
const methodKey = Symbol('lazy.method');
const urlKey = Symbol('lazy.url');
const realKey = Symbol('lazy.real');
const headersKey = Symbol('lazy.headers');
const signalKey = Symbol('lazy.signal');
const usedKey = Symbol('lazy.used');

const decoder = new TextDecoder();

/** The lightweight class; `createLazyRequest` makes instances. Its prototype chains to `Request.prototype`. */
class LightweightRequest {
  declare [inputKey]: LazyRequestInput;
  declare [methodKey]: string;
  declare [urlKey]: string;
  declare [realKey]: Request | undefined;
  declare [headersKey]: Headers | undefined;
  declare [signalKey]: AbortSignal | undefined;
  declare [usedKey]: boolean;

  // a constructor (not Object.create) lets V8 keep every field in the object itself
  constructor(input: LazyRequestInput, method: string, url: string) {
    this[inputKey] = input; // its functions are called as methods: an adapter may pass a class instance
    this[methodKey] = method;
    this[urlKey] = url;
    this[realKey] = undefined;
    this[headersKey] = undefined;
    this[signalKey] = undefined;
    this[usedKey] = false;
  }

  get method(): string {
    return this[methodKey];
  }

  get url(): string {
    return this[urlKey];
  }

  get headers(): Headers {
    const own = this[headersKey];
    if (own) return own;
    const real = this[realKey];
    return (this[headersKey] = real ? real.headers : this[inputKey].headers());
  }

  get signal(): AbortSignal {
    const own = this[signalKey];
    if (own) return own;
    const real = this[realKey];
    return (this[signalKey] = real ? real.signal : this[inputKey].signal?.() ?? new AbortController().signal);
  }

  get bodyUsed(): boolean {
    const real = this[realKey];
    return real ? real.bodyUsed : this[usedKey];
  }

  text(): Promise<string> {
    return readFast(this, 'text', (bytes) => decoder.decode(bytes));
  }

  json(): Promise<unknown> {
    return readFast(this, 'json', (bytes) => JSON.parse(decoder.decode(bytes)));
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return readFast(this, 'arrayBuffer', (bytes) =>
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
        ? bytes.buffer
        : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer),
    );
  }

  bytes(): Promise<Uint8Array> {
    return readFast(this, 'bytes', (bytes) =>
      bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    );
  }
}

type FastMethod = 'text' | 'json' | 'arrayBuffer' | 'bytes';

function readFast<T>(request: LightweightRequest, method: FastMethod, convert: (bytes: Uint8Array) => T): Promise<T> {
  const input = request[inputKey];
  const body = hasBody(request) ? input.body : null;
  if (request[realKey] || (body && !body.bytes)) {
    const real = realRequest(request) as unknown as Record<FastMethod, () => Promise<T>>;
    if (typeof real[method] !== 'function') return Promise.reject(new TypeError(`Request.${method} is not supported by this Node version`));
    return real[method]();
  }
  if (!body) {
    try {
      return Promise.resolve(convert(new Uint8Array(0)));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  if (request[usedKey]) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
  request[usedKey] = true;
  return body.bytes!().then(convert);
}

function hasBody(request: LightweightRequest): boolean {
  const method = request[methodKey];
  return request[inputKey].body != null && method !== 'GET' && method !== 'HEAD';
}

/** Builds (once) and returns the real `Request` behind a lightweight one. */
function realRequest(request: LightweightRequest): Request {
  const existing = request[realKey];
  if (existing) return existing;
  if (request[usedKey]) throw new TypeError('Body is unusable: Body has already been read');
  const input = request[inputKey];
  const init: RequestInit & { duplex?: 'half' } = {
    method: request[methodKey],
    headers: request.headers,
    signal: request.signal,
  };
  if (hasBody(request)) {
    init.body = input.body!.stream();
    init.duplex = 'half';
  }
  const real = new GlobalRequest(request[urlKey], init);
  request[realKey] = real;
  return real;
}

let prepared = false;

/** Wires the lightweight class to the standard one, once. */
function prepare(): void {
  if (prepared) return;
  prepared = true;
  GlobalRequest = globalThis.Request;
  forwardToReal<LightweightRequest>(
    LightweightRequest.prototype,
    GlobalRequest.prototype,
    new GlobalRequest('http://localhost/'),
    realRequest,
    (request) => request[realKey] ?? `Request (lightweight) { method: '${request.method}', url: '${request.url}' }`,
  );
}

Object.defineProperty(LightweightRequest, 'name', { value: 'Request' });

/** Makes a lazy `Request` from a platform's input. */
export function createLazyRequest(input: LazyRequestInput): Request {
  prepare();
  const method = normalizeMethod(input.method);
  const url = normalizeRequestUrl(input.url);
  return new LightweightRequest(input, method, url) as unknown as Request;
}

/** True for a request made by `createLazyRequest` that has not built its real `Request` yet. */
export function isLazyRequest(request: unknown): boolean {
  return request instanceof LightweightRequest && (request as LightweightRequest)[realKey] === undefined;
}

/** Whether the app touched the body of a lazy request (read it, or asked for its stream). */
export function lazyBodyTouched(request: Request): boolean {
  if (!(request instanceof LightweightRequest)) return true;
  return request[usedKey] || request[realKey] !== undefined;
}

/** Upper-cases DELETE, GET, HEAD, OPTIONS, POST and PUT whatever their case, as the standard does. */
export function normalizeMethod(method: string): string {
  if (normalMethods.has(method) || method === 'PATCH') return method;
  const upper = method.toUpperCase();
  return normalMethods.has(upper) ? upper : method;
}

const normalMethods = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

// scheme://host[:port] whose serialization `new URL` would leave unchanged, cached per origin
const originCache = new Map<string, boolean>();
let lastOrigin = '';

// characters a path (1) or a query (2) may hold that the URL parser leaves as they are
const urlChars = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&()*+,;=:@/") urlChars[char.charCodeAt(0)] = 3;
urlChars["'".charCodeAt(0)] = 1; // %-encoded in the query of http(s) URLs
urlChars['?'.charCodeAt(0)] = 2;

/**
 * `url` as `new URL(url).href` writes it (dot segments removed, host lower-cased, default port
 * dropped, unsafe characters %-encoded); throws a 400 `BAD_URL` error when it is not a valid URL.
 * Common URLs take a fast path that does not parse.
 */
export function normalizeRequestUrl(url: string): string {
  let pathStart: number;
  if (lastOrigin !== '' && url.startsWith(lastOrigin) && url.charCodeAt(lastOrigin.length) === 47 /* / */) {
    pathStart = lastOrigin.length;
  } else {
    const slashes = url.indexOf('://');
    pathStart = slashes === -1 ? -1 : url.indexOf('/', slashes + 3);
    if (pathStart !== -1) {
      const origin = url.slice(0, pathStart);
      let clean = originCache.get(origin);
      if (clean === undefined) {
        clean = originIsClean(origin);
        if (originCache.size > 256) originCache.clear();
        originCache.set(origin, clean);
      }
      if (clean) lastOrigin = origin;
      else pathStart = -1;
    }
  }
  if (pathStart !== -1 && pathIsClean(url, pathStart)) return url;
  try {
    return new URL(url).href;
  } catch {
    throw badRequest('BAD_URL', `${JSON.stringify(url.slice(0, 200))} is not a valid URL`);
  }
}

function originIsClean(origin: string): boolean {
  try {
    const parsed = new URL(origin + '/');
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === origin;
  } catch {
    return false;
  }
}

/** One pass: only characters the parser keeps, valid escapes, no dot segment (also as %2e). */
function pathIsClean(url: string, from: number): boolean {
  let mask = 1; // path; 2 once in the query
  for (let i = from; i < url.length; i++) {
    const code = url.charCodeAt(i);
    if (code >= 128 || (urlChars[code] & mask) === 0) {
      if (code === 63 /* ? */ && mask === 1) {
        mask = 2;
        continue;
      }
      if (code !== 37 /* % */) return false;
    }
    if (code === 37) {
      const a = url.charCodeAt(i + 1);
      const b = url.charCodeAt(i + 2);
      if (!isHex(a) || !isHex(b)) return false;
      if (mask === 1 && a === 50 /* 2 */ && (b === 101 || b === 69) /* e E */) return false;
      i += 2;
    } else if (code === 46 /* . */ && mask === 1 && url.charCodeAt(i - 1) === 47 /* / */) {
      return false; // a segment starting with a dot may be a dot segment
    }
  }
  return true;
}

/** Headers from a flat `[name, value, name, value...]` list (Node's `rawHeaders`); HTTP/2 pseudo-headers are skipped. */
export function headersFromFlatList(list: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i];
    if (name.charCodeAt(0) === 58 /* : */) continue;
    headers.append(name, list[i + 1]);
  }
  return headers;
}
