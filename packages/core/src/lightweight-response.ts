/**
 * A fast `Response`: a lightweight class that keeps what the app gave (status, headers, a
 * string, bytes or stream body) so an adapter can read it back without going through a stream,
 * and builds the real (undici) `Response` only when the app itself touches something unusual.
 *
 * How an adapter uses it:
 *
 *     import { installLightweightResponse, responseParts } from '@adapt/core';
 *     installLightweightResponse();            // once, in the runtime entry, before the app runs
 *     const response = await app.fetch(request, context);
 *     const { status, statusText, headers, body } = responseParts(response);
 *     // headers: flat [name, value, ...], lower-case names, each Set-Cookie apart
 *     // body: string | Uint8Array | ReadableStream<Uint8Array> | null
 *
 * `responseParts` works on any Response (a real one from `fetch()`, `Response.redirect()`...),
 * so adapters need no second path. After `installLightweightResponse()`, `new Response(...)` makes the
 * lightweight class (and `new Headers(...)` core's lightweight Headers), `instanceof Response`
 * holds for both kinds, and everything observable (errors thrown by the constructor, `headers`,
 * `body`, `bodyUsed`, `clone()`, the body readers, `Response.json/redirect/error`) behaves like
 * the standard class. `headers` is a lightweight Headers over the response's own list (immutable
 * after `Response.redirect`, as the standard's); `Response.json` and `Response.redirect` are
 * answered without undici. Undici is loaded only when the app reads its own response's body,
 * clones it, or gives something unusual (a Blob, FormData, a real Headers...).
 */
import type { Readable } from 'node:stream';
import { describeValue } from './contract.js';
import { HttpError } from './errors.js';
import { defineInspect, forwardByName, forwardToReal } from './forward.js';
import { fillList, headerList, headersForwardingTo, headersOver, installLightweightHeaders, isLightweightHeaders, switchToReal } from './lightweight-headers.js';
import { installLightweightRequest } from './lightweight-request.js';
import { installGlobal, installGlobalsTogether, onStandardLoad, standardClasses, undiciLoaded } from './standard-classes.js';

// The standard class, known once undici is loaded (standard-classes.ts): loading it costs
// 45-65 ms, which an app using only what the lightweight classes answer never pays.
let GlobalResponse: typeof Response;
let stateKey: symbol | undefined;

export interface ResponseParts {
  status: number;
  statusText: string;
  /** Flat `[name, value, name, value...]`: lower-case names, each Set-Cookie its own entry. */
  headers: string[];
  body: string | Uint8Array | ReadableStream<Uint8Array> | null;
}

type FastBody = string | Uint8Array | ReadableStream<Uint8Array> | null;

const bodyKey = Symbol('fast.body');
const statusKey = Symbol('fast.status');
const statusTextKey = Symbol('fast.statusText');
const listKey = Symbol('fast.list');
const headersKey = Symbol('fast.headers');
const immutableKey = Symbol('fast.immutable');
const realKey = Symbol('fast.real');

const textPlain = 'text/plain;charset=UTF-8';
const reasonPhrase = /^[\t\x20-\x7e\x80-\xff]*$/;

/** The lightweight class installed as `globalThis.Response`; its name is `Response`. */
class LightweightResponse {
  declare [bodyKey]: FastBody;
  declare [statusKey]: number;
  declare [statusTextKey]: string;
  /** The header list (flat, lower-case names), shared with the lightweight `headers` once read. */
  declare [listKey]: string[];
  declare [headersKey]: Headers | undefined;
  declare [immutableKey]: boolean;
  declare [realKey]: Response | undefined;

  constructor(body?: BodyInit | null, init?: ResponseInit) {
    this[realKey] = undefined;
    this[headersKey] = undefined;
    this[immutableKey] = false;
    if (!fastInit(this, body, init)) {
      // anything unusual: the standard class does the work (and throws the standard errors)
      this[realKey] = new (load())(body, init);
      // a string body is kept for responseParts (Node 24's undici hides its own copy in private state)
      this[bodyKey] = typeof body === 'string' ? body : body instanceof URLSearchParams ? body.toString() : null;
      this[listKey] = [];
    }
  }

