/** One event in flight: its deadline, its waitUntil tasks, the app's context, the app's answer. */
import { WaitUntilList, checkFetchMethod, logError, requestTarget, type AppContext, type NodeRequestInput } from '@adapt/core';
import { assertResponse } from './answer.js';
import { startDeadline, type Deadline } from './deadline.js';
import type { RequestInput } from './events/index.js';
import type { LambdaRaw } from './options.js';
import { createRequest } from './request.js';
import type { Runtime } from './runtime.js';
import type { LambdaContext } from './types.js';

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
