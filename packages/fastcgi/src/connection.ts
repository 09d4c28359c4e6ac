/**
 * One connection from a web server: records in, requests to the handler, responses out as STDOUT
 * records. Requests may be multiplexed (several ids at once) and the connection kept for the
 * next ones (FCGI_KEEP_CONN, nginx's `fastcgi_keep_conn on`).
 *
 * - STDIN is the Request body, with backpressure: when a body's queue is full, the socket is
 *   paused (every request on the connection waits; web servers do not multiplex in practice).
 * - A response is written in as few writes as possible: a string or bytes answer is one buffer
 *   (head, body, the empty STDOUT and END_REQUEST); a streamed one goes out corked, so the head,
 *   the chunks ready at once and the end share one write.
 * - A body that fails after the head closes the connection: web servers ignore the FastCGI
 *   status, and an END_REQUEST would make a truncated body look complete.
 * - When the web server goes away (the socket closes, or ABORT_REQUEST), `request.signal` aborts
 *   and the app's body stream is cancelled.
 * - Bad input (a record of another version, a params block over the limit, records out of
 *   order) closes the connection with one log line; the server keeps serving the next one.
 */
import type { Socket } from 'node:net';
import { bodyTooLarge, logError } from '@adapt/core';
import { cgiAnswer } from './cgi-response.js';
import type { Handler } from './handler.js';
import { addParam, type Params } from './params.js';
import {
  END_REQUEST_SIZE,
  FCGI_ABORT_REQUEST,
  FCGI_BEGIN_REQUEST,
  FCGI_DATA,
  FCGI_GET_VALUES,
  FCGI_GET_VALUES_RESULT,
  FCGI_KEEP_CONN,
  FCGI_PARAMS,
  FCGI_REQUEST_COMPLETE,
  FCGI_RESPONDER,
  FCGI_STDIN,
  FCGI_STDOUT,
  FCGI_UNKNOWN_ROLE,
  HEADER_SIZE,
  MAX_CONTENT,
  ProtocolError,
  RecordReader,
  decodeBeginRequest,
  decodePairs,
  encodePairs,
  encodeRecord,
  endRequestRecord,
  streamSize,
  unknownTypeRecord,
  writeEndRequest,
  writeHeader,
  writeStream,
  type FcgiRecord,
} from './records.js';

export interface ConnectionOptions {
  /** Largest params block of one request, in bytes; a larger one closes the connection. */
  maxParamsBytes: number;
  /** What GET_VALUES answers for FCGI_MAX_CONNS. */
  maxConns: number;
}

/** The body queue of one request holds this much before the socket is paused. */
const STDIN_HIGH_WATER = 64 * 1024;

interface ActiveRequest {
  id: number;
  keepConn: boolean;
  /** PARAMS records until the empty one, then undefined. */
  paramsChunks: Buffer[] | undefined;
  paramsBytes: number;
  method: string;
  stdin: ReadableStreamDefaultController<Uint8Array> | undefined;
  stdinBytes: number;
  /** No more STDIN goes to the app: it ended, failed, or the app cancelled it. */
  stdinDone: boolean;
  /** Made on first read of `request.signal` (an AbortController costs more than the rest of a small request). */
  abort: AbortController | undefined;
  /** The answer's body being read, to cancel when the web server goes away. */
  reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  /** The web server is gone or aborted this request: nothing more is written for it. */
  gone: boolean;
  wake: (() => void) | undefined;
}

export class Connection {
  readonly #socket: Socket;
  readonly #handler: Handler;
  readonly #options: ConnectionOptions;
  readonly #reader = new RecordReader();
  readonly #requests = new Map<number, ActiveRequest>();
  readonly #pausedBy = new Set<ActiveRequest>();
  #closed = false;
  /** Set by the server's close(): end the connection once its requests are answered. */
  #draining = false;