  static json(data: unknown, init?: ResponseInit): Response {
    const text = JSON.stringify(data);
    if (text !== undefined) {
      const response = new LightweightResponse(null, init);
      const status = response[statusKey];
      if (!response[realKey] && status !== 204 && status !== 205 && status !== 304) {
        response[bodyKey] = text;
        if (!hasName(response[listKey], 'content-type')) response[listKey].push('content-type', 'application/json');
        return response as unknown as Response;
      }
    }
    return load().json(data, init); // the standard's answer or its TypeError
  }

  static redirect(url: string | URL, status?: number): Response {
    if (typeof url === 'string' && (status === undefined || status === 301 || status === 302 || status === 303 || status === 307 || status === 308)) {
      let location: string | undefined;
      try {
        location = new URL(url).href;
      } catch {
        location = undefined; // relative or invalid: the standard says what happens
      }
      if (location !== undefined) {
        const response = new LightweightResponse(null, { status: status ?? 302 });
        response[listKey].push('location', location);
        response[immutableKey] = true;
        return response as unknown as Response;
      }
    }
    return load().redirect(url, status);
  }

  static error(): Response {
    return load().error();
  }

  static [Symbol.hasInstance](this: unknown, value: unknown): boolean {
    // real Responses (from fetch, Response.error...) are Responses too; subclasses check as usual
    if (this !== LightweightResponse) return Function.prototype[Symbol.hasInstance].call(this, value);
    return isFast(value) || (undiciLoaded() && value instanceof standardClasses().Response);
  }

  get status(): number {
    const real = this[realKey];
    return real ? real.status : this[statusKey];
  }

  get statusText(): string {
    const real = this[realKey];
    return real ? real.statusText : this[statusTextKey];
  }

  get ok(): boolean {
    const status = this.status;
    return status >= 200 && status <= 299;
  }

  get type(): ResponseType {
    const real = this[realKey];
    return real ? real.type : 'default';
  }

  get url(): string {
    const real = this[realKey];
    return real ? real.url : '';
  }

  get redirected(): boolean {
    const real = this[realKey];
    return real ? real.redirected : false;
  }

  get headers(): Headers {
    if (!isFast(this)) return standardGetter('headers', this);
    const own = this[headersKey];
    if (own) return own;
    const real = this[realKey];
    return (this[headersKey] = real ? headersForwardingTo(real.headers) : headersOver(this[listKey], this[immutableKey]));
  }

  get bodyUsed(): boolean {
    const real = this[realKey];
    if (real) return real.bodyUsed;
    const body = this[bodyKey];
    return isStream(body) && isDisturbed(body); // the app read or cancelled its own stream
  }
}

function standardGetter(name: string, self: unknown): any {
  return Object.getOwnPropertyDescriptor(load().prototype, name)!.get!.call(self);
}

/** Loads undici (once) and returns the standard Response class. */
function load(): typeof Response {
  return standardClasses().Response;
}

/** The real Response behind a fast one, built once; the lightweight headers forward to its own. */
function realResponse(response: LightweightResponse): Response {
  if (!isFast(response)) throw new TypeError('Illegal invocation');
  const existing = response[realKey];
  if (existing) return existing;
  const light = response[headersKey];
  const flat = light ? headerList(light) : response[listKey];
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
  let body = response[bodyKey];
  // the app read, cancelled or locked the stream it gave: the standard class would refuse it now,
  // so the real one gets a stand-in in the same state (its body reads reject, as the standard's do)
  const unusable = isStream(body) && (isDisturbed(body) ? 'disturbed' : body.locked ? 'locked' : undefined);
  if (unusable) body = new ReadableStream<Uint8Array>();
  const Standard = load();
  const real = response[immutableKey]
    ? Standard.redirect(flat[flat.indexOf('location') + 1], response[statusKey])
    : new Standard(body as BodyInit | null, { status: response[statusKey], statusText: response[statusTextKey], headers: pairs });
  if (unusable === 'disturbed') real.body!.cancel().catch(() => {});
  else if (unusable === 'locked') real.body!.getReader();
  if (light && isLightweightHeaders(light)) switchToReal(light, real.headers);
  response[realKey] = real;
  return real;
}

