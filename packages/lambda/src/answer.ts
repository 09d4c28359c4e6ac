/**
 * Outgoing (Web => AWS): a `Response` reduced to status, headers, cookies and an encoded body.
 * Binary bodies go base64 by core's rule, text stays text; content-length is recomputed;
 * 204, 304 and HEAD carry no body.
 */
import { HttpError, describeValue, encodeBase64, hopByHopHeaders, isBinaryBody, type BinaryRuleOptions } from '@adapt/core';
import { isUtf8 } from 'node:buffer';
import type { Answer } from './events/_shared.js';
import { readResponseBody, responseBodySource } from './response-body.js';

/** Lambda's limit for a buffered (non-streamed) response, in bytes of JSON. */
export const BUFFERED_RESPONSE_LIMIT = 6 * 1024 * 1024;

export interface AnswerOptions extends BinaryRuleOptions {
  /** Largest JSON result accepted, in bytes; larger bodies need streaming. */
  limit: number;
}

/** Throws a 502 `BAD_RESPONSE` error unless `value` is a Response. */
export function assertResponse(value: unknown): Response {
  if (value instanceof Response) return value;
  throw new HttpError(
    502,
    'BAD_RESPONSE',
    `the app returned ${describeValue(value)} instead of a Response; return new Response(body, { status, headers }) from fetch`,
  );
}

/** True when this status or method forbids a body. */
export function isBodyless(status: number, method: string): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200) || method === 'HEAD';
}

/** Status, headers (minus hop-by-hop, Set-Cookie and content-length) and cookies. */
export function answerHead(response: Response): { status: number; headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  let hasCookie = false;
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie') hasCookie = true;
    else if (name !== 'content-length' && !hopByHopHeaders.has(name)) headers[name] = value;
  });
  return { status: response.status, headers, cookies: hasCookie ? response.headers.getSetCookie() : [] };
}

/** Reads the whole answer for a buffered result. */
export async function createAnswer(response: Response, method: string, options: AnswerOptions): Promise<Answer> {
  const head = answerHead(response);
  const { status, headers } = head;
  if (isBodyless(status, method)) {
    if (method === 'HEAD' && status !== 204 && status !== 304) {
      const declared = response.headers.get('content-length');
      if (declared !== null && /^\d+$/.test(declared)) headers['content-length'] = declared;
    }
    if (response.body && !response.bodyUsed) response.body.cancel().catch(() => {});
    return { ...head, body: '', isBase64Encoded: false };
  }
  const binary = isBinaryBody(headers['content-type'], headers['content-encoding'], options);
  const source = responseBodySource(response);
  let body: string;
  let isBase64Encoded = false;
  let length: number;
  if (typeof source === 'string' && !binary) {
    body = source;
    length = Buffer.byteLength(source);
  } else {
    const bytes = typeof source === 'string' ? Buffer.from(source) : source ?? (await readResponseBody(response, options.limit, (n) => tooLargeForBuffered(n, options.limit)));
    length = bytes.byteLength;
    if (!binary && isUtf8(bytes)) {
      body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    } else {
      body = encodeBase64(bytes);
      isBase64Encoded = true;
    }
  }
  if (body.length > options.limit) throw tooLargeForBuffered(length, options.limit);
  headers['content-length'] = String(length);
  return { ...head, body, isBase64Encoded };
}

export function tooLargeForBuffered(length: number, limit: number): HttpError {
  return new HttpError(
    502,
    'BAD_RESPONSE',
    `the response body (${length > limit ? `${length} bytes` : `over ${limit} bytes once encoded`}) is over the ${Math.round(limit / 1048576)} MB ` +
      'that a buffered Lambda response can hold. Enable response streaming: toLambdaHandler(app, { streaming: true }) ' +
      'behind a Function URL with invoke mode RESPONSE_STREAM (or a REST API with response transfer mode STREAM), ' +
      'or return a smaller body.',
  );
}
