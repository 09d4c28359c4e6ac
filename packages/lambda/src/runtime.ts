/**
 * What a Lambda handler keeps from init to every event, and the per-event invocation: deadline,
 * waitUntil, the app's context, error answers in the source's shape.
 */
import {
  WaitUntilList,
  appFetch,
  checkFetchMethod,
  createLifecycle,
  errorAnswer,
  getNodeRequestRunner,
  installFastResponse,
  logError,
  trustRule,
  methodRefusal,
  requestTarget,
  type App,
  type AppContext,
  type BinaryRuleOptions,
  type FetchHandler,
  type TrustProxy,
  type NodeRequestInput,
} from '@adapt/core';
import { BUFFERED_RESPONSE_LIMIT, answerHead, assertResponse } from './answer.js';
import { apigwV2 } from './events/apigw-v2.js';
import { startDeadline, type Deadline } from './deadline.js';
import type { Answer, EventSource, RequestInput, SourceOptions } from './events/index.js';
import { createRequest } from './request.js';
import type { ApiGatewayV2Event, LambdaContext, LambdaHttpResult } from './types.js';

export interface LambdaHandlerOptions extends BinaryRuleOptions {
  /** A custom-domain base path to remove from every path, such as `/api`. */
  basePath?: string;
  /** Remove an HTTP API named stage (`/prod`) from the front of the path. Default true. */
  stripStage?: boolean;
  /**
   * Proxies in front of the platform whose X-Forwarded-For entries are believed (core's
   * client-address rule: false, true, a number of hops, or addresses and CIDRs). The platform
   * itself is always trusted: by default `context.remoteAddress` is the address it saw
   * (API Gateway's and Function URLs' `sourceIp`, the last X-Forwarded-For entry on ALB and
   * Lattice). Default false.
   */
  trustProxy?: TrustProxy;
  /**
   * Answer through Lambda response streaming (`awslambda.streamifyResponse`): Function URLs with
   * invoke mode RESPONSE_STREAM and REST APIs with response transfer mode STREAM. Other sources
   * still get their buffered result.
   */
  streaming?: boolean;
  /** Handles events that are not HTTP (SQS, S3, schedules...). Without it they are refused. */
  events?: (event: unknown, context: LambdaContext) => unknown;
  /** `request.signal` aborts this many ms before the invocation times out. Default 1000. */
  timeoutMargin?: number;
  /** Put stack traces in error answers (never in production). Default false. */
  dev?: boolean;
  /**
   * Methods answered 405 before the app runs, such as `['TRACE', 'TRACK']`. Default: none (a Node
   * `(req, res)` app gets every method the event carries; a fetch app cannot get CONNECT, TRACE or
   * TRACK, which the standard Request refuses).
   */
  refuseMethods?: string[];
  /** Keep Lambda's default of waiting for an empty event loop before freezing. Default false. */
  waitForEmptyEventLoop?: boolean;
  /** Largest buffered result in bytes. Default 6 MB, Lambda's limit. */
  maxResponseBytes?: number;
  /**
   * Install core's lightweight `Response` as `globalThis.Response` (it behaves like the standard
   * class, and the adapter reads its body back without a stream). Default true.
   */
  fastResponse?: boolean;
}

export type LambdaHandler = (event: any, context: LambdaContext) => Promise<any>;

export interface LambdaRaw {
  event: unknown;
  context: LambdaContext;
}

/** What one handler keeps from init to every event. */
export interface Runtime {
  fetch: FetchHandler;
  /** For an app made by fromNodeHandler: its Node handler gets the event's request as sent, not a Request. */
  nodeRequest: ((input: NodeRequestInput) => Promise<Response>) | undefined;
  /** The `refuseMethods` option, checked. */
  refuseMethod: ((method: string) => void) | undefined;
  /** The setup promise until it has settled well, then undefined. */
  setup: Promise<void> | undefined;
  sourceOptions: SourceOptions;
  answerOptions: BinaryRuleOptions & { limit: number };
  margin: number;
  dev: boolean;
  keepEventLoop: boolean;
  env: Readonly<Record<string, string | undefined>>;
  events: ((event: unknown, context: LambdaContext) => unknown) | undefined;
}