/** The standard members the lightweight class hands to the real Response ("get " marks a getter). */
const responseMembers = ['get body', 'clone', 'blob', 'arrayBuffer', 'text', 'json', 'formData', 'bytes'];

let prepared = false;

/** Gives the lightweight class its forwarders, once, without loading undici. */
function prepare(): void {
  if (prepared) return;
  prepared = true;
  forwardByName<LightweightResponse>(LightweightResponse.prototype, responseMembers, realResponse);
  Object.defineProperty(LightweightResponse.prototype, Symbol.toStringTag, { value: 'Response', configurable: true });
  defineInspect<LightweightResponse>(LightweightResponse.prototype, inspectResponse);
}

function inspectResponse(response: LightweightResponse): unknown {
  return response[realKey] ?? `Response (lightweight) { status: ${response[statusKey]}, body: ${describeValue(response[bodyKey])} }`;
}

// The rest (body, clone, text, json, arrayBuffer, blob, formData, bytes) is the real Response's,
// once undici is loaded: bodies are read once.
onStandardLoad((standard) => {
  GlobalResponse = standard.Response;
  const sample = new GlobalResponse('');
  stateKey = Reflect.ownKeys(sample).find((key): key is symbol => typeof key === 'symbol' && key.description === 'state');
  forwardToReal<LightweightResponse>(LightweightResponse.prototype, GlobalResponse.prototype, sample, realResponse, inspectResponse);
  Object.setPrototypeOf(LightweightResponse, GlobalResponse);
});

Object.defineProperty(LightweightResponse, 'name', { value: 'Response' });
Object.defineProperty(LightweightResponse, 'length', { value: 0 });

/** The lightweight Response class (named `Response`), wired to the standard one. */
export function lightweightResponseClass(): typeof Response {
  prepare();
  return LightweightResponse as unknown as typeof Response;
}

/** The standard Response class, as it was before `installLightweightResponse`. */
export function standardResponseClass(): typeof Response {
  prepare();
  return load();
}

/**
 * Makes `new Response(...)` build the lightweight class everywhere in this process, and installs
 * the lightweight `Headers` and `Request` (with `fetch` to match) at the same time, in one go.
 * Idempotent.
 */
export function installLightweightResponse(): void {
  prepare();
  if (installed) return; // (reading globalThis.Response would load undici)
  installed = true;
  installGlobalsTogether(() => {
    installLightweightHeaders();
    installLightweightRequest();
    installGlobal('Response', LightweightResponse);
  });
}

let installed = false;

/**
 * What an adapter sends for `response`: status, headers, and the body as the app gave it when it
 * was a string or bytes (no stream involved), else the body stream. Throws a 500 `APP_ERROR`
 * error when `response` is not a Response, and the standard TypeError when its body was used.
 */
export function responseParts(response: Response): ResponseParts {
  prepare();
  if (isFast(response)) {
    const fast = response;
    const real = fast[realKey];
    if (!real) {
      const body = fast[bodyKey];
      if (isStream(body) && (body.locked || isDisturbed(body))) throw new TypeError('Response body object should not be disturbed or locked');
      const light = fast[headersKey];
      return { status: fast[statusKey], statusText: fast[statusTextKey], headers: light ? headerList(light) : fast[listKey], body };
    }
    const body = fast[bodyKey];
    const parts = realParts(real);
    // the app looked at headers or built the real object, but did not touch the body
    if ((typeof body === 'string' || body instanceof Uint8Array) && !real.bodyUsed && !real.body?.locked) parts.body = body;
    return parts;
  }
  // not a fast one: a real Response exists only once undici is loaded (so this costs nothing then)
  if (!(response instanceof load())) {
    throw new HttpError(500, 'APP_ERROR', `the app returned ${describeValue(response)} instead of a Response`);
  }
  return realParts(response);
}

function isFast(value: unknown): value is LightweightResponse {
  return typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, realKey);
}

