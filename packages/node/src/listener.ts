/**
 * `createListener(app)`: the `(req, res)` request listener that runs an adapt app on Node's HTTP
 * server. `serve()` uses it; `adapt dev` swaps listeners without closing the socket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  appFetch,
  bodyTooLarge,
  checkFetchMethod,
  createLifecycle,
  errorAnswer,
  getNodeHandler,
  installLightweightResponse,
  isHttpError,
  logError,
  trustRule,
  methodRefusal,
  WaitUntilList,
  type App,
  type AppContext,
  type NodeHandler,
  type Platform,
  type TrustRule,
} from '@adapt/core';
import { defaultBodyLimit, normalizeStatic, type ListenerOptions } from './options.js';
import { createRequest, rawHeader, remoteAddressOf, type RequestOptions } from './request.js';
import { writeResponse } from './response.js';
import { createStaticHandler } from './static.js';

/** `context.raw` on Node. */
export interface NodeRaw {
  req: IncomingMessage;
  res: ServerResponse;
}

/**
 * What a platform that hands adapt Node's own `req`/`res` (Cloud Functions through
 * functions-framework, App Engine) changes in the listener: its name, how the request is read and
 * what the context holds. Everything else (setup, limits, writing the answer, error answers) stays.
 */
export interface NodePlatform {
  /** `context.platform`, and the platform `setup()` is told. */
  readonly name: Platform;
  /** The request the app gets. */
  createRequest(req: IncomingMessage, res: ServerResponse, options: RequestOptions): Request;
  /** The context the app gets. */
  createContext(req: IncomingMessage, res: ServerResponse, trust: TrustRule, env: Record<string, string | undefined>, waitUntil: (promise: Promise<unknown>) => void): AppContext;
}

/** The plain Node server: the request read from the socket, the address from the socket (or a trusted proxy). */
export const nodePlatform: NodePlatform = {
  name: 'node',
  createRequest,
  createContext: (req, res, trust, env, waitUntil) => new NodeContext(req, res, trust, env, waitUntil),
};

export interface RequestListener {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Runs the app's `setup()` once; requests that arrive earlier wait for it. */
  setup(): Promise<void>;
  /** Waits for `waitUntil` work, then runs the app's `teardown()`. */
  teardown(): Promise<void>;
  /** While true, answers carry `Connection: close` (set during a graceful shutdown). */
  closing: boolean;
}

/**
 * The request listener for `app`, for `http.createServer(listener)` or a server you already have.
 * An app made by `fromNodeHandler` gets the real `req` and `res`, with no conversion at all.
 *
 * @example
 * import { createServer } from 'node:http';
 * import { createListener } from '@adapt/node';
 * import app from './app.js';
 * const listener = createListener(app);
 * await listener.setup();
 * createServer(listener).listen(3000);
 */