export function createRuntime(app: App, options: LambdaHandlerOptions): Runtime {
  const fetch = appFetch(app);
  const env = process.env;
  const lifecycle = createLifecycle(app, { platform: 'lambda', env });
  const runtime: Runtime = {
    fetch,
    nodeRequest: getNodeRequestRunner(app),
    refuseMethod: methodRefusal(options.refuseMethods),
    setup: undefined,
    sourceOptions: { basePath: normalizeBasePath(options.basePath), stripStage: options.stripStage ?? true, trust: trustRule(options.trustProxy) },
    answerOptions: { isTextContentType: options.isTextContentType, limit: options.maxResponseBytes ?? BUFFERED_RESPONSE_LIMIT },
    margin: validMargin(options.timeoutMargin),
    dev: options.dev ?? false,
    keepEventLoop: options.waitForEmptyEventLoop ?? false,
    env,
    events: options.events,
  };
  // Cold start work happens now, during Lambda's init phase, not on the first event.
  const setup = lifecycle.setup();
  runtime.setup = setup.then(() => {
    runtime.setup = undefined;
  });
  runtime.setup.catch(() => {}); // reported on each event, never as an unhandled rejection
  if (options.fastResponse !== false) installFastResponse();
  warmUp(runtime.sourceOptions);
  return runtime;
}

/** One event in flight: its deadline, its waitUntil tasks, the app's context. */
export class Invocation implements AppContext<LambdaRaw> {
  readonly platform = 'lambda';
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly remoteAddress: string | undefined;
  readonly raw: LambdaRaw;
  readonly #runtime: Runtime;
  readonly #input: RequestInput;
  readonly #deadline: Deadline | undefined;
  #tasks: WaitUntilList | undefined;

  constructor(runtime: Runtime, input: RequestInput, event: unknown, context: LambdaContext) {
    this.#runtime = runtime;
    this.#input = input;
    this.env = runtime.env;
    this.remoteAddress = input.remoteAddress;
    this.raw = { event, context };
    this.#deadline = startDeadline(context, runtime.margin);
  }

