/**
 * A small AWS Lambda Runtime API server on 127.0.0.1 for tests: enough of
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html for the real aws-lambda-ric to
 * run a handler: next invocation (long poll), response (buffered, or streamed with
 * `Lambda-Runtime-Function-Response-Mode: streaming`, chunked, with error trailers), invocation
 * error and init error.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface InvocationOutcome {
  kind: 'response' | 'error';
  /** The request headers of the POST (content-type, response mode...). */
  headers: IncomingMessage['headers'];
  trailers: Record<string, string | undefined>;
  body: Buffer;
}

interface Pending {
  id: string;
  event: unknown;
  deadlineMs: number;
  settle: (outcome: InvocationOutcome) => void;
}

export class RuntimeApi {
  readonly #server: Server;
  readonly #queue: Pending[] = [];
  readonly #inFlight = new Map<string, Pending>();
  readonly #waiting: ServerResponse[] = [];
  readonly initErrors: string[] = [];
  #next = 0;

  private constructor() {
    this.#server = createServer((req, res) => {
      this.#route(req, res).catch((error) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
  }

  static async start(): Promise<RuntimeApi> {
    const api = new RuntimeApi();
    api.#server.listen(0, '127.0.0.1');
    await once(api.#server, 'listening');
    return api;
  }

  /** `host:port`, the value of AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** Queues an event; resolves with what the runtime posted back for it. */
  invoke(event: unknown, timeoutMs = 30_000): Promise<InvocationOutcome> {
    return new Promise((settle) => {
      const id = `req-${++this.#next}`;
      const pending: Pending = { id, event, deadlineMs: Date.now() + timeoutMs, settle };
      const waiter = this.#waiting.shift();
      if (waiter) this.#hand(waiter, pending);
      else this.#queue.push(pending);
    });
  }

  async close(): Promise<void> {
    for (const res of this.#waiting.splice(0)) res.destroy();
    this.#server.closeAllConnections();
    this.#server.close();
  }

  #hand(res: ServerResponse, pending: Pending): void {
    this.#inFlight.set(pending.id, pending);
    const body = JSON.stringify(pending.event);
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'lambda-runtime-aws-request-id': pending.id,
      'lambda-runtime-deadline-ms': String(pending.deadlineMs),
      'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:us-east-1:123456789012:function:ric-test',
      'lambda-runtime-trace-id': 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
    });
    res.end(body);
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === '/2018-06-01/runtime/invocation/next') {
      const pending = this.#queue.shift();
      if (pending) this.#hand(res, pending);
      else this.#waiting.push(res);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (req.method === 'POST' && url === '/2018-06-01/runtime/init/error') {
      this.initErrors.push(body.toString());
      res.writeHead(202).end('{"status":"OK"}');
      return;
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    const pending = match ? this.#inFlight.get(decodeURIComponent(match[1])) : undefined;
    if (!match || !pending) {
      res.writeHead(404).end('{"errorMessage":"unknown invocation"}');
      return;
    }
    this.#inFlight.delete(pending.id);
    const trailers = req.trailers as Record<string, string | undefined>;
    const failed = match[2] === 'error' || trailers['lambda-runtime-function-error-type'] !== undefined;
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"OK"}');
    pending.settle({ kind: failed ? 'error' : 'response', headers: req.headers, trailers, body });
  }
}

/** Splits a streamed HTTP integration response: JSON prelude, 8 NUL bytes, body. */
export function splitPrelude(body: Buffer): { prelude: { statusCode: number; headers?: Record<string, string>; cookies?: string[] }; body: Buffer } {
  const nul = body.indexOf(Buffer.alloc(8));
  if (nul === -1) throw new Error(`no prelude delimiter in ${body.length} bytes: ${body.subarray(0, 80).toString()}`);
  return { prelude: JSON.parse(body.subarray(0, nul).toString()), body: body.subarray(nul + 8) };
}
