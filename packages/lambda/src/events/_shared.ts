/**
 * What every event source shares: the request parts it produces, the answer it shapes, and the
 * small checks that turn a malformed event into a 400 instead of a crash.
 */
import { STATUS_CODES } from 'node:http';
import { appendHeader, badRequest, buildRequestUrl, decodeBase64 } from '@adapt/core';
import type { LambdaHttpResult } from '../types.js';

export type SourceName = 'apigw-v1' | 'apigw-v2' | 'function-url' | 'alb' | 'lattice-v1' | 'lattice-v2';

/** The request as read from an event, before it becomes a `Request`. */
export interface RequestInput {
  method: string;
  url: string;
  headers: Headers;
  body: Uint8Array | null;
  remoteAddress: string | undefined;
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

/** Adds single-value headers, checked (CR/LF/NUL refused, invalid names refused). */
export function addSingleHeaders(headers: Headers, record: Record<string, unknown> | undefined, skip?: Set<string>): void {
  if (!record) return;
  for (const name in record) {
    const value = record[name];
    if (value == null) continue;
    if (skip?.has(name.toLowerCase())) continue;
    appendHeader(headers, name, valueText(value, `header ${JSON.stringify(name)}`));
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
      for (const entry of item) if (entry != null) valueText(entry, `${field}.${name}`);
    } else {
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
      for (const value of values) if (value != null) appendHeader(headers, name, valueText(value, `header ${JSON.stringify(name)}`));
    } else {
      appendHeader(headers, name, valueText(values, `header ${JSON.stringify(name)}`));
    }
  }
  return seen;
}

/**
 * The request parts: the URL from the path and query as sent, its origin from Host and
 * X-Forwarded-Proto (else the platform's domain name); the body is decoded last.
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
  return { method, url, headers, body: eventBody(body, isBase64), remoteAddress: typeof remoteAddress === 'string' ? remoteAddress : undefined };
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
 * The client address for sources without their own field (ALB, Lattice): the last address of
 * X-Forwarded-For, the one the load balancer appended. Earlier entries come from the client and
 * may be forged.
 */
export function forwardedFor(headers: Headers): string | undefined {
  const value = headers.get('x-forwarded-for');
  if (!value) return undefined;
  const comma = value.lastIndexOf(',');
  return (comma === -1 ? value : value.slice(comma + 1)).trim() || undefined;
}

/** `200 OK`, the status line ALB and Lattice want in `statusDescription` (node:http is loaded already: undici uses it). */
export function statusDescription(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
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
 * cookies on commas breaks any cookie with an Expires date, so the last one is sent (the rule
 * ALB applies to repeated headers) and a warning says how to carry them all.
 */
export function lastCookie(cookies: readonly string[], source: SourceName): string | undefined {
  if (cookies.length > 1 && !warnedSingleCookie) {
    warnedSingleCookie = true;
    console.warn(
      `adapt: the app set ${cookies.length} cookies but a ${source} result in single-value mode carries one; ` +
        'only the last is sent. ' +
        (source === 'alb' ? 'Turn on "multi-value headers" in the ALB target group attributes to send them all.' : ''),
    );
  }
  return cookies.length > 0 ? cookies[cookies.length - 1] : undefined;
}
