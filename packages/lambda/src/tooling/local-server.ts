/**
 * HTTP on localhost in front of a Lambda handler, for `adapt start` and `adapt dev`: each request
 * becomes the event of the configured source (sources.ts), the handler's answer becomes the HTTP
 * that source would send back. A buffered answer goes through the source's result rules (an answer
 * the source would refuse is a 502, as there); a streamed one (Function URL RESPONSE_STREAM) is
 * passed on as it is written. After the function's timeout the client gets 504, as from a
 * Function URL or API Gateway when the function times out.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { buildEvent, sourceResponse, type SourceKind } from './sources.js';

/** What the handler gave back for one event. */
export type LocalAnswer =
  | { kind: 'buffered'; payload: Buffer }
  | { kind: 'stream'; contentType: string | undefined; body: Readable; ended: Promise<Record<string, string | undefined>> }
  | { kind: 'error'; detail: string };

export interface LocalInvoker {
  /**
   * Runs one event. The timeout counts from `started` (the runtime took the event: a cold start's
   * init is not part of it, as on Lambda); `abandon` is called when it passed first.
   */
  invoke(event: unknown, timeoutMs: number): { started?: Promise<void>; answer: Promise<LocalAnswer>; abandon(): void };
}

export interface LocalListenerOptions {
  source: SourceKind;
  timeoutSeconds: number;
  invoker: LocalInvoker;
  /** Where function errors and refused answers are reported (the terminal). */
  report(line: string): void;
}

const preludeType = 'application/vnd.awslambda.http-integration-response';
const delimiter = Buffer.alloc(8);

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function writeHeaders(res: ServerResponse, status: number, headers: Headers): void {
  for (const [name, value] of headers) if (name !== 'set-cookie') res.setHeader(name, value);
  const cookies = headers.getSetCookie();
  if (cookies.length) res.setHeader('set-cookie', cookies);
  res.statusCode = status;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? Buffer.concat(chunks) : undefined;
}

/**
 * Reads a streamed HTTP integration response's prelude (JSON, then 8 NUL bytes) and leaves `body`
 * paused after it, with what followed the delimiter in `rest`; undefined if the stream ends first.
 */
function readPrelude(body: Readable): Promise<{ prelude: { statusCode?: number; headers?: Record<string, string>; cookies?: string[] }; rest: Buffer } | undefined> {
  return new Promise((resolve, reject) => {
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const at = seen.indexOf(delimiter);
      if (at < 0) return;
      body.pause();
      done();
      try {
        resolve({ prelude: JSON.parse(seen.subarray(0, at).toString('utf8')), rest: seen.subarray(at + 8) });
      } catch (error) {
        reject(error);
      }
    };
    const onEnd = () => {
      done();
      resolve(undefined);
    };
    const done = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onEnd);
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('close', onEnd);
  });
}

export function createLocalListener(options: LocalListenerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { source, invoker, report } = options;
  const timeoutMs = options.timeoutSeconds * 1000;
  return (req, res) => {
    void (async () => {
      const body = await readBody(req);
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      const event = buildEvent(
        source,
        { method: req.method ?? 'GET', path: req.url ?? '/', headers: pairs, body },
        {
          sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, ''),
          requestId: randomUUID(),
          time: new Date(),
        },
      );
      const { started, answer, abandon } = invoker.invoke(event, timeoutMs);
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const finish = () => {
        settled = true;
        clearTimeout(timer);
      };
      const timedOut = new Promise<'timeout'>((resolve) => {
        void Promise.resolve(started).then(() => {
          if (!settled) timer = setTimeout(() => !settled && resolve('timeout'), timeoutMs);
        });
      });
      const outcome = await Promise.race([answer, timedOut]);
      if (outcome === 'timeout') {
        finish();
        abandon();
        report(`Task timed out after ${options.timeoutSeconds.toFixed(2)} seconds (${req.method} ${req.url}); raise targets.lambda.timeout if the app needs longer`);
        return send(res, 504, '{"message":"Endpoint request timed out"}');
      }
      if (outcome.kind === 'stream') {
        // the timeout keeps running while the body streams, as on Lambda
        const guard = timedOut.then(() => {
          abandon();
          report(`Task timed out after ${options.timeoutSeconds.toFixed(2)} seconds while streaming (${req.method} ${req.url})`);
          res.destroy();
        });
        void guard;
        const parsed = outcome.contentType === preludeType ? await readPrelude(outcome.body) : undefined;
        if (outcome.contentType === preludeType && !parsed) {
          finish();
          const trailers = await outcome.ended;
          report(`the function failed before its response started (${trailers['lambda-runtime-function-error-type'] ?? 'no prelude'})`);
          return send(res, 502, '{"message":"Internal Server Error"}');
        }
        const headers = new Headers();
        for (const [name, value] of Object.entries(parsed?.prelude.headers ?? {})) headers.set(name, String(value));
        for (const cookie of parsed?.prelude.cookies ?? []) headers.append('set-cookie', cookie);
        if (!parsed && outcome.contentType) headers.set('content-type', outcome.contentType);
        writeHeaders(res, parsed?.prelude.statusCode ?? 200, headers);
        if (parsed?.rest.length) res.write(parsed.rest);
        outcome.body.on('data', (chunk: Buffer) => res.write(chunk));
        outcome.body.resume();
        const trailers = await outcome.ended;
        finish();
        if (trailers['lambda-runtime-function-error-type']) {
          report(`the function failed while streaming (${trailers['lambda-runtime-function-error-type']}); the response is cut off, as on Lambda`);
          res.destroy();
          return;
        }
        res.end();
        return;
      }
      finish();
      if (outcome.kind === 'error') {
        report(`the function failed (${req.method} ${req.url}): ${outcome.detail}`);
        return send(res, 502, '{"message":"Internal Server Error"}');
      }
      let result: unknown;
      try {
        result = JSON.parse(outcome.payload.toString('utf8'));
      } catch {
        report(`the function answered a payload that is not JSON (${req.method} ${req.url})`);
        return send(res, 502, '{"message":"Internal Server Error"}');
      }
      const payloadV2 = source === 'function-url' || source === 'apigw-v2';
      if (payloadV2 && (result === null || typeof result !== 'object' || !('statusCode' in result))) {
        // payload 2.0: a bare value is a 200 JSON answer
        return send(res, 200, JSON.stringify(result));
      }
      let response: ReturnType<typeof sourceResponse>;
      try {
        response = sourceResponse(source, result, req.method);
      } catch (error) {
        report(`${source} would refuse the function's answer: ${(error as Error).message}`);
        return send(res, 502, '{"message":"Internal Server Error"}');
      }
      writeHeaders(res, response.status, response.headers);
      if (!response.headers.has('content-length') && req.method !== 'HEAD') res.setHeader('content-length', response.body.byteLength);
      res.end(response.body);
    })().catch((error) => {
      report(`adapt start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      send(res, 502, '{"message":"Internal Server Error"}');
    });
  };
}
