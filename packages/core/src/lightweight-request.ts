/**
 * A lazy `Request`: method, URL and headers come straight from the platform's input, and the
 * real (undici) `Request` is built only when the app touches something unusual.
 *
 * How an adapter uses it:
 *
 *     const request = createLightweightRequest({
 *       method: incoming.method,                       // checked with checkMethod first
 *       url: 'http://example.com/path?q=1',            // absolute; normalized like `new URL`
 *       headers: () => headersFromFlatList(incoming.rawHeaders),  // built on first read
 *       body: { stream: () => webStream, bytes: () => readAll() }, // or null (GET/HEAD: ignored)
 *       signal: () => abortController.signal,          // created on first read of request.signal
 *     });
 *
 * What the app sees behaves like the standard class (a differential test holds it to undici's):
 * `instanceof Request`, `constructor`, the prototype, `headers` (core's lightweight `Headers`,
 * same object every time, standard iteration order, changes kept by every copy), `bodyUsed`, body
 * read once (later reads reject), `clone()`, `new Request(request)` and `fetch(request)`. The
 * first lightweight request installs the lightweight classes as the global `Request` and `Headers`
 * and wraps the global `fetch`, all without loading undici (see standard-classes.ts): undici reads its own private state from a Request (Node 24), so
 * `new Request(lazy)` and `fetch(lazy)` hand it the real one. `text()`, `json()`,
 * `arrayBuffer()` and `bytes()` read through `body.bytes()` without any stream when the adapter
 * gives it. Undici is loaded only when the app touches something else (`fetch`, `formData()`,
 * `clone()`, `body`, `new Request(...)`...). `util.inspect` shows `Request (lightweight)`.
 */
import { badRequest } from './errors.js';
import { defineInspect, forwardByName, forwardToReal } from './forward.js';
import { headersForwardingTo, installLightweightHeaders, isLightweightHeaders, toRealHeaders } from './lightweight-headers.js';
import { installGlobal, installGlobalsTogether, onStandardLoad, standardClasses, undiciLoaded } from './standard-classes.js';
import { isHex } from './token.js';

export interface LightweightBody {
  /** The body as a web stream. Called at most once. */
  stream(): ReadableStream<Uint8Array>;
  /** The whole body as bytes, cheaper than a stream when the app reads it at once. Called at most once. */
  bytes?(): Promise<Uint8Array>;
}

export interface LightweightRequestInput {
  /** The method; common methods are upper-cased as the standard does. */
  method: string;
  /** The absolute URL; it is normalized exactly as `new URL(url).href` (a 400 `BAD_URL` error if invalid). */
  url: string;
  /** True when `url` came from `joinRequestUrl` (or `normalizeRequestUrl`), normalized already. */
  urlNormalized?: boolean;
  /** Builds the headers on first read. */
  headers: () => Headers;
  /** The body, or null. Ignored for GET and HEAD. */
  body?: LightweightBody | null;
  /** Gives the request's abort signal on first read. Without it, a signal that never aborts. */
  signal?: () => AbortSignal;
}

// the standard ones, known once undici is loaded (standard-classes.ts)
let GlobalRequest: typeof Request;
let globalFetch: typeof fetch;

const inputKey = Symbol('lazy.input');
const methodKey = Symbol('lazy.method');
const urlKey = Symbol('lazy.url');
const realKey = Symbol('lazy.real');
const headersKey = Symbol('lazy.headers');
const signalKey = Symbol('lazy.signal');
const usedKey = Symbol('lazy.used');
/** Passed as the first constructor argument by `createLightweightRequest`; an app cannot reach it. */
const lazyToken = Symbol('lazy.create');
/** The input of a lightweight Request made by `new Request(...)`: everything comes from its real one. */
const noInput: LightweightRequestInput = { method: 'GET', url: '', headers: () => noHeaders, body: null };
/** Never read: a Request made from a real one takes its headers from there. */
const noHeaders = {} as Headers;

const decoder = new TextDecoder();

/**
 * The lightweight class, installed as `globalThis.Request`: `createLightweightRequest` makes lazy
 * instances, and `new Request(...)` an instance holding a real Request from the start. Its
 * prototype chains to the standard `Request.prototype`.
 */
