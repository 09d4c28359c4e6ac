/**
 * The `awslambda` global for unit tests (the approach of hono's runtime-tests/lambda/mock.ts),
 * made to behave like aws-lambda-ric 3.x: `HttpResponseStream.from` sets the content type and
 * writes the prelude (JSON, then 8 NUL bytes) on the first write only; the stream is a real
 * Writable with a small highWaterMark, so backpressure happens.
 */
import { Writable } from 'node:stream';
import { vi } from 'vitest';

export const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';

export class MockResponseStream extends Writable {
  readonly chunks: Buffer[] = [];
  contentType = 'application/octet-stream';
  _onBeforeFirstWrite: ((write: (chunk: string | Uint8Array) => boolean) => void) | undefined;
  #wrote = false;
  drains = 0;

  constructor(highWaterMark = 64 * 1024) {
    super({
      highWaterMark,
      write: (chunk: Buffer, _encoding, callback) => {
        this.chunks.push(Buffer.from(chunk));
        setImmediate(callback); // a slow consumer: forces 'drain' waits on big bodies
      },
    });
    this.on('drain', () => this.drains++);
  }

  setContentType(contentType: string): void {
    if (this.#wrote) throw new Error('Cannot set content-type, too late.');
    this.contentType = contentType;
  }

  override write(chunk: any, ...rest: any[]): boolean {
    if (!this.#wrote && this._onBeforeFirstWrite) this._onBeforeFirstWrite((c) => super.write(c));
    this.#wrote = true;
    return super.write(chunk, ...rest);
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export interface StreamedOutput {
  stream: MockResponseStream;
  /** The prelude when the stream was an HTTP integration response. */
  prelude?: { statusCode: number; headers?: Record<string, string>; cookies?: string[] };
  body: Buffer;
}

/** Splits an HTTP integration response into its prelude and body. */
export function parseStreamed(stream: MockResponseStream): StreamedOutput {
  const bytes = stream.bytes;
  if (stream.contentType !== PRELUDE_CONTENT_TYPE) return { stream, body: bytes };
  const nul = bytes.indexOf(Buffer.alloc(8));
  if (nul === -1) throw new Error(`no 8-NUL delimiter after the prelude (${bytes.length} bytes written)`);
  return { stream, prelude: JSON.parse(bytes.subarray(0, nul).toString('utf8')), body: bytes.subarray(nul + 8) };
}

export const awslambdaMock = {
  streamifyResponse(handler: (event: unknown, stream: MockResponseStream, context: unknown) => Promise<void>) {
    return async (event: unknown, context: unknown, highWaterMark?: number): Promise<StreamedOutput> => {
      const stream = new MockResponseStream(highWaterMark);
      await handler(event, stream, context);
      if (!stream.writableFinished) await new Promise<void>((resolve) => stream.once('finish', () => resolve()));
      return parseStreamed(stream);
    };
  },
  HttpResponseStream: {
    from(stream: MockResponseStream, prelude: object) {
      stream.setContentType(PRELUDE_CONTENT_TYPE);
      const json = JSON.stringify(prelude);
      stream._onBeforeFirstWrite = (write) => {
        write(json);
        write(new Uint8Array(8));
      };
      return stream;
    },
  },
};

export function stubAwslambda(): void {
  vi.stubGlobal('awslambda', awslambdaMock);
}

/** The HTTP response a Function URL would send for a streamed output. */
export function streamedToResponse(output: StreamedOutput, method = 'GET') {
  if (!output.prelude) throw new Error('the stream has no HTTP integration prelude');
  const headers = new Headers();
  for (const [name, value] of Object.entries(output.prelude.headers ?? {})) headers.append(name, value);
  for (const cookie of output.prelude.cookies ?? []) headers.append('set-cookie', cookie);
  const body = method === 'HEAD' ? new Uint8Array(0) : new Uint8Array(output.body.buffer, output.body.byteOffset, output.body.byteLength);
  return { status: output.prelude.statusCode, headers, body };
}
