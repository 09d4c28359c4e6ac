/**
 * Outgoing (Web => AWS): a `Response` reduced to status, headers, cookies and an encoded body.
 * Binary bodies go base64 by core's rule, text stays text; content-length is recomputed;
 * 204, 304 and HEAD carry no body. Bodies made from a string or bytes are read back through
 * core's responseParts without any stream.
 */
import { HttpError, describeValue, encodeBase64, isBinaryBody, isHopByHop, readBody, responseParts, type BinaryRuleOptions } from '@adapt/core';
import type { Answer } from './events/_shared.js';

// node:buffer's own exports, not its ESM namespace (which reads Blob and File: more modules to load at a cold start)
const { isUtf8 } = process.getBuiltinModule('node:buffer') as typeof import('node:buffer');

/** Lambda's limit for a buffered (non-streamed) response, in bytes of JSON. */
export const BUFFERED_RESPONSE_LIMIT = 6 * 1024 * 1024;

export interface AnswerOptions extends BinaryRuleOptions {
  /** Largest JSON result accepted, in bytes; larger bodies need streaming. */
  limit: number;
}

export interface AnswerHead {
  status: number;
  /** Lower-case names, repeats joined with `, `; no Set-Cookie, content-length or hop-by-hop header. */
  headers: Record<string, string>;
  cookies: string[];
  body: string | Uint8Array | ReadableStream<Uint8Array> | null;
}

/** Throws a 502 `BAD_RESPONSE` error unless `value` is a Response. */
export function assertResponse(value: unknown): Response {
  if (value instanceof Response) return value;
  throw new HttpError(502, 'BAD_RESPONSE', `the app returned ${describeValue(value)} instead of a Response; return new Response(body, { status, headers }) from fetch`);
}

/** True when this status or method forbids a body. */
export function isBodyless(status: number, method: string): boolean {
  return status === 204 || status === 304 || status < 200 || method === 'HEAD';
}

/** Status, headers, cookies and the body as the app gave it. */
export function answerHead(response: Response): AnswerHead {
  const parts = responseParts(response);
  const flat = parts.headers;
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i];
    const value = flat[i + 1];
    if (name === 'set-cookie') cookies.push(value);
    else if (name === 'content-length' || isHopByHop(name)) continue;
    else headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { status: parts.status, headers, cookies, body: parts.body };
}

/** Drops a body that will not be sent (its stream, if any, is cancelled). */
export function discardBody(body: AnswerHead['body']): void {
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) return; // (reading the ReadableStream global would load web streams)
  if (!body.locked) body.cancel().catch(() => {});
}

/** Reads the whole answer for a buffered result. */
export async function createAnswer(response: Response, method: string, options: AnswerOptions): Promise<Answer> {
  const head = answerHead(response);
  return answerAtOnce(head, response, method, options) ?? streamAnswer(head, options);
}

/**
 * The buffered answer when nothing needs reading (the body is a string, bytes or none, or is not
 * sent); undefined when the body is a stream to read first (`streamAnswer`).
 */
export function answerAtOnce(head: AnswerHead, response: Response, method: string, options: AnswerOptions): Answer | undefined {
  const { status, headers, cookies } = head;
  if (isBodyless(status, method)) {
    discardBody(head.body);
    if (method === 'HEAD' && status !== 204 && status !== 304) {
      // HEAD describes the GET answer: the app's length is kept, when it gave a valid one
      const declared = response.headers.get('content-length');
      if (declared !== null && /^\d+$/.test(declared)) headers['content-length'] = declared;
    }
    return { status, headers, cookies, body: '', isBase64Encoded: false };
  }
  const body = head.body;
  // (no `instanceof ReadableStream` here: the first read of that global loads Node's web streams)
  return body === null || typeof body === 'string' || body instanceof Uint8Array ? bodyAnswer(head, body ?? new Uint8Array(0), options) : undefined;
}

/** The buffered answer of a stream body, once read. */
export async function streamAnswer(head: AnswerHead, options: AnswerOptions): Promise<Answer> {
  return bodyAnswer(head, await readStream(head.body as ReadableStream<Uint8Array>, options.limit), options);
}

function bodyAnswer(head: AnswerHead, source: string | Uint8Array, options: AnswerOptions): Answer {
  const { status, headers, cookies } = head;
  const binary = isBinaryBody(headers['content-type'], headers['content-encoding'], options);
  let body: string;
  let isBase64Encoded = false;
  let length: number;
  if (typeof source === 'string' && !binary) {
    body = source;
    length = Buffer.byteLength(source);
  } else {
    const bytes = typeof source === 'string' ? Buffer.from(source) : source;
    length = bytes.byteLength;
    if (!binary && isUtf8(bytes)) {
      body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    } else {
      body = encodeBase64(bytes);
      isBase64Encoded = true;
    }
  }
  if (body.length > options.limit) throw tooLargeForBuffered(options.limit);
  headers['content-length'] = String(length);
  return { status, headers, cookies, body, isBase64Encoded };
}

async function readStream(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  try {
    return await readBody(stream, { limit });
  } catch (error) {
    if (error instanceof HttpError && error.status === 413) throw tooLargeForBuffered(limit);
    throw error;
  }
}

/** The 502 for a body a buffered result cannot hold; it says how to send it instead. */
export function tooLargeForBuffered(limit: number): HttpError {
  return new HttpError(
    502,
    'BAD_RESPONSE',
    `the response body is over the ${(limit / 1048576).toFixed(limit % 1048576 === 0 ? 0 : 2)} MB that a buffered Lambda response can hold ` +
      '(base64 adds a third for binary bodies). Enable response streaming: toLambdaHandler(app, { streaming: true }) ' +
      'behind a Function URL with invoke mode RESPONSE_STREAM (or a REST API with response transfer mode STREAM), ' +
      'or return a smaller body.',
  );
}
