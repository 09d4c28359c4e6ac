import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBody } from './body.js';
import { HttpError } from './errors.js';

function countingStream(chunks: number, size: number) {
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= chunks) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(size).fill(1));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, pulled: () => pulled, cancelled: () => cancelled };
}

describe('readBody', () => {
  it('reads a web stream to bytes', async () => {
    const { stream } = countingStream(4, 10);
    expect((await readBody(stream, { limit: 100 })).byteLength).toBe(40);
  });

  it('reads a Node stream to bytes', async () => {
    const bytes = await readBody(Readable.from([Buffer.from('ab'), 'cd']), { limit: 10 });
    expect(Buffer.from(bytes).toString()).toBe('abcd');
  });

  it('gives empty bytes for no body', async () => {
    expect((await readBody(null, { limit: 1 })).byteLength).toBe(0);
  });

  it('refuses a body over the limit before reading it all, and cancels the stream', async () => {
    const source = countingStream(1000, 1024);
    const error = await readBody(source.stream, { limit: 4096 }).catch((e) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(413);
    expect(error.message).toMatch(/larger than the limit of 4096 bytes/);
    expect(source.pulled()).toBeLessThan(10);
    expect(source.cancelled()).toBe(true);
  });

  it('refuses on the declared Content-Length without reading anything', async () => {
    const source = countingStream(1000, 1024);
    const error = await readBody(source.stream, { limit: 4096, contentLength: '999999' }).catch((e) => e);
    expect(error.status).toBe(413);
    expect(source.pulled()).toBeLessThanOrEqual(1);
  });

  it('stops reading a Node stream over the limit', async () => {
    let produced = 0;
    const node = Readable.from(
      (function* () {
        for (let i = 0; i < 1000; i++) {
          produced++;
          yield Buffer.alloc(1024);
        }
      })(),
    );
    await expect(readBody(node, { limit: 2048 })).rejects.toMatchObject({ status: 413 });
    expect(produced).toBeLessThan(10);
  });

  it('accepts a body exactly at the limit', async () => {
    expect((await readBody(countingStream(4, 1024).stream, { limit: 4096 })).byteLength).toBe(4096);
  });
});