  constructor(socket: Socket, handler: Handler, options: ConnectionOptions) {
    this.#socket = socket;
    this.#handler = handler;
    this.#options = options;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => {}); // followed by close
    socket.on('close', () => this.#onClose());
    socket.on('drain', () => {
      for (const request of this.#requests.values()) request.wake?.();
    });
  }

  /** Ends the connection now if idle, else after its last response. */
  drain(): void {
    this.#draining = true;
    if (this.#requests.size === 0) this.#socket.end();
  }

  get idle(): boolean {
    return this.#requests.size === 0;
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    let records: FcgiRecord[];
    try {
      records = this.#reader.push(chunk);
      for (const record of records) {
        this.#record(record);
        if (this.#closed) return;
      }
    } catch (error) {
      this.#fail(error);
    }
  }

  #record(record: FcgiRecord): void {
    const { type, requestId: id, content } = record;
    if (id === 0) {
      // management records
      if (type === FCGI_GET_VALUES) this.#socket.write(this.#getValues(content));
      else this.#socket.write(unknownTypeRecord(type));
      return;
    }
    if (type === FCGI_BEGIN_REQUEST) return this.#begin(id, content);
    const request = this.#requests.get(id);
    if (!request) {
      if (type > 11) this.#socket.write(unknownTypeRecord(type));
      return; // a record for an id no longer active (after END_REQUEST or an abort): ignored, as the specification says
    }
    switch (type) {
      case FCGI_PARAMS:
        return this.#params(request, content);
      case FCGI_STDIN:
        return this.#stdin(request, content);
      case FCGI_ABORT_REQUEST:
        return this.#abort(request);
      case FCGI_DATA:
        return; // the filter role's file data; a responder has none
      default:
        if (type > 11) this.#socket.write(unknownTypeRecord(type));
        else throw new ProtocolError(`record type ${type} is one a web server does not send`);
    }
  }

  #begin(id: number, content: Buffer): void {
    const { role, flags } = decodeBeginRequest(content);
    if (this.#requests.has(id)) throw new ProtocolError(`BEGIN_REQUEST for request ${id}, which is already active`);
    const keepConn = (flags & FCGI_KEEP_CONN) !== 0;
    if (role !== FCGI_RESPONDER) {
      const name = role === 2 ? 'AUTHORIZER' : role === 3 ? 'FILTER' : `role ${role}`;
      console.error(`adapt: FastCGI request ${id} asks for the ${name} role; adapt apps are responders (FCGI_RESPONDER): refused with FCGI_UNKNOWN_ROLE`);
      this.#socket.write(endRequestRecord(id, 0, FCGI_UNKNOWN_ROLE));
      if (!keepConn && this.#requests.size === 0) this.#socket.end();
      return;
    }
    this.#requests.set(id, {
      id,
      keepConn,
      paramsChunks: [],
      paramsBytes: 0,
      method: 'GET',
      stdin: undefined,
      stdinBytes: 0,
      stdinDone: false,
      abort: undefined,
      reader: undefined,
      gone: false,
      wake: undefined,
    });
  }

  #params(request: ActiveRequest, content: Buffer): void {
    const chunks = request.paramsChunks;
    if (!chunks) throw new ProtocolError(`PARAMS for request ${request.id} after its params ended`);
    if (content.length > 0) {
      request.paramsBytes += content.length;
      if (request.paramsBytes > this.#options.maxParamsBytes) {
        throw new ProtocolError(`the params of request ${request.id} pass ${this.#options.maxParamsBytes} bytes (option maxParamsBytes): refused`);
      }
      chunks.push(Buffer.from(content)); // a copy: the socket's chunk is not kept alive
      return;
    }
    request.paramsChunks = undefined;
    const params: Params = new Map();
    decodePairs(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), (name, value) => addParam(params, name, value));
    this.#start(request, params);
  }

