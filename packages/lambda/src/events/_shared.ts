/**
 * What every event source shares: the request parts it produces, the answer it shapes, and the
 * small checks that turn a malformed event into a 400 instead of a crash.
 */
import { appendHeader, badRequest, buildRequestUrl, clientAddress, decodeBase64, forwardedForList, nodeHttp, trustNone, type TrustRule } from '@adapt/core';
import type { LambdaHttpResult } from '../types.js';

export type SourceName = 'apigw-v1' | 'apigw-v2' | 'function-url' | 'alb' | 'lattice-v1' | 'lattice-v2';

/** The request as read from an event, before it becomes a `Request`. */
export interface RequestInput {
  method: string;
  url: string;
  headers: Headers;
  body: Uint8Array | null;
  remoteAddress: string | undefined;
  /** The path and query as the event gave them, for Node handlers (`req.url` as sent). */
  path: string;
  query: string;
  /** True where the platform decoded the path (API Gateway HTTP APIs). */
  pathDecoded?: boolean;
}

/** The app's answer, reduced to what every result shape is built from. */
export interface Answer {
  status: number;
  /** Every header but Set-Cookie, lower-case names, repeats joined with `, `. A fresh object. */
  headers: Record<string, string>;
  cookies: string[];
  /** Text, or base64 when `isBase64Encoded`. */
  body: string;
  isBase64Encoded: boolean;
}

export interface SourceOptions {
  /** A custom-domain base path to remove from the front of every path (`/api`). */
  basePath: string;
  /** Remove an HTTP API named stage from the front of `rawPath`. */
  stripStage: boolean;
  /** The compiled `trustProxy` option: which X-Forwarded-For hops beyond the platform's own are believed. */
  trust: TrustRule;
}

/** One event source: detection, request building, result shaping. */
export interface EventSource<E = any, R extends LambdaHttpResult = LambdaHttpResult> {
  readonly name: SourceName;
  /** Cheap shape test; `createRequest` does the strict checks. */
  detect(event: any): boolean;
  createRequest(event: E, options: SourceOptions): RequestInput;
  createResult(answer: Answer, event: E): R;
}

/** Throws a 400 naming the field unless `value` is a string. (The log line names the source.) */
export function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw badRequest('BAD_REQUEST', `the event has no valid ${field} (got ${value === null ? 'null' : typeof value})`);
  return value;
}