class LightweightRequest {
  declare [inputKey]: LightweightRequestInput;
  declare [methodKey]: string;
  declare [urlKey]: string;
  declare [realKey]: Request | undefined;
  declare [headersKey]: Headers | undefined;
  declare [signalKey]: AbortSignal | undefined;
  declare [usedKey]: boolean;

  // a constructor (not Object.create) lets V8 keep every field in the object itself
  constructor(input: RequestInfo | URL | typeof lazyToken, init?: RequestInit | LightweightRequestInput, method?: string, url?: string) {
    if (input === lazyToken) {
      this[inputKey] = init as LightweightRequestInput; // its functions are called as methods: an adapter may pass a class instance
      this[methodKey] = method!;
      this[urlKey] = url!;
      this[realKey] = undefined;
    } else {
      installLightweightRequest();
      load();
      // the standard class does the work (and throws the standard errors); a lightweight input gives its real one
      const real = new GlobalRequest(isLightweight(input) ? realRequest(input) : (input as RequestInfo), init as RequestInit | undefined);
      this[inputKey] = noInput;
      this[methodKey] = real.method;
      this[urlKey] = real.url;
      this[realKey] = real;
    }
    this[headersKey] = undefined;
    this[signalKey] = undefined;
    this[usedKey] = false;
  }

  static [Symbol.hasInstance](this: unknown, value: unknown): boolean {
    // real Requests (made before the install, or by undici itself) are Requests too; subclasses check as usual
    if (this !== LightweightRequest) return Function.prototype[Symbol.hasInstance].call(this, value);
    return isLightweight(value) || (undiciLoaded() && value instanceof standardClasses().Request);
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
    return (this[signalKey] = real ? real.signal : (this[inputKey].signal?.() ?? new AbortController().signal));
  }

  get bodyUsed(): boolean {
    const real = this[realKey];
    return real ? real.bodyUsed : this[usedKey];
  }

  clone(): Request {
    if (!isLightweight(this)) return load().prototype.clone.call(this);
    return wrapReal(realRequest(this).clone());
  }

  text(): Promise<string> {
    return readFast(this, 'text', utf8Text);
  }

  json(): Promise<unknown> {
    return readFast(this, 'json', (bytes) => JSON.parse(utf8Text(bytes)));
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return readFast(this, 'arrayBuffer', (bytes) => ownBytes(bytes).buffer as ArrayBuffer);
  }

  bytes(): Promise<Uint8Array> {
    return readFast(this, 'bytes', ownBytes);
  }
}

/** The body as text, as undici decodes it: a leading BOM is dropped, then the decoder drops one more. */
function utf8Text(bytes: Uint8Array): string {
  return decoder.decode(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes);
}

/** `bytes` as a plain Uint8Array over a whole ArrayBuffer of its own (never a view on a shared pool slab). */
function ownBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer);
  }
  return new Uint8Array(bytes); // a copy
}

function isLightweight(value: unknown): value is LightweightRequest {
  return typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, realKey);
}

/** A lightweight Request around a real one (what `clone()` gives). */
function wrapReal(real: Request): Request {
  const request = new LightweightRequest(lazyToken, noInput, real.method, real.url);
  request[realKey] = real;
  return request as unknown as Request;
}

type FastMethod = 'text' | 'json' | 'arrayBuffer' | 'bytes';

function readFast<T>(request: LightweightRequest, method: FastMethod, convert: (bytes: Uint8Array) => T): Promise<T> {
  if (!isLightweight(request)) return (load().prototype[method] as () => Promise<T>).call(request); // the standard's brand check
  const input = request[inputKey];
  const body = hasBody(request) ? input.body : null;
  try {
    if (request[realKey] || (body && !body.bytes)) {
      const real = realRequest(request) as unknown as Record<FastMethod, () => Promise<T>>;
      if (typeof real[method] !== 'function') return Promise.reject(new TypeError(`Request.${method} is not supported by this Node version`));
      return real[method]();
    }
    if (!body) return Promise.resolve(convert(new Uint8Array(0)));
  } catch (error) {
    return Promise.reject(error);
  }
  if (request[usedKey]) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
  request[usedKey] = true;
  return body.bytes!().then(convert);
}

