/** Incoming (Node => Web): a lightweight `Request` read straight from `IncomingMessage`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  badRequest,
  bodyTooLarge,
  clientAddress,
  createLightweightRequest,
  forwardedForList,
  headersFromFlatList,
  joinRequestUrl,
  normalizeRequestUrl,
  trustNone,
  trustsPeer,
  type LightweightBody,
  type LightweightRequestInput,
  type TrustRule,
} from '@adapt/core';

export interface RequestOptions {
  /** The compiled `trustProxy` (core's client-address rule). */
  trust: TrustRule;
  bodyLimit: number;
}

/** Builds the lightweight Request for one Node request. Throws a 400 HttpError for a URL that cannot be represented. */
export function createRequest(req: IncomingMessage, res: ServerResponse, options: RequestOptions): Request {
  return createLightweightRequest(new NodeInput(req, res, options));
}

/** The lightweight Request's input: plain fields and methods on a prototype, no closures per request. */
class NodeInput implements LightweightRequestInput {
  readonly method: string;
  readonly url: string;
  readonly urlNormalized = true;
  readonly body: LightweightBody | null;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;

  constructor(req: IncomingMessage, res: ServerResponse, options: RequestOptions) {
    const method = req.method!;
    this.method = method;
    this.url = nodeRequestUrl(req, options.trust);
    this.body = method === 'GET' || method === 'HEAD' ? null : new NodeBody(req, options.bodyLimit);
    this.#req = req;
    this.#res = res;
  }

  headers(): Headers {
    return headersFromFlatList(this.#req.rawHeaders);
  }

  signal(): AbortSignal {
    return nodeSignal(this.#req, this.#res);
  }
}

/** The body read from the request stream, with the limit applied as bytes arrive. */
export class NodeBody implements LightweightBody {
  readonly #req: IncomingMessage;
  readonly #limit: number;

  constructor(req: IncomingMessage, limit: number) {
    this.#req = req;
    this.#limit = limit;
  }

  stream(): ReadableStream<Uint8Array> {
    return bodyStream(this.#req, this.#limit);
  }

  bytes(): Promise<Uint8Array> {
    return bodyBytes(this.#req, this.#limit);
  }
}

/**
 * The absolute URL as the client saw it, normalized as `new URL(url).href` writes it: scheme and
 * host from the socket and Host, or the X-Forwarded-Proto and -Host of a trusted peer (the proxy
 * the socket comes from).
 */
export function nodeRequestUrl(req: IncomingMessage, trust: TrustRule): string {
  const target = req.url ?? '/';
  let protocol = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  let host = rawHeader(req.rawHeaders, 'host'); // req.headers is built on first read: skip it
  if (trust !== trustNone && trustsPeer(req.socket.remoteAddress, trust)) {
    const forwardedProto = firstValue(req.headers['x-forwarded-proto']);
    if (forwardedProto) {
      const lower = forwardedProto.toLowerCase();
      if (lower !== 'http' && lower !== 'https') throw badRequest('BAD_URL', `X-Forwarded-Proto ${JSON.stringify(forwardedProto.slice(0, 40))} is not http or https`);
      protocol = lower;
    }
    host = firstValue(req.headers['x-forwarded-host']) || host;
  }
  if (target.charCodeAt(0) === 47 /* / */) {
    if (!host)
      host = 'localhost'; // HTTP/1.0 without Host
    else if (host !== lastValidHost) {
      if (!validHost.test(host)) throw badRequest('BAD_URL', `Host ${JSON.stringify(host.slice(0, 100))} is not a valid host`);
      lastValidHost = host;
    }
    return joinRequestUrl(protocol, host, target);
  }
  if (/^https?:\/\//i.test(target)) {
    // absolute-form (RFC 9112 3.2.2): the target's host wins over Host
    return normalizeRequestUrl(protocol + target.slice(target.indexOf('://')));
  }
  throw badRequest('BAD_URL', `request target ${JSON.stringify(target.slice(0, 100))} is not a path`);
}

let lastValidHost = '';
// reg-name, IPv4 or [IPv6], optional port; nothing that would move the path
const validHost = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::\d{1,5})?$/;

/** The first value of a header, read from `rawHeaders` without building `req.headers`. */
export function rawHeader(rawHeaders: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === lowerName.length && (name === lowerName || sameLetters(name, lowerName))) return rawHeaders[i + 1];
  }
  return undefined;
}

/** Whether `name` (as long as `lower`) is `lower` in any letter case, without making a lower-case copy. */
function sameLetters(name: string, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const code = name.charCodeAt(i);
    const want = lower.charCodeAt(i);
    // an upper-case letter differs from its lower case by 0x20 only
    if (code !== want && !(want >= 97 && want <= 122 && code === want - 32)) return false;
  }
  return true;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value[0] : value;
  const comma = text.indexOf(',');
  return (comma === -1 ? text : text.slice(0, comma)).trim();
}

/** The client's address: the socket's, walked back through X-Forwarded-For by core's client-address rule. */
export function remoteAddressOf(req: IncomingMessage, trust: TrustRule): string | undefined {
  const peer = req.socket.remoteAddress;
  if (!trustsPeer(peer, trust)) return peer;
  return clientAddress(peer, forwardedForList(req.headers['x-forwarded-for']), trust);
}

/** The whole body, refused with 413 as soon as it passes the limit. */
function bodyBytes(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume(); // the answer closes the connection; stop keeping bytes
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAborted = () => {
      cleanup();
      reject(new Error('the client closed the connection before sending the whole body'));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onAborted);
    };
    if (req.readableEnded) return resolve(new Uint8Array(0));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onAborted);
  });
}

/** The body as a web stream with backpressure: Node reads on only when the app pulls. */
function bodyStream(req: IncomingMessage, limit: number): ReadableStream<Uint8Array> {
  let size = 0;
  let finished = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (req.readableEnded) {
          finished = true;
          controller.close();
          return;
        }
        req.on('data', (chunk: Buffer) => {
          if (finished) return;
          size += chunk.length;
          if (size > limit) {
            finished = true;
            req.resume();
            controller.error(bodyTooLarge(limit));
            return;
          }
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once('end', () => {
          if (finished) return;
          finished = true;
          controller.close();
        });
        req.once('error', (error) => {
          if (finished) return;
          finished = true;
          controller.error(error);
        });
        req.once('close', () => {
          if (finished) return;
          finished = true;
          controller.error(new Error('the client closed the connection before sending the whole body'));
        });
        req.pause();
      },
      pull() {
        req.resume();
      },
      cancel() {
        finished = true;
        req.resume(); // discard the rest
      },
    },
    { highWaterMark: 1 },
  );
}

/** An AbortSignal that aborts when the client goes away before the answer is complete. */
export function nodeSignal(req: IncomingMessage, res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  const abort = () => {
    if (!res.writableFinished) controller.abort(new DOMException('the client closed the connection', 'AbortError'));
  };
  if (res.closed || req.destroyed) abort();
  else res.once('close', abort);
  return controller.signal;
}
