/**
 * `fromNodeHandler`: runs an app written for Node's `(req, res)` (Express, Koa, connect,
 * Fastify's routing) as a contract app on every target, streaming both ways.
 *
 * The request becomes a real `http.IncomingMessage` whose body is pulled from the fetch body on
 * demand; the app answers on a real `http.ServerResponse` attached to an in-memory socket. Node
 * writes an HTTP/1.1 head into that socket as it would on the wire (status, headers, each
 * Set-Cookie apart); we read the head back and hand the body on as a stream, with backpressure.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import type { AppContext, AppObject } from './contract.js';
import { HttpError } from './errors.js';
import { nodeHttp } from './node-http.js';
import { hopByHopHeaders } from './headers.js';
import { encodeUnsafe } from './url.js';

/** A Node request listener, called exactly as node:http calls one: `(req, res)`, nothing more. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

const nodeHandlerKey = Symbol.for('adapt.nodeHandler');
const nodeRequestKey = Symbol.for('adapt.nodeRequest');

export interface NodeHandlerApp extends AppObject {
  readonly [nodeHandlerKey]: NodeHandler;
  readonly [nodeRequestKey]: (input: NodeRequestInput) => Promise<Response>;
}

/**
 * Wraps a Node `(req, res)` handler once; the result runs on every adapt target.
 *
 * The handler is called as node:http calls it, `(req, res)`: Express, connect and Koa then answer
 * every request themselves, errors and 404s included, through their own final handler. adapt
 * adds no answer of its own: a handler that never answers is not answered, as on node:http
 * (the platform's timeout ends it). adapt answers only what the handler cannot: a synchronous
 * throw or a rejected promise before the head is written (500, logged), a response closed
 * without a head, or a status the platform cannot carry (502, logged).
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
    [nodeRequestKey]: (input) => runNodeRequest(handler, input),
    fetch: (request, context) => runNodeHandler(handler, request, context),
  };
}

/** The Node handler inside an app made by `fromNodeHandler`, for targets that have real req/res. */
export function getNodeHandler(app: unknown): NodeHandler | undefined {
  return app && typeof app === 'object' ? (app as Partial<NodeHandlerApp>)[nodeHandlerKey] : undefined;
}

/**
 * Runs a request given as the platform sent it through the Node handler inside an app made by
 * `fromNodeHandler`; undefined for any other app. (Targets reach the Node code through the app,
 * so a bundle without fromNodeHandler carries none of it.)
 */
export function getNodeRequestRunner(app: unknown): ((input: NodeRequestInput) => Promise<Response>) | undefined {
  return app && typeof app === 'object' ? (app as Partial<NodeHandlerApp>)[nodeRequestKey] : undefined;
}

/**
 * One request for a Node handler, as a platform gives it. Targets that have the request as sent
 * (a Lambda event) use this instead of a `Request`, which would resolve dot segments, re-encode
 * a stray `%`, refuse TRACE and drop a body on GET.
 */
export interface NodeRequestInput {
  method: string;
  /** The request target (path and query) exactly as the client sent it; it becomes `req.url`. */
  target: string;
  headers: Headers;
  /** The body: bytes, a stream, or null. Delivered whatever the method (a GET may carry one). */
  body: Uint8Array | ReadableStream<Uint8Array> | null;
  /** True for https: `req.socket.encrypted`, so Express's `req.protocol` is right. */
  encrypted: boolean;
  /** Host for a request that has no Host header. */
  host: string;
  remoteAddress?: string;
  /** Aborts when the client is gone: the handler's `req` and `res` are destroyed. */
  signal?: AbortSignal;
}

/**
 * `req.url` from a platform's raw path and query: as sent, except what no client could put on a
 * request line (spaces, control characters, non-ASCII) is %-encoded. A stray `%`, `..` and
 * `%2e%2e` stay as they are, so the app's own router answers them (400, 403) as on node:http.
 * `decoded` is for platforms that hand the path decoded (API Gateway HTTP APIs): there a `%` the
 * client sent as `%25` cannot be told from a stray one; it is re-encoded as `%25`, as a URL would
 * hold it.
 */
export function requestTarget(path: string, query: string | null | undefined, decoded = false): string {
  const target = decoded ? encodeUnsafe(path, false) : encodeOutsideLine(path);
  return query ? `${target}?${encodeOutsideLine(query)}` : target;
}

function encodeOutsideLine(text: string): string {
  if (/^[\x21-\x7e]*$/.test(text)) return text;
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    out += code > 0x20 && code < 0x7f ? char : encodeURIComponent(char.length === 1 && code >= 0xd800 && code <= 0xdfff ? '\ufffd' : char);
  }
  return out;
}

/** Runs one request through a Node handler and resolves with the response once its head is written. */
export function runNodeHandler(handler: NodeHandler, request: Request, context?: Pick<AppContext, 'remoteAddress'>): Promise<Response> {
  const url = request.url;
  const origin = url.indexOf('/', url.indexOf('//') + 2);
  const authority = url.slice(url.indexOf('//') + 2, origin === -1 ? undefined : origin);
  return runNodeRequest(handler, {
    method: request.method,
    target: origin === -1 ? '/' : url.slice(origin),
    headers: request.headers,
    body: request.body,
    encrypted: url.startsWith('https:'),
    host: authority,
    remoteAddress: context?.remoteAddress,
    signal: request.signal,
  });
}

