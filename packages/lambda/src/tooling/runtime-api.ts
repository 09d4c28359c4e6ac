/**
 * A local AWS Lambda Runtime API on 127.0.0.1: enough of
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html for a runtime client (the real
 * aws-lambda-ric, or adapt's own local one) to run a handler: next invocation (long poll),
 * response (buffered, or streamed with `Lambda-Runtime-Function-Response-Mode: streaming`,
 * chunked, with error trailers), invocation error and init error. The answer is handed over as
 * soon as its POST arrives, so a streamed body can be passed on while it is written.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RuntimeAnswer {
  /** `response` or `error`: the path the runtime posted to. */
  path: 'response' | 'error';
  /** The request headers of the POST (content-type, response mode...). */
  headers: IncomingMessage['headers'];
  /** The body as it arrives. */
  body: IncomingMessage;
  /** Once the body ended: its trailers (a streamed error sets Lambda-Runtime-Function-Error-Type). */
  ended: Promise<Record<string, string | undefined>>;
}

export interface RuntimeInvocation {
  id: string;
  event: unknown;
  /** The function's timeout: the deadline is this long after the runtime takes the event. */
  timeoutMs: number;
  /** The function's ARN, handed to the runtime. */
  functionArn: string;
}

interface Pending extends RuntimeInvocation {
  taken: () => void;
  answer: (answer: RuntimeAnswer) => void;
}

export class RuntimeApi {
  readonly #server: Server;
  readonly #queue: Pending[] = [];
  readonly #inFlight = new Map<string, Pending>();
  readonly #waiting: ServerResponse[] = [];
  readonly initErrors: string[] = [];
  /** Called when the runtime reports an init error (it exits after). */
  onInitError: ((body: string) => void) | undefined;
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

  /**
   * Queues an event. `taken` resolves when the runtime takes it (its init done: Lambda's timeout
   * counts from there), `answer` when the runtime starts posting its answer.
   */
  invoke(event: unknown, options: { timeoutMs?: number; functionArn?: string } = {}): { id: string; taken: Promise<void>; answer: Promise<RuntimeAnswer> } {
    const id = `local-${process.pid}-${++this.#next}`;
    let taken!: () => void;
    const takenPromise = new Promise<void>((resolve) => (taken = resolve));
    const answer = new Promise<RuntimeAnswer>((resolve) => {
      const pending: Pending = {
        id,
        event,
        timeoutMs: options.timeoutMs ?? 30_000,
        functionArn: options.functionArn ?? 'arn:aws:lambda:us-east-1:000000000000:function:local',
        taken,
        answer: resolve,
      };
      const waiter = this.#waiting.shift();
      if (waiter) this.#hand(waiter, pending);
      else this.#queue.push(pending);
    });
    return { id, taken: takenPromise, answer };
  }

  /** Forgets an invocation (timed out, or its runtime died): a late answer gets 404. */
  forget(id: string): void {
    this.#inFlight.delete(id);
    const queued = this.#queue.findIndex((pending) => pending.id === id);
    if (queued >= 0) this.#queue.splice(queued, 1);
  }

  /** Drops the long polls of a runtime that is gone. */
  dropWaiting(): void {
    for (const res of this.#waiting.splice(0)) res.destroy();
  }

  async close(): Promise<void> {
    this.dropWaiting();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #hand(res: ServerResponse, pending: Pending): void {
    this.#inFlight.set(pending.id, pending);
    const body = JSON.stringify(pending.event);
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'lambda-runtime-aws-request-id': pending.id,
      'lambda-runtime-deadline-ms': String(Date.now() + pending.timeoutMs),
      'lambda-runtime-invoked-function-arn': pending.functionArn,
      'lambda-runtime-trace-id': 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
    });
    res.end(body);
    pending.taken();
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === '/2018-06-01/runtime/invocation/next') {
      const pending = this.#queue.shift();
      if (pending) this.#hand(res, pending);
      else {
        this.#waiting.push(res);
        res.once('close', () => {
          const at = this.#waiting.indexOf(res);
          if (at >= 0) this.#waiting.splice(at, 1);
        });
      }
      return;
    }
    if (req.method === 'POST' && url === '/2018-06-01/runtime/init/error') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString();
      this.initErrors.push(text);
      res.writeHead(202).end('{"status":"OK"}');
      this.onInitError?.(text);
      return;
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    const pending = match && req.method === 'POST' ? this.#inFlight.get(decodeURIComponent(match[1])) : undefined;
    if (!match || !pending) {
      req.resume();
      res.writeHead(404).end('{"errorMessage":"unknown invocation"}');
      return;
    }
    this.#inFlight.delete(pending.id);
    const ended = new Promise<Record<string, string | undefined>>((resolve) => {
      req.once('end', () => resolve(req.trailers as Record<string, string | undefined>));
      req.once('close', () => resolve(req.trailers as Record<string, string | undefined>));
    });
    void ended.then(() => {
      if (!res.headersSent) res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"OK"}');
    });
    pending.answer({ path: match[2] as 'response' | 'error', headers: req.headers, body: req, ended });
  }
}