function hasBody(request: LightweightRequest): boolean {
  const method = request[methodKey];
  return request[inputKey].body != null && method !== 'GET' && method !== 'HEAD';
}

/**
 * Builds (once) and returns the real `Request` behind a lightweight one. Its headers are the
 * app's: the same object when the app had not looked at them yet, else a copy brought up to date
 * on every use. After a fast read, the real one is built used, as a read standard Request is.
 */
function realRequest(request: LightweightRequest): Request {
  if (!isLightweight(request)) throw new TypeError('Illegal invocation');
  load();
  const existing = request[realKey];
  if (existing) {
    const own = request[headersKey];
    if (own && own !== existing.headers && !isLightweightHeaders(own)) syncHeaders(own, existing.headers);
    return existing;
  }
  const input = request[inputKey];
  const init: RequestInit & { duplex?: 'half' } = { method: request[methodKey], signal: request.signal };
  const used = request[usedKey];
  const body = hasBody(request);
  if (body && used) {
    init.body = new Uint8Array(0);
  } else if (body) {
    init.body = input.body!.stream();
    init.duplex = 'half';
  }
  const real = new GlobalRequest(request[urlKey], init);
  const own = request[headersKey];
  const headers = own ?? input.headers();
  // lightweight headers (what the app holds) forward to the real Request's from now on
  if (isLightweightHeaders(headers) && headers !== noHeaders) toRealHeaders(headers, real.headers);
  else copyHeaders(headers, real.headers);
  if (!own) request[headersKey] = headersForwardingTo(real.headers);
  request[realKey] = real;
  if (body && used) real.arrayBuffer().catch(() => {}); // disturbed and locked, like a read standard Request
  return real;
}

/** Appends every header of `from` to `to`, keeping each value as `from` combines it. */
function copyHeaders(from: Headers, to: Headers): void {
  for (const [name, value] of from) {
    // "v, " (a repeat whose last value is empty; "; " for cookie): appended whole, the trailing space would be trimmed
    const separator = name === 'cookie' ? '; ' : ', ';
    if (name === 'set-cookie' || !value.endsWith(separator)) {
      to.append(name, value);
      continue;
    }
    let head = value;
    let empties = 0;
    while (head.endsWith(separator)) {
      head = head.slice(0, -2);
      empties++;
    }
    to.append(name, head);
    for (let i = 0; i < empties; i++) to.append(name, '');
  }
}

/** Makes `to` hold what `from` holds (the app changed its headers after the real Request was built). */
function syncHeaders(from: Headers, to: Headers): void {
  const a = [...from];
  const b = [...to];
  if (a.length === b.length && a.every(([name, value], i) => b[i][0] === name && b[i][1] === value)) return;
  for (const name of new Set(b.map(([name]) => name))) to.delete(name);
  copyHeaders(from, to);
}

/** The global `fetch` beside the lightweight Request: undici reads its own private state from a Request (Node 24), so `fetch(lazy)` must reach the real one. */
const lightweightFetch = function fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  try {
    load();
    return globalFetch(isLightweight(input) ? realRequest(input) : input, init);
  } catch (error) {
    return Promise.reject(error);
  }
};

let prepared = false;

/**
 * Installs the lightweight class as `Request` (and `Headers`, and `fetch` to match), once, without
 * loading undici. `createLightweightRequest` does it on first use; `installLightweightResponse` with the rest.
 */
export function installLightweightRequest(): void {
  if (prepared) return;
  prepared = true;
  forwardByName<LightweightRequest>(LightweightRequest.prototype, requestMembers, realRequest);
  Object.defineProperty(LightweightRequest.prototype, Symbol.toStringTag, { value: 'Request', configurable: true });
  defineInspect<LightweightRequest>(LightweightRequest.prototype, inspectRequest);
  const nodeFetch = Object.getOwnPropertyDescriptor(globalThis, 'fetch')?.value as typeof fetch | undefined;
  Object.defineProperty(lightweightFetch, 'length', { value: nodeFetch?.length ?? 0 });
  Object.defineProperty(lightweightFetch, 'name', { value: 'fetch' }); // a minifier renames the function
  installGlobalsTogether(() => {
    installLightweightHeaders();
    installGlobal('Request', LightweightRequest);
    installGlobal('fetch', lightweightFetch);
  });
}