function realParts(real: Response): ResponseParts {
  if (real.bodyUsed) throw new TypeError('Response body object should not be disturbed or locked');
  const headers: string[] = [];
  // A Response from fetch() (an app proxying) holds a body fetch already decompressed, under the
  // upstream's content-encoding and content-length: passed on, the client would decode it twice.
  const decoded = real.url !== '' && decodedByFetch.test(real.headers.get('content-encoding') ?? '');
  for (const [name, value] of real.headers) {
    if (decoded && (name === 'content-encoding' || name === 'content-length')) continue;
    headers.push(name, value);
  }
  let body: FastBody = real.body;
  if (body) {
    if (body.locked) throw new TypeError('Response body object should not be disturbed or locked');
    // a string or bytes given to the real constructor are still there, unread
    const source = stateKey ? (real as unknown as Record<symbol, { body?: { source?: unknown } }>)[stateKey]?.body?.source : undefined;
    if (typeof source === 'string' || source instanceof Uint8Array) body = source;
  }
  return { status: real.status, statusText: real.statusText, headers, body };
}

/** The content codings undici's fetch() decodes (every coding of a list must be one of them). */
const decodedByFetch = /^\s*(?:x-gzip|gzip|deflate|br|zstd)\s*(?:,\s*(?:x-gzip|gzip|deflate|br|zstd)\s*)*$/i;

/** Fills `target` with the fast form of a constructor call; false when the standard class must handle it. */
function fastInit(target: LightweightResponse, body: BodyInit | null | undefined, init: ResponseInit | undefined): boolean {
  let status = 200;
  let statusText = '';
  let headerInit: HeadersInit | undefined;
  if (init != null) {
    if (typeof init !== 'object') return false;
    const proto = Object.getPrototypeOf(init);
    if (proto !== Object.prototype && proto !== null) return false;
    if (init.status !== undefined) {
      status = init.status;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) return false;
    }
    if (init.statusText !== undefined) {
      statusText = init.statusText;
      if (typeof statusText !== 'string' || !reasonPhrase.test(statusText)) return false;
    }
    headerInit = init.headers;
  }
  let fastBody: FastBody;
  let defaultType: string | undefined;
  if (body == null) {
    fastBody = null;
  } else if (typeof body === 'string') {
    fastBody = body;
    defaultType = textPlain;
  } else if (body instanceof Uint8Array) {
    fastBody = new Uint8Array(body); // the standard copies the bytes too
  } else if (body instanceof ArrayBuffer) {
    fastBody = new Uint8Array(body.slice(0));
  } else if (body instanceof ReadableStream) {
    if (body.locked || isDisturbed(body)) return false; // the standard throws a TypeError
    fastBody = body as ReadableStream<Uint8Array>;
  } else {
    return false;
  }
  if (fastBody !== null && (status === 204 || status === 205 || status === 304)) return false;
  const headers: string[] = [];
  if (headerInit !== undefined && !fillList(headers, headerInit)) return false;
  if (defaultType && !hasName(headers, 'content-type')) headers.push('content-type', defaultType);
  target[statusKey] = status;
  target[statusTextKey] = statusText;
  target[listKey] = headers;
  target[bodyKey] = fastBody;
  return true;
}

function hasName(flat: readonly string[], name: string): boolean {
  for (let i = 0; i < flat.length; i += 2) if (flat[i] === name) return true;
  return false;
}

/** Whether a body is a stream (a string or bytes never touch the ReadableStream global, which Node loads on first use). */
function isStream(body: FastBody): body is ReadableStream<Uint8Array> {
  return typeof body === 'object' && body !== null && !(body instanceof Uint8Array) && body instanceof ReadableStream;
}

// node:stream, taken on first use (a cold start that answers a string never needs it)
let streamModule: typeof import('node:stream') | undefined;

/** Whether a stream was read from or cancelled (node:stream knows; the web stream API does not say). */
function isDisturbed(stream: ReadableStream): boolean {
  streamModule ??= process.getBuiltinModule('node:stream') as typeof import('node:stream');
  return streamModule.Readable.isDisturbed(stream as unknown as Readable);
}
