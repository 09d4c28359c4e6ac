/**
 * Incoming (AWS => Web): the request parts read from an event become the app's `Request`.
 */
import type { RequestInput } from './events/_shared.js';

/** The standard `Request` for an event; GET and HEAD never carry a body. */
export function createRequest(input: RequestInput, signal: AbortSignal | undefined): Request {
  const init: RequestInit & { duplex?: 'half' } = { method: input.method, headers: input.headers };
  if (signal !== undefined) init.signal = signal;
  if (input.body !== null && input.method !== 'GET' && input.method !== 'HEAD') {
    init.body = input.body as Uint8Array<ArrayBuffer>;
    init.duplex = 'half';
  }
  return new Request(input.url, init);
}
