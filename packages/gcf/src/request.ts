/**
 * Incoming (Google => Web): the lazy `Request` for a request that came through Google's front end,
 * as functions-framework or App Engine hand it over (node:http objects underneath).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyTooLarge, createLightweightRequest, headersFromFlatList, trustNone, type LightweightBody, type LightweightRequestInput } from '@adapt/core';
import { NodeBody, nodeRequestUrl, nodeSignal, type RequestOptions } from '@adapt/node';
import type { GcfRequest } from './types.js';

/**
 * Builds the Request. With a Content-Type, functions-framework's body-parser has already read the
 * body (inflating gzip, deflate and br) and kept the bytes in `req.rawBody`: the app gets those
 * bytes, never a re-serialized `req.body`. Without one (and on App Engine) the stream is untouched
 * and is read as it arrives. Throws 413 for kept bytes over the limit, 400 for a URL that cannot be represented.
 */
export function createGoogleRequest(req: IncomingMessage, res: ServerResponse, options: RequestOptions): Request {
  return createLightweightRequest(new GoogleInput(req as GcfRequest, res, options));
}

class GoogleInput implements LightweightRequestInput {
  readonly method: string;
  readonly url: string;
  readonly body: LightweightBody | null;
  readonly #req: GcfRequest;
  readonly #res: ServerResponse;
  readonly #rawBody: Buffer | undefined;

  constructor(req: GcfRequest, res: ServerResponse, options: RequestOptions) {
    const method = req.method!;
    const rawBody = Buffer.isBuffer(req.rawBody) ? req.rawBody : undefined;
    if (rawBody && rawBody.length > options.bodyLimit) throw bodyTooLarge(options.bodyLimit);
    this.method = method;
    this.url = googleRequestUrl(req);
    this.body = method === 'GET' || method === 'HEAD' ? null : rawBody ? new BytesBody(rawBody) : new NodeBody(req, options.bodyLimit);
    this.#req = req;
    this.#res = res;
    this.#rawBody = rawBody;
  }

  headers(): Headers {
    const headers = headersFromFlatList(this.#req.rawHeaders);
    const rawBody = this.#rawBody;
    if (rawBody) {
      // body-parser inflated the body but left the headers as sent: describe the bytes the app gets
      headers.delete('content-encoding');
      if (headers.has('content-length')) headers.set('content-length', String(rawBody.length));
    }
    return headers;
  }

  signal(): AbortSignal {
    return nodeSignal(this.#req, this.#res);
  }
}

/** Bytes already in memory, as a stream or at once. */
class BytesBody implements LightweightBody {
  readonly #bytes: Buffer;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  stream(): ReadableStream<Uint8Array> {
    const bytes = this.#bytes;
    return new ReadableStream<Uint8Array>({
      start(controller) {
        if (bytes.length > 0) controller.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
        controller.close();
      },
    });
  }

  bytes(): Promise<Uint8Array> {
    return Promise.resolve(this.#bytes);
  }
}

/**
 * The URL as the client saw it. Google's front end ends TLS and says so in X-Forwarded-Proto; the
 * host is the Host header, which the front end routed on (X-Forwarded-Host is not trusted).
 */
export function googleRequestUrl(req: IncomingMessage): string {
  const url = nodeRequestUrl(req, trustNone);
  return forwardedHttps(req.headers['x-forwarded-proto']) && url.startsWith('http:') ? `https:${url.slice(5)}` : url;
}

function forwardedHttps(value: string | string[] | undefined): boolean {
  if (value === undefined) return false;
  const text = Array.isArray(value) ? value[value.length - 1] : value;
  return (
    text
      .slice(text.lastIndexOf(',') + 1)
      .trim()
      .toLowerCase() === 'https'
  );
}
