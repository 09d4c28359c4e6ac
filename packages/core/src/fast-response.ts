/**
 * A fast `Response`: a lightweight class that keeps what the app gave (status, headers, a
 * string, bytes or stream body) so an adapter can read it back without going through a stream,
 * and builds the real (undici) `Response` only when the app itself touches something unusual.
 *
 * How an adapter uses it:
 *
 *     import { installFastResponse, responseParts } from '@adapt/core';
 *     installFastResponse();            // once, in the runtime entry, before the app runs
 *     const response = await app.fetch(request, context);
 *     const { status, statusText, headers, body } = responseParts(response);
 *     // headers: flat [name, value, ...], lower-case names, each Set-Cookie apart
 *     // body: string | Uint8Array | ReadableStream<Uint8Array> | null
 *
 * `responseParts` works on any Response (a real one from `fetch()`, `Response.redirect()`...),
 * so adapters need no second path. After `installFastResponse()`, `new Response(...)` makes the
 * lightweight class, `instanceof Response` holds for both kinds, and everything observable
 * (errors thrown by the constructor, `headers`, `body`, `bodyUsed`, `clone()`, the body readers,
 * `Response.json/redirect/error`) behaves like the standard class.
 */
import { Readable } from 'node:stream';
import { describeValue } from './contract.js';
import { HttpError } from './errors.js';
import { forwardToReal } from './forward.js';
import { httpToken } from './token.js';

// The standard class, captured on first use: touching globalThis.Response loads undici (~40 ms),
// which importers of @adapt/core that never answer a request (the CLI) should not pay.
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
const headersKey = Symbol('fast.headers');
const realKey = Symbol('fast.real');

const textPlain = 'text/plain;charset=UTF-8';
const reasonPhrase = /^[\t\x20-\x7e\x80-\xff]*$/;

/** The lightweight class installed as `globalThis.Response`; its name is `Response`. */
class FastResponse {
  declare [bodyKey]: FastBody;
  declare [statusKey]: number;
  declare [statusTextKey]: string;
  declare [headersKey]: string[];
  declare [realKey]: Response | undefined;

  constructor(body?: BodyInit | null, init?: ResponseInit) {
    this[realKey] = undefined;
    if (!fastInit(this, body, init)) {
      // anything unusual: the standard class does the work (and throws the standard errors)
      this[realKey] = new GlobalResponse(body, init);
      // a string body is kept for responseParts (Node 24's undici hides its own copy in private state)
      this[bodyKey] = typeof body === 'string' ? body : body instanceof URLSearchParams ? body.toString() : null;
    }
  }

  static json(data: unknown, init?: ResponseInit): Response {
    const text = JSON.stringify(data);
    if (text === undefined) return GlobalResponse.json(data, init); // throws the standard TypeError
    const headers = init?.headers;
    const hasType = headers != null && new Headers(headers).has('content-type');
    return new FastResponse(text, {
      ...init,
      headers: hasType ? headers : appendPair(headers, 'content-type', 'application/json'),
    }) as unknown as Response;
  }

