/**
 * One request, from params and a body stream to a `Response`, shared by FastCGI and CGI: the
 * lazy `Request`, the app's context, Node `(req, res)` apps through core's runner, and the
 * error answers (never a rejection).
 */
import {
  WaitUntilList,
  appFetch,
  bodyTooLarge,
  checkFetchMethod,
  createLightweightRequest,
  createLifecycle,
  errorResponse,
  getNodeRequestRunner,
  installLightweightResponse,
  logError,
  methodRefusal,
  trustRule,
  type App,
  type AppContext,
  type LightweightBody,
  type LightweightRequestInput,
  type TrustProxy,
  type TrustRule,
} from '@adapt/core';
import { paramsEncrypted, paramsHeaders, paramsHost, paramsRemoteAddress, paramsTarget, paramsUrl, type Params } from './params.js';

export interface HandlerOptions {
  /**
   * Proxies in front of the web server whose X-Forwarded-For (and -Proto, -Host) are believed
   * (core's client-address rule: false, true, a number of hops, or addresses and CIDRs). The web
   * server itself is the peer: REMOTE_ADDR is the client by default. Default false.
   */
  trustProxy?: TrustProxy;
  /** Largest request body in bytes; a larger one gets 413. Default 1 MiB; `Infinity` for none. */
  bodyLimit?: number;
  /** Methods answered 405 before the app runs, such as `['TRACE']`. */
  refuseMethods?: string[];
  /** Put stack traces in error answers (never in production). Default false. */
  dev?: boolean;
}

export const defaultBodyLimit = 1024 * 1024;

/** `context.raw` under FastCGI and CGI: the meta-variables the web server sent. */
export interface FastcgiRaw {
  params: ReadonlyMap<string, string>;
  /** The FastCGI request id (0 under CGI). */
  requestId: number;
}

export interface Handler {
  platform: 'fastcgi' | 'cgi';
  bodyLimit: number;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** The app's answer, or the error answer; never rejects. */
  handle(params: Params, requestId: number, body: ReadableStream<Uint8Array> | null, signal: () => AbortSignal): Promise<Response>;
}

export function createHandler(app: App, platform: 'fastcgi' | 'cgi', options: HandlerOptions = {}): Handler {
  installLightweightResponse();
  const nodeRequest = getNodeRequestRunner(app);
  const fetch = nodeRequest ? undefined : appFetch(app);
  const trust = trustRule(options.trustProxy);
  const bodyLimit = options.bodyLimit ?? defaultBodyLimit;
  if (!(bodyLimit > 0)) throw new TypeError(`adapt: option "bodyLimit" must be a positive number of bytes; got ${JSON.stringify(options.bodyLimit)}`);
  const refuseMethod = methodRefusal(options.refuseMethods);
  const dev = options.dev ?? false;
  const env = process.env;
  const lifecycle = createLifecycle(app, { platform, env });
  const tasks = new WaitUntilList((error) => logError('waitUntil task failed', error));
  let ready = false;

  const fail = (params: Params, error: unknown): Response => {
    logError(`${params.get('REQUEST_METHOD') ?? '?'} ${(params.get('REQUEST_URI') ?? '').slice(0, 200)}`, error);
    return errorResponse(error, { dev });
  };

  const run = async (params: Params, requestId: number, body: ReadableStream<Uint8Array> | null, signal: () => AbortSignal): Promise<Response> => {
    if (!ready) {
      await lifecycle.setup();
      ready = true;
    }
    const method = params.get('REQUEST_METHOD') || 'GET';
    refuseMethod?.(method);
    const declared = params.get('CONTENT_LENGTH');
    if (declared && Number(declared) > bodyLimit) throw bodyTooLarge(bodyLimit);
    const target = paramsTarget(params);
    const remoteAddress = paramsRemoteAddress(params, trust);
    if (nodeRequest) {
      return nodeRequest({
        method,
        target,
        headers: paramsHeaders(params),
        body,
        encrypted: paramsEncrypted(params),
        host: paramsHost(params),
        remoteAddress,
        signal: signal(),
      });
    }
    checkFetchMethod(method);
    const request = createLightweightRequest(new ParamsInput(method, paramsUrl(params, target, trust), params, body, signal));
    const context: AppContext<FastcgiRaw> = { platform, env, remoteAddress, waitUntil: tasks.add, raw: { params, requestId } };
    return fetch!(request, context);
  };

  return {
    platform,
    bodyLimit,
    setup: () => lifecycle.setup(),
    async teardown() {
      await tasks.settle();
      await lifecycle.teardown();
    },
    handle(params, requestId, body, signal) {
      let result: Promise<Response>;
      try {
        result = run(params, requestId, body, signal);
      } catch (error) {
        return Promise.resolve(fail(params, error));
      }
      return result.then(
        (response) =>
          response instanceof Response ? response : fail(params, new TypeError(`the app answered ${response === undefined ? 'undefined' : typeof response} instead of a Response`)),
        (error) => fail(params, error),
      );
    },
  };
}

/** The lightweight request's input: plain fields and methods on a prototype, no closures per request. */
class ParamsInput implements LightweightRequestInput {
  readonly method: string;
  readonly url: string;
  readonly body: LightweightBody | null;
  readonly #params: Params;
  readonly #signal: () => AbortSignal;

  constructor(method: string, url: string, params: Params, body: ReadableStream<Uint8Array> | null, signal: () => AbortSignal) {
    this.method = method;
    this.url = url;
    this.body = body ? { stream: () => body } : null;
    this.#params = params;
    this.#signal = signal;
  }

  headers(): Headers {
    return paramsHeaders(this.#params);
  }

  signal(): AbortSignal {
    return this.#signal();
  }
}

export type { TrustRule };
