/**
 * `fromNodeHandler`: runs an app written for Node's `(req, res)` (Express, Koa, connect,
 * Fastify's routing) as a contract app on every target, streaming both ways.
 *
 * The request becomes a real `http.IncomingMessage` whose body is pulled from the fetch body on
 * demand; the app answers on a real `http.ServerResponse` attached to an in-memory socket. Node
 * writes an HTTP/1.1 head into that socket as it would on the wire (status, headers, each
 * Set-Cookie apart); we read the head back and hand the body on as a stream, with backpressure.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import type { AppContext, AppObject } from './contract.js';
import { HttpError } from './errors.js';
import { hopByHopHeaders } from './headers.js';

export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => unknown;

const nodeHandlerKey = Symbol.for('adapt.nodeHandler');

export interface NodeHandlerApp extends AppObject {
  readonly [nodeHandlerKey]: NodeHandler;
}

/**
 * Wraps a Node `(req, res)` handler once; the result runs on every adapt target.
 *
 * @example
 * import express from 'express';
 * import { fromNodeHandler } from '@adapt/core';
 * const api = express().get('/', (req, res) => res.send('hi'));
 * export default fromNodeHandler(api);
 */
export function fromNodeHandler(handler: NodeHandler): NodeHandlerApp {
  if (typeof handler !== 'function') {
    throw new TypeError('adapt: fromNodeHandler expects a (req, res) function, such as an Express app or koa.callback()');
  }
  return {
    [nodeHandlerKey]: handler,
    fetch: (request, context) => runNodeHandler(handler, request, context),
  };
}

/** The Node handler inside an app made by `fromNodeHandler`, for targets that have real req/res. */
export function getNodeHandler(app: unknown): NodeHandler | undefined {
  return app && typeof app === 'object' ? (app as Partial<NodeHandlerApp>)[nodeHandlerKey] : undefined;
}

/** Runs one request through a Node handler and resolves with the response once its head is written. */
export function runNodeHandler(handler: NodeHandler, request: Request, context?: Pick<AppContext, 'remoteAddress'>): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const url = new URL(request.url);
    const socket = new CaptureSocket(url.protocol === 'https:', context?.remoteAddress);
    const req = createIncomingMessage(request, url, socket);
    const res = new ServerResponse(req);
    res.sendDate = false;
    res.useChunkedEncodingByDefault = false; // raw body bytes on the socket, never chunk framing
    res.shouldKeepAlive = false;
    keepBodyUnframed(res);
    res.assignSocket(socket as never);
    res.once('finish', () => {
      socket.finishBody();
      process.nextTick(() => res.emit('close'));
    });

    socket.onHead = (head) => {
      if (head instanceof Error) return reject(head);
      const noBody = request.method === 'HEAD' || head.status === 204 || head.status === 205 || head.status === 304;
      if (noBody) socket.discardBody();
      resolve(new Response(noBody ? null : socket.body, { status: head.status, statusText: head.statusText, headers: head.headers }));
    };

    const fail = (error: unknown) => {
      if (!socket.headSeen) reject(error);
      else socket.destroy(error instanceof Error ? error : new Error(String(error)));
    };
    const next = (error?: unknown) => {
      if (error) return fail(error);
      if (!res.headersSent) {
        res.statusCode = 404;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end('Not Found');
      }
    };
    request.signal?.addEventListener('abort', () => {
      req.destroy();
      socket.destroy();
    }, { once: true });
    try {
      const result = handler(req, res, next);
      if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(undefined, fail);
    } catch (error) {
      fail(error);
    }
  });
}

function createIncomingMessage(request: Request, url: URL, socket: CaptureSocket): IncomingMessage {
  const req = new IncomingMessage(socket as never);
  req.method = request.method;
  req.url = url.pathname + url.search;
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.httpVersion = '1.1';
  const rawHeaders: string[] = [];
  const headers: Record<string, string | string[]> = {};
  let hasHost = false;
  request.headers.forEach((value, name) => {
    if (name === 'host') hasHost = true;
    rawHeaders.push(name, value);
    headers[name] = value;
  });
  if (!hasHost) {
    rawHeaders.unshift('host', url.host);
    headers.host = url.host;
  }
  if (request.body && !headers['content-length'] && !headers['transfer-encoding']) {
    // a body of unknown length reaches a Node server chunked; body parsers look for one of the two
    rawHeaders.push('transfer-encoding', 'chunked');
    headers['transfer-encoding'] = 'chunked';
  }
  const cookies = request.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  req.headers = headers as IncomingMessage['headers'];
  req.rawHeaders = rawHeaders;

  const reader = request.body?.getReader();
  if (!reader) {
    req.push(null);
    req.complete = true;
    return req;
  }
  // IncomingMessage starts with readingMore set (it waits for a socket); we feed it instead
  (req as unknown as { _readableState: { readingMore: boolean } })._readableState.readingMore = false;
  req._read = () => {
    reader.read().then(
      ({ done, value }) => {
        if (done) {
          req.complete = true;
          req.push(null);
        } else {
          req.push(value);
        }
      },
      (error) => req.destroy(error),
    );
  };
  req.once('close', () => void reader.cancel().catch(() => {}));
  return req;
}

