/**
 * Reading a `Response` body back. A body made from a string or bytes (the common case:
 * `new Response(json)`, `Response.json()`) is taken from the response's internal state without
 * going through its stream; anything else is read from the stream with a byte limit.
 */
import { HttpError, readBody } from '@adapt/core';

// Node's Response (undici) keeps its state behind a symbol; found once, at init.
const stateKey: symbol | undefined = Object.getOwnPropertySymbols(new Response('')).find((key) => key.description === 'state');

/** The string or bytes a Response was made from, if it still holds them untouched; else null. */
export function responseBodySource(response: Response): string | Uint8Array | null {
  if (stateKey === undefined || response.bodyUsed) return null;
  const body = (response as unknown as Record<symbol, { body?: { source?: unknown; stream?: ReadableStream } | null }>)[stateKey]?.body;
  if (!body) return null;
  const source = body.source;
  if (typeof source === 'string') return source;
  if (source instanceof Uint8Array) return source;
  return null;
}

/** Reads the body stream to bytes; past `limit` bytes it stops and throws `tooLarge(limit)`. */
export async function readResponseBody(response: Response, limit: number, tooLarge: (limit: number) => Error): Promise<Uint8Array> {
  if (response.bodyUsed) {
    throw new HttpError(502, 'BAD_RESPONSE', 'the Response body was already read; return a Response whose body is unread');
  }
  try {
    return await readBody(response.body, { limit });
  } catch (error) {
    if (error instanceof HttpError && error.status === 413) {
      throw tooLarge(limit);
    }
    throw error;
  }
}
