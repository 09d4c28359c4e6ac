/** Reading a body to bytes without ever holding more than the limit. */
import { HttpError } from './errors.js';

export type BodySource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string> | null | undefined;

export interface ReadBodyOptions {
  /** Largest body accepted, in bytes. */
  limit: number;
  /** The declared Content-Length, checked before anything is read. */
  contentLength?: string | number | null;
}

export function bodyTooLarge(limit: number): HttpError {
  return new HttpError(413, 'BODY_TOO_LARGE', `the request body is larger than the limit of ${limit} bytes`);
}

/**
 * Reads a stream (web or Node) to one `Uint8Array`. Refuses with a 413 `BODY_TOO_LARGE` error as
 * soon as the declared length or the bytes read pass `limit`; the rest is not read, and a web
 * stream is cancelled.
 */
export async function readBody(source: BodySource, options: ReadBodyOptions): Promise<Uint8Array> {
  const { limit } = options;
  if (options.contentLength != null && options.contentLength !== '') {
    const declared = Number(options.contentLength);
    if (Number.isFinite(declared) && declared > limit) {
      if (source && 'cancel' in source) await source.cancel().catch(() => {});
      throw bodyTooLarge(limit);
    }
  }
  if (!source) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const add = (chunk: Uint8Array | string): boolean => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.byteLength;
    if (size > limit) return false;
    chunks.push(bytes);
    return true;
  };
  if ('getReader' in source) {
    const reader = source.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!add(value)) {
        await reader.cancel().catch(() => {});
        throw bodyTooLarge(limit);
      }
    }
  } else {
    for await (const chunk of source) {
      // leaving the loop early destroys a Node stream, which stops the reading
      if (!add(chunk)) throw bodyTooLarge(limit);
    }
  }
  return concatBytes(chunks, size);
}

export function concatBytes(chunks: readonly Uint8Array[], size = chunks.reduce((n, c) => n + c.byteLength, 0)): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