/** Node frames the body in chunks only when the app sets Transfer-Encoding itself; undo that. */
function keepBodyUnframed(res: ServerResponse): void {
  const internal = res as unknown as { _storeHeader?: (...args: unknown[]) => void; chunkedEncoding: boolean };
  const storeHeader = internal._storeHeader;
  if (typeof storeHeader !== 'function') return;
  internal._storeHeader = function (this: typeof internal, ...args: unknown[]) {
    storeHeader.apply(this, args);
    this.chunkedEncoding = false;
  };
}

interface ParsedHead {
  status: number;
  statusText: string;
  headers: Headers;
}

const headEnd = Buffer.from('\r\n\r\n');

/** The in-memory socket the response writes to: reads the head, streams the body on. */
class CaptureSocket extends Duplex {
  readonly encrypted: boolean;
  readonly remoteAddress: string | undefined;
  readonly remotePort = 0;
  readonly remoteFamily: string | undefined;
  headSeen = false;
  onHead: (head: ParsedHead | Error) => void = () => {};
  readonly body: ReadableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #pending: Buffer[] = [];
  #waiting: (() => void) | undefined;
  #discard = false;
  #closed = false;

  constructor(encrypted: boolean, remoteAddress: string | undefined) {
    super();
    this.encrypted = encrypted;
    this.remoteAddress = remoteAddress;
    this.remoteFamily = remoteAddress?.includes(':') ? 'IPv6' : remoteAddress ? 'IPv4' : undefined;
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => this.#release(),
        cancel: () => {
          this.#closed = true;
          this.destroy();
        },
      },
      { highWaterMark: 1 },
    );
  }

  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.headSeen) {
      this.#pending.push(chunk);
      const buffered = Buffer.concat(this.#pending);
      const end = buffered.indexOf(headEnd);
      if (end === -1) return callback();
      this.#pending = [];
      let head: ParsedHead;
      try {
        head = parseHead(buffered.subarray(0, end).toString('latin1'));
      } catch (error) {
        this.onHead(error as Error);
        return callback();
      }
      const rest = buffered.subarray(end + 4);
      if (head.status >= 100 && head.status < 200) {
        // 100 Continue or 103 Early Hints: the real head follows
        return rest.length > 0 ? this._write(rest, _encoding, callback) : callback();
      }
      this.headSeen = true;
      this.onHead(head);
      if (rest.length === 0) return callback();
      chunk = rest;
    }
    if (this.#discard || this.#closed) return callback();
    this.#controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if ((this.#controller.desiredSize ?? 0) > 0) callback();
    else this.#waiting = () => callback();
  }

  #release(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }

  discardBody(): void {
    this.#discard = true;
  }

  finishBody(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#controller.close();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#closed) {
      this.#closed = true;
      if (this.headSeen) this.#controller.error(error ?? new Error('the response was aborted'));
      else this.onHead(new HttpError(502, 'BAD_RESPONSE', 'the Node handler closed without answering', { cause: error }));
    }
    this.#release();
    callback(null);
  }
}

function parseHead(text: string): ParsedHead {
  const lines = text.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!match) throw new HttpError(502, 'BAD_RESPONSE', 'the Node handler wrote an invalid status line');
  const status = Number(match[1]);
  if (status < 100 || status > 599) {
    throw new HttpError(502, 'BAD_RESPONSE', `the Node handler answered with status ${status}, which fetch cannot represent`);
  }
  const headers = new Headers();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    if (hopByHopHeaders.has(name.toLowerCase())) continue;
    headers.append(name, line.slice(colon + 1).trim());
  }
  return { status, statusText: match[2] ?? '', headers };
}
