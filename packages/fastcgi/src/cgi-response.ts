/**
 * Outgoing (Web => CGI): the response head a web server reads from a FastCGI or CGI app
 * (`Status: 200 OK`, one line per header with each Set-Cookie apart, a blank line) and the body
 * to send after it, as RFC 3875 section 6 describes.
 */
import { STATUS_CODES } from 'node:http';
import { isHopByHop, reasonPhrase, responseParts } from '@adapt/core';

export interface CgiAnswer {
  /** The head, a latin1 string (header values are byte strings). */
  head: string;
  /** What follows the head; null when nothing does (HEAD, 204, 304, an empty body). */
  body: string | Uint8Array | ReadableStream<Uint8Array> | null;
}

/**
 * The head and body of `response` for a request of `method`. A string or bytes body gets its
 * Content-Length; a stream keeps the one the app declared (the web server chunks it otherwise).
 */
export function cgiAnswer(response: Response, method: string): CgiAnswer {
  const { status, statusText, headers, body } = responseParts(response);
  const noBody = method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
  let head = `Status: ${status} ${statusText || standardReason(status)}\r\n`;
  let declaredLength: string | undefined;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i];
    if (name === 'content-length') declaredLength = headers[i + 1];
    else if (name !== 'status' && !isHopByHop(name)) head += `${name}: ${headers[i + 1]}\r\n`;
  }
  let out: CgiAnswer['body'] = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    if (status !== 204 && status !== 304) head += `content-length: ${length}\r\n`;
    if (noBody || length === 0) out = null;
  } else if (body === null || noBody) {
    if (body) void body.cancel().catch(() => {});
    out = null;
    if (status !== 204 && status !== 304) {
      if (declaredLength !== undefined && method === 'HEAD') head += `content-length: ${declaredLength}\r\n`;
      else if (body === null && method !== 'HEAD') head += 'content-length: 0\r\n';
    }
  } else if (declaredLength !== undefined) {
    head += `content-length: ${declaredLength}\r\n`;
  }
  return { head: `${head}\r\n`, body: out };
}

/** The reason phrase node:http would send for `status`. */
function standardReason(status: number): string {
  return STATUS_CODES[status] ?? reasonPhrase(status);
}
