/**
 * `runCgi(app)`: answers exactly one CGI request (RFC 3875) and exits. The request is the
 * environment (the same meta-variables FastCGI sends as params) and stdin; the answer goes to
 * stdout as a CGI response.
 */
import type { App } from '@adapt/core';
import { logError } from '@adapt/core';
import { cgiAnswer } from './cgi-response.js';
import { createHandler, type HandlerOptions } from './handler.js';
import type { Params } from './params.js';

export interface CgiOptions extends HandlerOptions {
  /** Exit the process once the answer is written (the default), even if the app keeps handles open. */
  exit?: boolean;
}

/**
 * Serves the one request of this CGI process; resolves with the exit code (0, or 1 when the
 * answer could not be written whole) after the process has written it.
 *
 * @example
 * #!/usr/bin/env node
 * import { runCgi } from '@adapt/fastcgi';
 * import app from './app.js';
 * await runCgi(app);
 */
export async function runCgi(app: App, options: CgiOptions = {}): Promise<number> {
  const params: Params = new Map();
  for (const [name, value] of Object.entries(process.env)) {
    // the environment holds strings decoded as UTF-8; params are byte strings (one char per byte)
    if (value !== undefined) params.set(name, /^[\x00-\x7f]*$/.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1'));
  }
  // httpoxy: a client's `Proxy:` header must not become this process's proxy setting
  delete process.env.HTTP_PROXY;
  const handler = createHandler(app, 'cgi', options);
  const method = params.get('REQUEST_METHOD') || 'GET';
  const abort = new AbortController();
  const onGone = () => abort.abort(new DOMException('the web server closed stdout', 'AbortError'));
  process.stdout.once('error', onGone);
  let code = 0;
  try {
    const response = await handler.handle(params, 0, stdinBody(params, method), () => abort.signal);
    code = await writeAnswer(cgiAnswer(response, method), abort.signal);
    await handler.teardown();
  } catch (error) {
    logError('CGI answer', error);
    code = 1;
  }
  if (options.exit ?? true) process.exit(code);
  return code;
}

/** The body: CONTENT_LENGTH bytes of stdin (never more, as RFC 3875 says), or all of it when the server gives no length. */
function stdinBody(params: Params, method: string): ReadableStream<Uint8Array> | null {
  const declared = params.get('CONTENT_LENGTH');
  const length = declared ? Number(declared) : undefined;
  if (length === 0 || (length === undefined && (method === 'GET' || method === 'HEAD'))) return method === 'GET' || method === 'HEAD' ? null : emptyStream();
  const stdin = process.stdin;
  let left = length ?? Infinity;
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        stdin.on('data', (chunk: Buffer) => {
          if (done) return;
          const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
          left -= part.length;
          controller.enqueue(new Uint8Array(part.buffer, part.byteOffset, part.length));
          if (left === 0) finish(() => controller.close());
          else if ((controller.desiredSize ?? 0) <= 0) stdin.pause();
        });
        stdin.once('end', () =>
          finish(() => (left === Infinity ? controller.close() : controller.error(new Error(`stdin ended ${left} bytes before CONTENT_LENGTH ${declared}`)))),
        );
        stdin.once('error', (error) => finish(() => controller.error(error)));
        stdin.pause();
      },
      pull() {
        stdin.resume();
      },
      cancel() {
        finish(() => {});
      },
    },
    { highWaterMark: 1 },
  );
  function finish(then: () => void): void {
    if (done) return;
    done = true;
    stdin.pause();
    then();
  }
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}

/** Writes head and body to stdout with backpressure; 1 when the body failed midway (logged). */
async function writeAnswer(answer: ReturnType<typeof cgiAnswer>, signal: AbortSignal): Promise<number> {
  const stdout = process.stdout;
  const { head, body } = answer;
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = Buffer.allocUnsafe(head.length + (body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength));
    bytes.write(head, 0, 'latin1');
    if (typeof body === 'string') bytes.write(body, head.length, 'utf8');
    else if (body) bytes.set(body, head.length);
    await write(bytes);
    return 0;
  }
  await write(Buffer.from(head, 'latin1'));
  const reader = body.getReader();
  signal.addEventListener('abort', () => void reader.cancel(signal.reason).catch(() => {}), { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || signal.aborted) return 0;
      await write(value);
    }
  } catch (error) {
    // the head is out: the web server can only see the body end early
    logError('response stream failed', error);
    void reader.cancel(error).catch(() => {});
    return 1;
  }

  function write(chunk: Uint8Array): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      stdout.write(chunk, () => resolve());
    });
  }
}