/** Runs one request, given as the platform sent it, through a Node handler. */
export function runNodeRequest(handler: NodeHandler, input: NodeRequestInput): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const socket = new CaptureSocket(input.encrypted, input.remoteAddress);
    const req = createIncomingMessage(input, socket);
    const res = new (nodeHttp().ServerResponse)(req);
    res.sendDate = false;
    res.useChunkedEncodingByDefault = false; // raw body bytes on the socket, never chunk framing
    res.shouldKeepAlive = false;
    watchHead(res, socket);
    res.assignSocket(socket as never);
    // node:http's server forwards the socket's drain to the response; without a server, we do
    socket.on('drain', () => forwardDrain(res));
    res.once('finish', () => {
      socket.finishBody();
      process.nextTick(() => res.emit('close'));
    });

    socket.onHead = (head) => {
      if (head instanceof Error) return reject(head);
      const noBody = input.method === 'HEAD' || head.status === 204 || head.status === 205 || head.status === 304;
      if (noBody) socket.discardBody();
      resolve(new Response(noBody ? null : socket.body, { status: head.status, statusText: head.statusText, headers: head.headers }));
    };

    const fail = (error: unknown) => {
      if (!socket.headSeen) reject(error);
      else socket.destroy(error instanceof Error ? error : new Error(String(error)));
    };
    input.signal?.addEventListener(
      'abort',
      () => {
        req.destroy();
        socket.destroy();
      },
      { once: true },
    );
    try {
      const result = handler(req, res);
      if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(undefined, fail);
    } catch (error) {
      fail(error);
    }
  });
}

function createIncomingMessage(input: NodeRequestInput, socket: CaptureSocket): IncomingMessage {
  const req = new (nodeHttp().IncomingMessage)(socket as never);
  req.method = input.method;
  req.url = input.target;
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.httpVersion = '1.1';
  const rawHeaders: string[] = [];
  const headers: Record<string, string | string[]> = {};
  const body = input.body;
  // bytes in hand: Content-Length is their count, whatever the platform's headers said (node:http
  // never hands a listener a length that does not match the body)
  const knownLength = body instanceof Uint8Array ? String(body.byteLength) : undefined;
  let hasHost = false;
  input.headers.forEach((value, name) => {
    if (name === 'host') hasHost = true;
    if (knownLength !== undefined && (name === 'content-length' || name === 'transfer-encoding')) return;
    rawHeaders.push(name, value);
    headers[name] = value;
  });
  if (!hasHost) {
    rawHeaders.unshift('host', input.host);
    headers.host = input.host;
  }
  if (knownLength !== undefined) {
    rawHeaders.push('content-length', knownLength);
    headers['content-length'] = knownLength;
  } else if (body && !headers['content-length'] && !headers['transfer-encoding']) {
    // a body of unknown length reaches a Node server chunked; body parsers look for one of the two
    rawHeaders.push('transfer-encoding', 'chunked');
    headers['transfer-encoding'] = 'chunked';
  }
  const cookies = input.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  req.headers = headers as IncomingMessage['headers'];
  req.rawHeaders = rawHeaders;

  if (!body || (body instanceof Uint8Array && body.byteLength === 0)) {
    req.push(null);
    req.complete = true;
    return req;
  }
  // IncomingMessage starts with readingMore set (it waits for a socket); we feed it instead
  (req as unknown as { _readableState: { readingMore: boolean } })._readableState.readingMore = false;
  if (body instanceof Uint8Array) {
    req._read = () => {
      req.complete = true;
      req.push(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
      req.push(null);
      req._read = () => {};
    };
    return req;
  }
  const reader = body.getReader();
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

let needDrainKey: symbol | undefined;

/** As node:http's socketOnDrain: clear the response's need-drain flag and emit its 'drain'. */
function forwardDrain(res: ServerResponse): void {
  if (!res.writableNeedDrain) return;
  needDrainKey ??= Object.getOwnPropertySymbols(res).find((key) => key.description === 'kNeedDrain');
  if (needDrainKey !== undefined) (res as unknown as Record<symbol, boolean>)[needDrainKey] = false;
  res.emit('drain');
}

/**
 * Node frames the body in chunks only when the app sets Transfer-Encoding itself: undo that.
 * A final status under 200 (101 Switching Protocols, or 1xx set as the status) has no Response
 * to carry it: refuse it at once with a 502 that says why, instead of waiting for a final head
 * that never comes. (100 Continue and 103 Early Hints written by `writeContinue` and
 * `writeEarlyHints` are not final heads: they never pass here.)
 */
function watchHead(res: ServerResponse, socket: CaptureSocket): void {
  const internal = res as unknown as { _storeHeader?: (...args: unknown[]) => void; chunkedEncoding: boolean; statusCode: number };
  const storeHeader = internal._storeHeader;
  if (typeof storeHeader !== 'function') return;
  internal._storeHeader = function (this: typeof internal, ...args: unknown[]) {
    if (this.statusCode < 200) {
      socket.refuseHead(
        new HttpError(
          502,
          'BAD_RESPONSE',
          `the Node handler answered with status ${this.statusCode}, which this platform cannot carry as a response; ` +
            'answer with a final status (200-599), or serve protocol upgrades with serve() on the node target',
        ),
      );
    }
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
        this.refuseHead(error as Error);
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

  /** The handler's head cannot be carried: fail the request now and drop whatever it writes. */
  refuseHead(error: Error): void {
    if (this.headSeen || this.#closed) return;
    this.headSeen = true;
    this.#discard = true;
    this.#closed = true;
    this.onHead(error);
  }

  finishBody(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.headSeen) {
      this.headSeen = true;
      this.onHead(new HttpError(502, 'BAD_RESPONSE', 'the Node handler finished without writing a final response head'));
      return;
    }
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
