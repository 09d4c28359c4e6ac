/** Outgoing (Web => Node): writes a `Response` to `ServerResponse`, streaming with backpressure. */
import type { ServerResponse } from 'node:http';
import { isHopByHop, logError, responseParts, type ResponseParts } from '@adapt/core';

/**
 * Sends `response` on `res`. String and byte bodies go out in one write with Content-Length; a
 * stream is written chunk by chunk, reading the next chunk only once the socket has taken the
 * last. Resolves when the answer is complete or the client went away.
 */
export function writeResponse(response: Response, res: ServerResponse, method: string, closing: boolean): Promise<void> | undefined {
  return writeParts(responseParts(response), res, method, closing);
}

export function writeParts(parts: ResponseParts, res: ServerResponse, method: string, closing: boolean): Promise<void> | undefined {
  const { status, body } = parts;
  if (typeof body === 'string' && !closing && method !== 'HEAD' && status !== 204 && status !== 304 && plainHead(parts.headers)) {
    // the common answer: the app's own header list, with Content-Length added for the call only
    const flat = parts.headers;
    flat.push('content-length', String(Buffer.byteLength(body)));
    try {
      writeHead(res, status, parts.statusText, flat);
    } finally {
      flat.pop();
      flat.pop();
    }
    res.end(body);
    return undefined;
  }
  const { head, declaredLength } = outgoingHeaders(parts.headers, closing);
  const noBody = method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    if (status !== 204 && status !== 304) head.push('content-length', String(length));
    writeHead(res, status, parts.statusText, head);
    if (noBody) res.end();
    else res.end(body);
    return undefined;
  }
  if (body === null || noBody) {
    if (body) void body.cancel().catch(() => {});
    if (status !== 204 && status !== 304) {
      // HEAD keeps the length the app declared; an empty body is 0
      if (declaredLength !== undefined && method === 'HEAD') head.push('content-length', declaredLength);
      else if (body === null && method !== 'HEAD') head.push('content-length', '0');
    }
    writeHead(res, status, parts.statusText, head);
    res.end();
    return undefined;
  }
  if (declaredLength !== undefined) head.push('content-length', declaredLength);
  writeHead(res, status, parts.statusText, head);
  return pump(body, res);
}

function writeHead(res: ServerResponse, status: number, statusText: string, head: string[]): void {
  if (statusText) res.writeHead(status, statusText, head);
  else res.writeHead(status, head);
}

/** True when no header needs dropping or replacing before Node sends the list. */
function plainHead(flat: readonly string[]): boolean {
  for (let i = 0; i < flat.length; i += 2) {
    if (flat[i] === 'content-length' || isHopByHop(flat[i])) return false;
  }
  return true;
}

/**
 * The app's headers for Node: core's hop-by-hop ones dropped; Connection: close while shutting
 * down. Content-Length is taken out too and returned apart: a stream or a HEAD answer keeps the
 * one the app declared; a string or bytes body gets its real length instead.
 */
function outgoingHeaders(flat: readonly string[], closing: boolean): { head: string[]; declaredLength: string | undefined } {
  const head: string[] = [];
  let declaredLength: string | undefined;
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i];
    if (name === 'content-length') declaredLength = flat[i + 1];
    else if (!isHopByHop(name)) head.push(name, flat[i + 1]);
  }
  if (closing) head.push('connection', 'close');
  return { head, declaredLength };
}

/**
 * Copies a web stream to the socket: the next chunk is read once the socket took the last one
 * (at once, or on 'drain'). The stream's own queue reads ahead meanwhile (its high-water mark), so
 * at most that much waits in memory beyond what Node has buffered. Callbacks rather than awaits:
 * one promise per chunk, the read's own.
 */
function pump(body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  const reader = body.getReader();
  return new Promise<void>((resolve) => {
    let finished = false;
    const finish = () => {
      finished = true;
      res.off('close', onClose);
      res.off('drain', readNext);
      resolve();
    };
    const onClose = () => {
      if (finished || res.writableFinished) return;
      finish();
      void reader.cancel(new Error('the client closed the connection')).catch(noop); // ends a pending read
    };
    const fail = (error: unknown) => {
      if (finished) return;
      finish();
      // the head is out, so no error status can follow: log one line and cut the connection
      logError('response stream failed', error);
      void reader.cancel(error).catch(noop);
      res.destroy();
    };
    const write = (result: ReadableStreamReadResult<Uint8Array>) => {
      if (finished) return;
      try {
        if (result.done) {
          finish();
          res.end();
          return;
        }
        const chunk = result.value;
        if (!(chunk instanceof Uint8Array)) throw new TypeError(`the response stream gave ${describe(chunk)} instead of bytes (Uint8Array)`);
        if (res.write(chunk)) readNext(); // else 'drain' calls readNext
      } catch (error) {
        fail(error);
      }
    };
    function readNext(): void {
      reader.read().then(write, fail);
    }
    res.on('close', onClose);
    res.on('drain', readNext);
    readNext();
  });
}

function noop(): void {}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? `an instance of ${(value as object).constructor?.name ?? 'Object'}` : typeof value;
}