  static [Symbol.hasInstance](this: unknown, value: unknown): boolean {
    // real Responses (from fetch, Response.redirect...) are Responses too; subclasses check as usual
    if (this !== FastResponse) return Function.prototype[Symbol.hasInstance].call(this, value);
    return value instanceof GlobalResponse;
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

  get bodyUsed(): boolean {
    const real = this[realKey];
    if (real) return real.bodyUsed;
    const body = this[bodyKey];
    return body instanceof ReadableStream && isDisturbed(body); // the app read or cancelled its own stream
  }
}

function appendPair(headers: HeadersInit | undefined, name: string, value: string): HeadersInit {
  if (headers == null) return [[name, value]];
  if (headers instanceof Headers) {
    const copy = new Headers(headers);
    copy.set(name, value);
    return copy;
  }
  if (Array.isArray(headers)) return [...headers, [name, value]];
  return { ...(headers as Record<string, string>), [name]: value };
}

/** The real Response behind a fast one, built once. */
function realResponse(response: FastResponse): Response {
  const existing = response[realKey];
  if (existing) return existing;
  const pairs: Array<[string, string]> = [];
  const flat = response[headersKey];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
  let body = response[bodyKey];
  // the app read, cancelled or locked the stream it gave: the standard class would refuse it now,
  // so the real one gets a stand-in in the same state (its body reads reject, as the standard's do)
  const unusable = body instanceof ReadableStream && (isDisturbed(body) ? 'disturbed' : body.locked ? 'locked' : undefined);
  if (unusable) body = new ReadableStream<Uint8Array>();
  const real = new GlobalResponse(body as BodyInit | null, {
    status: response[statusKey],
    statusText: response[statusTextKey],
    headers: pairs,
  });
  if (unusable === 'disturbed') real.body!.cancel().catch(() => {});
  else if (unusable === 'locked') real.body!.getReader();
  response[realKey] = real;
  return real;
}

let prepared = false;

/** Wires the lightweight class to the standard one, once. */
function prepare(): void {
  if (prepared) return;
  prepared = true;
  GlobalResponse = globalThis.Response;
  const sample = new GlobalResponse('');
  stateKey = Reflect.ownKeys(sample).find((key): key is symbol => typeof key === 'symbol' && key.description === 'state');
  // The rest (headers, body, clone, text, json, arrayBuffer, blob, formData, bytes) is the real
  // Response's: `headers` must be one live object, and bodies are read once.
  forwardToReal<FastResponse>(
    FastResponse.prototype,
    GlobalResponse.prototype,
    sample,
    realResponse,
    (response) => response[realKey] ?? `Response (lightweight) { status: ${response[statusKey]}, body: ${describeValue(response[bodyKey])} }`,
  );
  Object.setPrototypeOf(FastResponse, GlobalResponse);
}

Object.defineProperty(FastResponse, 'name', { value: 'Response' });

/** The lightweight Response class (named `Response`), wired to the standard one. */
export function lightweightResponseClass(): typeof Response {
  prepare();
  return FastResponse as unknown as typeof Response;
}

/** The standard Response class, as it was before `installFastResponse`. */
export function standardResponseClass(): typeof Response {
  prepare();
  return GlobalResponse;
}

/** Makes `new Response(...)` build the lightweight class everywhere in this process. Idempotent. */
export function installFastResponse(): void {
  prepare();
  if (globalThis.Response === (FastResponse as unknown)) return;
  Object.defineProperty(globalThis, 'Response', { value: FastResponse, writable: true, configurable: true, enumerable: false });
}

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
      if (body instanceof ReadableStream && (body.locked || isDisturbed(body))) throw new TypeError('Response body object should not be disturbed or locked');
      return { status: fast[statusKey], statusText: fast[statusTextKey], headers: fast[headersKey], body };
    }
    const body = fast[bodyKey];
    const parts = realParts(real);
    // the app looked at headers or built the real object, but did not touch the body
    if ((typeof body === 'string' || body instanceof Uint8Array) && !real.bodyUsed && !real.body?.locked) parts.body = body;
    return parts;
  }
  if (!(response instanceof GlobalResponse)) {
    throw new HttpError(500, 'APP_ERROR', `the app returned ${describeValue(response)} instead of a Response`);
  }
  return realParts(response);
}

function isFast(value: unknown): value is FastResponse {
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
function fastInit(target: FastResponse, body: BodyInit | null | undefined, init: ResponseInit | undefined): boolean {
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
  const headers = flatHeaders(headerInit);
  if (!headers) return false;
  if (defaultType && !hasName(headers, 'content-type')) headers.push('content-type', defaultType);
  target[statusKey] = status;
  target[statusTextKey] = statusText;
  target[headersKey] = headers;
  target[bodyKey] = fastBody;
  return true;
}

/** Validated, normalized header pairs; undefined when the standard `Headers` must decide. */
function flatHeaders(init: HeadersInit | undefined): string[] | undefined {
  const flat: string[] = [];
  if (init == null) return flat;
  if (init instanceof Headers) {
    for (const [name, value] of init) flat.push(name, value);
    return flat;
  }
  if (Array.isArray(init)) {
    for (const pair of init) {
      if (!Array.isArray(pair) || pair.length !== 2) return undefined;
      if (!addHeader(flat, pair[0], pair[1])) return undefined;
    }
    return flat;
  }
  if (typeof init !== 'object') return undefined;
  const proto = Object.getPrototypeOf(init);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const record = init as Record<string, unknown>;
  for (const name in record) {
    // for-in over a literal allocates nothing; own keys only, as the standard reads a record
    if (!Object.prototype.hasOwnProperty.call(record, name)) continue;
    if (!addHeader(flat, name, record[name])) return undefined;
  }
  // two names differing only in case would be combined by Headers
  for (let i = 0; i < flat.length; i += 2) {
    for (let j = i + 2; j < flat.length; j += 2) if (flat[i] === flat[j]) return undefined;
  }
  return flat;
}

// header names seen before, validated, to their lower-case form
const knownNames = new Map<string, string>();

function addHeader(flat: string[], name: unknown, value: unknown): boolean {
  if (typeof name !== 'string' || typeof value !== 'string') return false;
  let lower = knownNames.get(name);
  if (lower === undefined) {
    if (!httpToken.test(name)) return false;
    lower = name.toLowerCase();
    if (knownNames.size < 1024) knownNames.set(name, lower);
  }
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end--;
  for (let i = start; i < end; i++) {
    const code = value.charCodeAt(i);
    if (code === 0 || code === 10 || code === 13 || code > 0xff) return false;
  }
  flat.push(lower, start === 0 && end === value.length ? value : value.slice(start, end));
  return true;
}

function isHttpWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function hasName(flat: readonly string[], name: string): boolean {
  for (let i = 0; i < flat.length; i += 2) if (flat[i] === name) return true;
  return false;
}

/** Whether a stream was read from or cancelled (node:stream knows; the web stream API does not say). */
function isDisturbed(stream: ReadableStream): boolean {
  return Readable.isDisturbed(stream as unknown as Readable);
}