  waitUntil = (promise: Promise<unknown>): void => {
    (this.#tasks ??= new WaitUntilList()).add(promise);
  };

  /** Runs setup (first event only), then the app; returns its Response. */
  async respond(): Promise<Response> {
    if (this.#runtime.setup !== undefined) await this.within(this.#runtime.setup);
    this.#runtime.refuseMethod?.(this.#input.method);
    if (this.#runtime.nodeRequest !== undefined) return this.within(this.#runtime.nodeRequest(nodeInput(this.#input, this.#deadline?.signal())));
    checkFetchMethod(this.#input.method);
    const request = createRequest(this.#input, this.#deadline?.signal);
    const answer = this.#runtime.fetch(request, this);
    return assertResponse(answer instanceof Promise || isThenable(answer) ? await this.within(Promise.resolve(answer)) : answer);
  }

  /** Waits for `promise`, but not past the invocation's deadline (then a 504 error). */
  within<T>(promise: Promise<T>): Promise<T> {
    return this.#deadline === undefined ? promise : this.#deadline.race(promise);
  }

  /** Waits for waitUntil tasks (not past the deadline), then clears the timers. */
  async finish(): Promise<void> {
    if (this.#tasks !== undefined && this.#tasks.size > 0) {
      await this.within(this.#tasks.settle()).catch((error) => logError('lambda waitUntil', error));
    }
    this.#deadline?.clear();
  }
}

/** The event's request for a Node handler: the path as the event gave it, the body whatever the method. */
function nodeInput(input: RequestInput, signal: AbortSignal | undefined): NodeRequestInput {
  const url = input.url;
  const start = url.indexOf('//') + 2;
  return {
    method: input.method,
    target: requestTarget(input.path, input.query, input.pathDecoded),
    headers: input.headers,
    // an event without a body but with a length header: the body is known to be empty, so the length says 0
    body: input.body ?? (input.headers.has('content-length') || input.headers.has('transfer-encoding') ? new Uint8Array(0) : null),
    encrypted: url.startsWith('https:'),
    host: url.slice(start, url.indexOf('/', start)),
    remoteAddress: input.remoteAddress,
    signal,
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** The error's answer in the source's own shape, with one log line. */
export function errorResult(runtime: Runtime, source: EventSource, event: unknown, error: unknown, where: string): LambdaHttpResult {
  logError(`lambda ${source.name} ${where}`, error);
  return source.createResult(errorAnswerFor(runtime, error), event);
}

export function errorAnswerFor(runtime: Runtime, error: unknown): Answer {
  const answer = errorAnswer(error, { dev: runtime.dev });
  return {
    status: answer.status,
    headers: { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) },
    cookies: [],
    body: answer.body,
    isBase64Encoded: false,
  };
}

/** A non-HTTP event goes to `options.events`, or is refused with an error naming it. */
export async function otherEvent(runtime: Runtime, event: unknown, context: LambdaContext): Promise<unknown> {
  if (runtime.events) return runtime.events(event, context);
  throw new UnsupportedEventError(event);
}

export class UnsupportedEventError extends Error {
  constructor(event: unknown) {
    super(
      `adapt: this Lambda received ${describeEvent(event)}, which is not an HTTP event from API Gateway, a Function URL, ` +
        'ALB or VPC Lattice. Handle it with toLambdaHandler(app, { events: (event, context) => ... }), ' +
        'or remove the trigger that sends it.',
    );
    this.name = 'UnsupportedEventError';
  }
}

/** A short name for an event, for error messages. */
export function describeEvent(event: unknown): string {
  if (event === null || typeof event !== 'object') return `a ${event === null ? 'null' : typeof event} event`;
  if (Array.isArray(event)) return 'an array';
  const e = event as Record<string, any>;
  if (e.type === 'TOKEN' || e.type === 'REQUEST') return `an API Gateway ${e.type} authorizer event`;
  const record = Array.isArray(e.Records) ? e.Records[0] : undefined;
  if (record) {
    if (record.cf) return 'a CloudFront (Lambda@Edge) event';
    const source = record.eventSource ?? record.EventSource;
    if (typeof source === 'string') return `an event from ${source}`;
  }
  if (typeof e.source === 'string' && e['detail-type'] !== undefined) return `an EventBridge event (source ${e.source})`;
  if (e.requestContext?.eventType !== undefined) return `an API Gateway WebSocket ${String(e.requestContext.eventType)} event`;
  const keys = Object.keys(e).slice(0, 6);
  return keys.length > 0 ? `an event with keys ${keys.join(', ')}` : 'an empty event';
}

function normalizeBasePath(basePath: string | undefined): string {
  if (!basePath || basePath === '/') return '';
  const withSlash = basePath.startsWith('/') ? basePath : '/' + basePath;
  return withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}

function validMargin(margin: number | undefined): number {
  if (margin === undefined) return 1000;
  if (!Number.isFinite(margin) || margin < 0) {
    throw new TypeError(`adapt: options.timeoutMargin must be a number of milliseconds >= 0; got ${String(margin)}`);
  }
  return margin;
}

/**
 * Runs the event-to-request and response-to-answer code once on a sample, at init, so that the
 * first event does not pay for regex compiling or first-run JIT. It touches only what core's
 * lightweight Request, Response and Headers answer themselves: undici stays unloaded.
 */
function warmUp(options: SourceOptions): void {
  const sample = {
    version: '2.0',
    rawPath: '/warm',
    rawQueryString: 'a=1',
    headers: { host: 'localhost', 'x-forwarded-proto': 'https', 'user-agent': 'warm' },
    requestContext: { domainName: 'localhost', stage: '$default', http: { method: 'GET', sourceIp: '127.0.0.1' } },
  };
  const input = apigwV2.createRequest(sample as ApiGatewayV2Event, options);
  const request = createRequest(input, undefined);
  void request.headers.get('user-agent');
  answerHead(new Response('', { headers: { 'content-type': 'text/plain', 'set-cookie': 'a=1' } }));
}