/** That `fetch`, installed with the lightweight Request. */
export function lightweightFetchFunction(): typeof fetch {
  installLightweightRequest();
  return lightweightFetch;
}

/** The standard members the lightweight class hands to the real Request ("get " marks a getter). */
const requestMembers = [
  'get destination',
  'get referrer',
  'get referrerPolicy',
  'get mode',
  'get credentials',
  'get cache',
  'get redirect',
  'get integrity',
  'get keepalive',
  'get isReloadNavigation',
  'get isHistoryNavigation',
  'get body',
  'get duplex',
  'blob',
  'formData',
];

function inspectRequest(request: LightweightRequest): unknown {
  return request[realKey] ?? `Request (lightweight) { method: '${request.method}', url: '${request.url}' }`;
}

/** Loads undici (once) and returns the standard Request class. */
function load(): typeof Request {
  return standardClasses().Request;
}

// wires the lightweight class to the standard one once undici is loaded
onStandardLoad((standard) => {
  GlobalRequest = standard.Request;
  globalFetch = standard.fetch;
  forwardToReal<LightweightRequest>(LightweightRequest.prototype, GlobalRequest.prototype, new GlobalRequest('http://localhost/'), realRequest, inspectRequest);
  Object.setPrototypeOf(LightweightRequest, GlobalRequest);
});

Object.defineProperty(LightweightRequest, 'name', { value: 'Request' });
Object.defineProperty(LightweightRequest, 'length', { value: 1 }); // as the standard's (input, init?)

/** The lightweight Request class (named `Request`, installed as `globalThis.Request`), wired to the standard one. */
export function lightweightRequestClass(): typeof Request {
  installLightweightRequest();
  return LightweightRequest as unknown as typeof Request;
}

/** The standard Request class, as it was before the lightweight one was installed. */
export function standardRequestClass(): typeof Request {
  installLightweightRequest();
  return load();
}

/** Makes a lazy `Request` from a platform's input. */
export function createLightweightRequest(input: LightweightRequestInput): Request {
  installLightweightRequest();
  const method = normalizeMethod(input.method);
  const url = input.urlNormalized === true ? input.url : normalizeRequestUrl(input.url);
  return new LightweightRequest(lazyToken, input, method, url) as unknown as Request;
}

/** True for a request made by `createLightweightRequest` that has not built its real `Request` yet. */
export function isUnbuiltLightweightRequest(request: unknown): boolean {
  return isLightweight(request) && request[inputKey] !== noInput && request[realKey] === undefined;
}

/** Whether the app touched the body of a lightweight request (read it, or asked for its stream). */
export function lightweightBodyTouched(request: Request): boolean {
  if (!isLightweight(request)) return true;
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
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&()*+,;=:@/') urlChars[char.charCodeAt(0)] = 3;
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
      if (cachedOriginIsClean(origin)) lastOrigin = origin;
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

/**
 * `${protocol}://${host}${target}` as `normalizeRequestUrl` writes it, for an adapter that holds the
 * parts (a target starting with "/"): the origin is checked once per host and only the target is
 * scanned, so the joined URL is neither compared nor parsed on the common path (comparing a URL's
 * prefix costs Node 20 about 80 ns). Throws the same 400 `BAD_URL` error.
 */
export function joinRequestUrl(protocol: string, host: string, target: string): string {
  const url = `${protocol}://${host}${target}`;
  if (host !== lastHost || protocol !== lastHostProtocol) {
    if (!cachedOriginIsClean(`${protocol}://${host}`)) return normalizeRequestUrl(url);
    lastHost = host;
    lastHostProtocol = protocol;
  }
  return pathIsClean(target, 0) ? url : normalizeRequestUrl(url);
}

// the host (with its protocol) joinRequestUrl last found clean
let lastHost = '';
let lastHostProtocol = '';

function cachedOriginIsClean(origin: string): boolean {
  let clean = originCache.get(origin);
  if (clean === undefined) {
    clean = originIsClean(origin);
    if (originCache.size > 256) originCache.clear();
    originCache.set(origin, clean);
  }
  return clean;
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

export { headersFromFlatList } from './lightweight-headers.js';