  #start(request: ActiveRequest, params: Params): void {
    const method = params.get('REQUEST_METHOD') || 'GET';
    request.method = method;
    let body: ReadableStream<Uint8Array> | null = null;
    if (method !== 'GET' && method !== 'HEAD') {
      body = new ReadableStream<Uint8Array>(
        {
          start: (controller) => {
            request.stdin = controller;
          },
          pull: () => this.#unpause(request),
          cancel: () => {
            request.stdinDone = true;
            this.#unpause(request);
          },
        },
        { highWaterMark: STDIN_HIGH_WATER, size: (chunk) => chunk.byteLength },
      );
    } else {
      request.stdinDone = true; // a body on GET or HEAD is read and dropped
    }
    this.#handler.handle(params, request.id, body, () => requestSignal(request)).then((response) => this.#send(request, response));
  }

  #stdin(request: ActiveRequest, content: Buffer): void {
    if (request.paramsChunks) throw new ProtocolError(`STDIN for request ${request.id} before its params ended`);
    const controller = request.stdin;
    if (request.stdinDone || !controller) return;
    if (content.length === 0) {
      request.stdinDone = true;
      controller.close();
      this.#unpause(request);
      return;
    }
    request.stdinBytes += content.length;
    if (request.stdinBytes > this.#handler.bodyLimit) {
      request.stdinDone = true;
      controller.error(bodyTooLarge(this.#handler.bodyLimit));
      this.#unpause(request);
      return;
    }
    controller.enqueue(new Uint8Array(content)); // a copy: the app may keep it
    if ((controller.desiredSize ?? 0) <= 0) {
      this.#pausedBy.add(request);
      this.#socket.pause();
    }
  }

  #unpause(request: ActiveRequest): void {
    if (this.#pausedBy.delete(request) && this.#pausedBy.size === 0 && !this.#closed) this.#socket.resume();
  }

  #abort(request: ActiveRequest): void {
    this.#cancel(request, 'the web server aborted the request (FCGI_ABORT_REQUEST)');
    this.#finish(request, endRequestRecord(request.id, 0, FCGI_REQUEST_COMPLETE));
  }

  /** The web server no longer wants this request: abort its signal and stop its streams. */
  #cancel(request: ActiveRequest, reason: string): void {
    if (request.gone) return;
    request.gone = true;
    const error = new DOMException(reason, 'AbortError');
    if (!request.stdinDone) {
      request.stdinDone = true;
      request.stdin?.error(error);
    }
    this.#pausedBy.delete(request);
    request.abort?.abort(error);
    if (request.reader) void request.reader.cancel(error).catch(() => {});
    request.wake?.();
  }

  /** Writes the last records of a request (at least its END_REQUEST) and retires its id. */
  #finish(request: ActiveRequest, last: Buffer): void {
    if (this.#requests.get(request.id) !== request) return;
    this.#requests.delete(request.id);
    this.#unpause(request);
    if (this.#closed) return;
    if (!request.keepConn || (this.#draining && this.#requests.size === 0)) this.#socket.end(last);
    else this.#socket.write(last);
  }

  #send(request: ActiveRequest, response: Response): void {
    if (request.gone || this.#closed) {
      const body = (response as { body?: unknown }).body;
      if (body instanceof ReadableStream && !body.locked) void body.cancel().catch(() => {});
      if (!request.gone) this.#requests.delete(request.id);
      return;
    }
    let answer: ReturnType<typeof cgiAnswer>;
    try {
      answer = cgiAnswer(response, request.method);
    } catch (error) {
      logError('response head', error);
      return this.#fail(undefined);
    }
    // The request body is no longer needed: what the app did not read is dropped.
    if (!request.stdinDone) {
      request.stdinDone = true;
      try {
        request.stdin?.close();
      } catch {}
    }
    const { head, body } = answer;
    if (body === null || typeof body === 'string' || body instanceof Uint8Array) return this.#finish(request, wholeAnswer(request.id, head, body));
    void this.#pump(request, head, body);
  }

  async #pump(request: ActiveRequest, head: string, body: ReadableStream<Uint8Array>): Promise<void> {
    const socket = this.#socket;
    const reader = body.getReader();
    request.reader = reader;
    // corked until the next turn: the head and the chunks ready at once go out in one write
    socket.cork();
    let corked = true;
    const uncork = () => {
      if (!corked) return;
      corked = false;
      socket.uncork();
    };
    setImmediate(uncork);
    try {
      socket.write(streamRecords(request.id, Buffer.from(head, 'latin1')));
      for (;;) {
        const result = await reader.read();
        if (request.gone || this.#closed) return;
        if (result.done) break;
        const chunk = result.value;
        if (!(chunk instanceof Uint8Array)) throw new TypeError(`the response stream gave ${chunk === null ? 'null' : typeof chunk} instead of bytes (Uint8Array)`);
        if (chunk.byteLength === 0) continue;
        if (!writeRecords(socket, request.id, chunk)) {
          uncork();
          await new Promise<void>((resolve) => {
            request.wake = resolve;
          });
          request.wake = undefined;
          if (request.gone || this.#closed) return;
        }
      }
      const end = Buffer.allocUnsafe(HEADER_SIZE + END_REQUEST_SIZE);
      writeHeader(end, 0, FCGI_STDOUT, request.id, 0);
      writeEndRequest(end, HEADER_SIZE, request.id, 0, FCGI_REQUEST_COMPLETE);
      this.#finish(request, end);
    } catch (error) {
      if (request.gone || this.#closed) return;
      // the head is out: no error status can follow, and an END_REQUEST would pass a truncated body as complete
      logError(`response stream of FastCGI request ${request.id} failed; closing the connection so the web server sees the body cut`, error);
      void reader.cancel(error).catch(() => {});
      this.#fail(undefined);
    } finally {
      request.reader = undefined;
      uncork();
    }
  }

  #getValues(content: Buffer): Buffer {
    const values: Array<[string, string]> = [];
    const known: Record<string, string> = { FCGI_MAX_CONNS: String(this.#options.maxConns), FCGI_MAX_REQS: String(this.#options.maxConns * 100), FCGI_MPXS_CONNS: '1' };
    decodePairs(content, (name) => {
      if (name in known) values.push([name, known[name]]);
    });
    return encodeRecord(FCGI_GET_VALUES_RESULT, 0, encodePairs(values));
  }

  /** Bad input or a broken response: one log line (unless already logged), and the connection is cut. */
  #fail(error: unknown): void {
    if (this.#closed) return;
    if (error !== undefined) {
      const message = error instanceof ProtocolError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`adapt: FastCGI connection closed: ${message}`);
    }
    this.#socket.destroy();
  }

  #onClose(): void {
    this.#closed = true;
    for (const request of this.#requests.values()) this.#cancel(request, 'the web server closed the connection');
    this.#requests.clear();
    this.#pausedBy.clear();
  }
}

/** The request's abort signal, made on first use; already aborted when the web server is gone. */
function requestSignal(request: ActiveRequest): AbortSignal {
  if (!request.abort) {
    request.abort = new AbortController();
    if (request.gone) request.abort.abort(new DOMException('the web server went away', 'AbortError'));
  }
  return request.abort.signal;
}

/**
 * Writes `content` as STDOUT records. A small chunk is copied into one buffer with its header; a
 * large one is not copied: its headers and slices go out corked, as one writev.
 */
function writeRecords(socket: Socket, id: number, content: Uint8Array): boolean {
  if (content.byteLength < 16 * 1024) return socket.write(streamRecords(id, content));
  socket.cork();
  let flowing = true;
  for (let start = 0; start < content.byteLength; start += MAX_CONTENT) {
    const end = Math.min(content.byteLength, start + MAX_CONTENT);
    const header = Buffer.allocUnsafe(HEADER_SIZE);
    writeHeader(header, 0, FCGI_STDOUT, id, end - start);
    socket.write(header);
    flowing = socket.write(content.subarray(start, end));
  }
  socket.uncork();
  return flowing;
}

/** STDOUT records for `content` (cut every 65535 bytes), in one buffer. */
function streamRecords(id: number, content: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(streamSize(content.byteLength));
  writeStream(out, 0, FCGI_STDOUT, id, content);
  return out;
}

/** A whole answer in one buffer: STDOUT records holding head and body, the empty STDOUT, END_REQUEST. */
function wholeAnswer(id: number, head: string, body: string | Uint8Array | null): Buffer {
  const headLength = head.length; // latin1: one byte per char
  const bodyLength = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  const length = headLength + bodyLength;
  if (length <= MAX_CONTENT) {
    // the common answer: one STDOUT record, written in place
    const out = Buffer.allocUnsafe(HEADER_SIZE + length + HEADER_SIZE + END_REQUEST_SIZE);
    writeHeader(out, 0, FCGI_STDOUT, id, length);
    out.write(head, HEADER_SIZE, 'latin1');
    if (typeof body === 'string') out.write(body, HEADER_SIZE + headLength, 'utf8');
    else if (body) out.set(body, HEADER_SIZE + headLength);
    writeHeader(out, HEADER_SIZE + length, FCGI_STDOUT, id, 0);
    writeEndRequest(out, HEADER_SIZE * 2 + length, id, 0, FCGI_REQUEST_COMPLETE);
    return out;
  }
  const content = Buffer.allocUnsafe(length);
  content.write(head, 0, 'latin1');
  if (typeof body === 'string') content.write(body, headLength, 'utf8');
  else if (body) content.set(body, headLength);
  const out = Buffer.allocUnsafe(streamSize(length) + HEADER_SIZE + END_REQUEST_SIZE);
  let offset = writeStream(out, 0, FCGI_STDOUT, id, content);
  writeHeader(out, offset, FCGI_STDOUT, id, 0);
  offset += HEADER_SIZE;
  writeEndRequest(out, offset, id, 0, FCGI_REQUEST_COMPLETE);
  return out;
}