export function createListener(app: App, options: ListenerOptions = {}): RequestListener {
  const platform = options.platform ?? nodePlatform;
  installLightweightResponse();
  const nodeHandler = getNodeHandler(app);
  const fetch = nodeHandler ? undefined : appFetch(app);
  const trust = trustRule(options.trustProxy);
  const bodyLimit = options.bodyLimit ?? defaultBodyLimit;
  const dev = options.dev ?? false;
  const refuseMethod = methodRefusal(options.refuseMethods);
  const requestOptions = { trust, bodyLimit };
  const env = process.env;
  const lifecycle = createLifecycle(app, { platform: platform.name, env });
  const tasks = new WaitUntilList((error) => logError('waitUntil task failed', error));
  const staticOptions = normalizeStatic(options.static);
  const serveStatic = staticOptions ? createStaticHandler(staticOptions) : undefined;
  let ready = false;

  const fail = (req: IncomingMessage, res: ServerResponse, error: unknown): void => {
    logError(`${req.method} ${(req.url ?? '').slice(0, 200)}`, error);
    answerError(req, res, error, dev, listener.closing);
  };

  const runApp = (req: IncomingMessage, res: ServerResponse): void => {
    if (!ready) {
      lifecycle.setup().then(
        () => {
          ready = true;
          runApp(req, res);
        },
        (error) => fail(req, res, error),
      );
      return;
    }
    const method = req.method!;
    let request: Request;
    try {
      checkRequest(req, method, bodyLimit, refuseMethod);
      checkFetchMethod(method);
      request = platform.createRequest(req, res, requestOptions);
    } catch (error) {
      return fail(req, res, error);
    }
    const context = platform.createContext(req, res, trust, env, tasks.add);
    let result: Response | Promise<Response>;
    try {
      result = fetch!(request, context);
    } catch (error) {
      return fail(req, res, error);
    }
    if (result instanceof Promise || typeof (result as { then?: unknown })?.then === 'function') {
      (result as Promise<Response>).then(
        (response) => send(req, res, response),
        (error) => fail(req, res, error),
      );
    } else {
      send(req, res, result);
    }
  };

  const send = (req: IncomingMessage, res: ServerResponse, response: Response): void => {
    if (res.headersSent) return; // the app answered through context.raw itself
    if (res.destroyed) {
      // the client is gone: stop a streamed body so the app's work ends too
      const body = (response as { body?: unknown } | null)?.body;
      if (body instanceof ReadableStream && !body.locked) void body.cancel().catch(() => {});
      return;
    }
    try {
      const pending = writeResponse(response, res, req.method!, listener.closing);
      if (pending) pending.catch((error) => fail(req, res, error));
    } catch (error) {
      fail(req, res, error);
    }
  };

  // Called as node:http calls a listener, (req, res): the app answers everything itself.
  const runNodeHandler = (handler: NodeHandler, req: IncomingMessage, res: ServerResponse): void => {
    try {
      checkRequest(req, req.method!, bodyLimit, refuseMethod);
      if (listener.closing) res.setHeader('connection', 'close');
      const result = handler(req, res);
      if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(undefined, (error) => fail(req, res, error));
    } catch (error) {
      fail(req, res, error);
    }
  };

  const handle = nodeHandler ? (req: IncomingMessage, res: ServerResponse) => runNodeHandler(nodeHandler, req, res) : runApp;

  const listener = ((req: IncomingMessage, res: ServerResponse): void => {
    if (serveStatic && (req.method === 'GET' || req.method === 'HEAD')) {
      serveStatic(req, res).then(
        (served) => {
          if (!served) handle(req, res);
        },
        (error) => fail(req, res, error),
      );
      return;
    }
    handle(req, res);
  }) as RequestListener;
  listener.closing = false;
  listener.setup = async () => {
    await lifecycle.setup();
    ready = true;
  };
  listener.teardown = async () => {
    await tasks.settle();
    await lifecycle.teardown();
  };
  return listener;
}

/** Refuses what the app must never see: a method the operator refused, a declared body over the limit. */
function checkRequest(req: IncomingMessage, method: string, bodyLimit: number, refuseMethod: ((method: string) => void) | undefined): void {
  refuseMethod?.(method);
  if (method === 'GET' || method === 'HEAD') return;
  const declared = rawHeader(req.rawHeaders, 'content-length');
  if (declared !== undefined && Number(declared) > bodyLimit) throw bodyTooLarge(bodyLimit);
}

/** The error answer: plain text, no stack unless dev; the connection closes after a 413 or 400. */
function answerError(req: IncomingMessage, res: ServerResponse, error: unknown, dev: boolean, closing: boolean): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const answer = errorAnswer(error, { dev });
  const headers: Record<string, string> = { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) };
  // after a refused body or a malformed request, the rest of the connection cannot be trusted
  if (closing || (isHttpError(error) && (answer.status === 413 || answer.status === 400))) headers.connection = 'close';
  try {
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    res.writeHead(answer.status, headers);
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  } catch {
    res.destroy();
  }
}

/**
 * `context` on Node: plain own properties, so spreading or logging it shows everything. The
 * address is read at once: after the connection closes the socket no longer knows it.
 */
class NodeContext implements AppContext<NodeRaw> {
  readonly platform: 'node';
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly remoteAddress: string | undefined;
  readonly waitUntil: (promise: Promise<unknown>) => void;
  readonly raw: NodeRaw;

  constructor(req: IncomingMessage, res: ServerResponse, trust: TrustRule, env: Record<string, string | undefined>, waitUntil: (promise: Promise<unknown>) => void) {
    this.platform = 'node';
    this.env = env;
    this.remoteAddress = remoteAddressOf(req, trust);
    this.waitUntil = waitUntil;
    this.raw = { req, res };
  }
}
