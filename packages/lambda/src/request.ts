/**
 * Incoming (AWS => Web): the request parts read from an event become the app's `Request`, a
 * lightweight one (core's createLightweightRequest): method, URL and headers come straight from the event,
 * the body is read from the decoded bytes without a stream, `signal` exists only once read, and
 * the real undici `Request` is built only if the app touches something unusual.
 */
import { createLightweightRequest, type LightweightBody } from '@adapt/core';
import type { RequestInput } from './events/_shared.js';

export function createRequest(input: RequestInput, signal: (() => AbortSignal) | undefined): Request {
  return createLightweightRequest({
    method: input.method,
    url: input.url,
    headers: () => input.headers,
    body: input.body === null ? null : bytesBody(input.body),
    signal,
  });
}

function bytesBody(bytes: Uint8Array): LightweightBody {
  return {
    stream: () =>
      new ReadableStream<Uint8Array>({
        // not a byte stream: enqueueing there would detach the event's buffer
        start(controller) {
          if (bytes.byteLength > 0) controller.enqueue(bytes);
          controller.close();
        },
      }),
    bytes: () => Promise.resolve(bytes),
  };
}