/** Throws a 400 unless `value` is a plain object, null or undefined. */
export function optionalRecord<T>(value: unknown, field: string): T | undefined {
  if (value == null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('BAD_REQUEST', `the event's ${field} is not an object`);
  return value as T;
}

/** The event body as bytes: base64 decoded strictly, text as UTF-8. */
export function eventBody(body: unknown, isBase64: unknown): Uint8Array | null {
  if (body == null || body === '') return null;
  if (typeof body !== 'string') throw badRequest('BAD_BODY', "the event's body is not a string");
  if (isBase64 === true) return decodeBase64(body);
  const buffer = Buffer.from(body, 'utf8');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** A header or parameter value as text; anything but a string, number or boolean is a 400. */
export function valueText(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badRequest('BAD_REQUEST', `${what} is ${Array.isArray(value) ? 'an array' : typeof value}, not text`);
}

/** A header's value as text (see valueText); the message naming the header is made only for a 400. */
function headerText(value: unknown, name: string): string {
  return typeof value === 'string' ? value : valueText(value, `header ${JSON.stringify(name)}`);
}

/** Adds single-value headers, checked (CR/LF/NUL refused, invalid names refused). */
export function addSingleHeaders(headers: Headers, record: Record<string, unknown> | undefined, skip?: Set<string>): void {
  if (!record) return;
  for (const name in record) {
    const value = record[name];
    if (value == null) continue;
    if (skip?.has(name.toLowerCase())) continue;
    appendHeader(headers, name, headerText(value, name));
  }
}

/**
 * Query parameters checked before they are joined: values are text (or arrays of text where
 * `multi`), so a malformed event is a 400, not a crash. Returns the record typed.
 */
export function paramRecord<T extends Record<string, any> = Record<string, any>>(value: unknown, field: string, multi: boolean): T | undefined {
  const record = optionalRecord<Record<string, unknown>>(value, field);
  if (!record) return undefined;
  for (const name in record) {
    const item = record[name];
    if (item == null) continue;
    if (Array.isArray(item) && multi) {
      for (const entry of item) if (entry != null && typeof entry !== 'string') valueText(entry, `${field}.${name}`);
    } else if (typeof item !== 'string') {
      valueText(item, `${field}.${name}`);
    }
  }
  return record as T;
}

/** Adds multi-value headers, checked; returns the lower-cased names it saw. */
export function addMultiHeaders(headers: Headers, record: Record<string, unknown> | undefined): Set<string> {
  const seen = new Set<string>();
  if (!record) return seen;
  for (const name in record) {
    const values = record[name];
    if (values == null) continue;
    seen.add(name.toLowerCase());
    if (Array.isArray(values)) {
      for (const value of values) if (value != null) appendHeader(headers, name, headerText(value, name));
    } else {
      appendHeader(headers, name, headerText(values, name));
    }
  }
  return seen;
}

/**
 * The request parts: the URL from the path and query as sent, its origin from Host and
 * X-Forwarded-Proto (else the platform's domain name); the body is decoded last, and
 * Content-Length made to match it.
 */
export function requestInput(
  method: string,
  headers: Headers,
  path: string,
  query: string,
  domainName: unknown,
  remoteAddress: unknown,
  body: unknown,
  isBase64: unknown,
): RequestInput {
  const url = buildRequestUrl({ protocol: forwardedProtocol(headers), host: requestHost(headers, domainName), path, query });
  const bytes = eventBody(body, isBase64);
  matchLength(headers, bytes);
  return { method, url, headers, body: bytes, remoteAddress: typeof remoteAddress === 'string' ? remoteAddress : undefined, path, query };
}

/**
 * The event holds the whole body, already decoded: the app must see its real length. A
 * Content-Length the client understated (or overstated) is replaced, a missing one added, and
 * Transfer-Encoding dropped (its framing is gone); without a body a declared length becomes 0.
 * Body limits, parsers and Node handlers (through fromNodeHandler) read this header.
 */
function matchLength(headers: Headers, body: Uint8Array | null): void {
  if (headers.has('transfer-encoding')) headers.delete('transfer-encoding');
  if (body !== null) headers.set('content-length', String(body.byteLength));
  else if (headers.has('content-length')) headers.set('content-length', '0');
}

/** `https` unless X-Forwarded-Proto says `http`. */
export function forwardedProtocol(headers: Headers): string {
  const proto = headers.get('x-forwarded-proto');
  if (proto === null) return 'https';
  const first = proto.split(',')[0].trim().toLowerCase();
  return first === 'http' ? 'http' : 'https';
}

/** Host header, else the platform's domain name, else `localhost`. */
export function requestHost(headers: Headers, domainName: unknown): string {
  return headers.get('host') ?? (typeof domainName === 'string' && domainName ? domainName : 'localhost');
}

/** Removes `prefix` (a path like `/api`) from the front of `path` at a segment boundary. */
export function stripPrefix(path: string, prefix: string): string {
  if (!prefix || prefix === '/') return path;
  if (path === prefix) return '/';
  if (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47 /* / */) return path.slice(prefix.length);
  return path;
}

/**
 * The client address for sources without their own field (ALB, Lattice): the platform appends
 * the address it saw to X-Forwarded-For, so that last entry is the peer (hop 0, the platform
 * itself being trusted); earlier entries count only as far as `trust` (core's client-address
 * rule) believes the hops.
 */
export function forwardedClient(headers: Headers, trust: TrustRule): string | undefined {
  const entries = forwardedForList(headers.get('x-forwarded-for'));
  const peer = entries.pop();
  return clientAddress(peer, entries, trust);
}

/**
 * The client address for sources that report it (API Gateway, Function URLs: `sourceIp`, the
 * address the platform saw). The platform also appends it to X-Forwarded-For: only the entries
 * left of it are hops in front, walked as far as `trust` believes them.
 */
export function reportedClient(sourceIp: unknown, headers: Headers, trust: TrustRule): string | undefined {
  if (typeof sourceIp !== 'string' || !sourceIp) return undefined;
  if (trust === trustNone) return sourceIp;
  const entries = forwardedForList(headers.get('x-forwarded-for'));
  const own = entries.lastIndexOf(sourceIp);
  return clientAddress(sourceIp, own === -1 ? entries : entries.slice(0, own), trust);
}

/** `200 OK`, the status line ALB and Lattice want in `statusDescription` (from node:http, taken without an ESM import). */
export function statusDescription(status: number): string {
  return `${status} ${nodeHttp().STATUS_CODES[status] ?? 'Unknown'}`;
}

/** A multi-value record, each cookie its own entry. */
export function multiHeaders(headers: Record<string, string>, cookies: readonly string[]): Record<string, string[]> {
  const record: Record<string, string[]> = {};
  for (const name in headers) record[name] = [headers[name]];
  if (cookies.length > 0) record['set-cookie'] = [...cookies];
  return record;
}

let warnedSingleCookie = false;

/**
 * Single-value results (ALB without multi-value headers, Lattice) hold one Set-Cookie. Joining
 * cookies on commas breaks any cookie with an Expires date, so the first one is sent whole (apps
 * and frameworks set the session cookie first; the rival adapters' suites expect it), and a
 * warning, once per instance, says how to carry them all.
 */
export function firstCookie(cookies: readonly string[], source: SourceName): string | undefined {
  if (cookies.length > 1 && !warnedSingleCookie) {
    warnedSingleCookie = true;
    console.warn(
      `adapt: the app set ${cookies.length} cookies but a ${source} result carries one Set-Cookie; ` +
        'only the first is sent. ' +
        (source === 'alb'
          ? 'Turn on "multi-value headers" in the ALB target group attributes to send them all.'
          : 'VPC Lattice documents one string per response header: set one cookie per response, or put the service behind a Function URL, API Gateway or ALB with multi-value headers.'),
    );
  }
  return cookies.length > 0 ? cookies[0] : undefined;
}
