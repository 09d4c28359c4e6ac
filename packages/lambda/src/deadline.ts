/**
 * The invocation's deadline. Lambda kills a function that runs past its timeout and the client
 * gets an opaque error. Instead, `request.signal` aborts `margin` ms before the end, so the app
 * can answer 504 itself, and at half the margin the adapter stops waiting and answers 504.
 */
import { HttpError } from '@adapt/core';
import type { LambdaContext } from './types.js';

export class Deadline {
  /** Rejects with a 504 error when the adapter must stop waiting for the app. */
  readonly expired: Promise<never>;
  readonly #margin: number;
  #controller: AbortController | undefined;
  #aborted = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #fail!: (error: HttpError) => void;

  constructor(remaining: number, margin: number) {
    this.#margin = margin;
    this.expired = new Promise<never>((_, reject) => {
      this.#fail = reject;
    });
    this.expired.catch(() => {}); // observed by whoever races it; never an unhandled rejection
    const abortIn = Math.max(0, remaining - margin);
    const giveUpIn = Math.max(0, remaining - margin / 2) - abortIn;
    this.#timer = setTimeout(() => {
      this.#aborted = true;
      this.#controller?.abort(timeoutReason(margin));
      this.#timer = setTimeout(() => this.#expire(), giveUpIn);
    }, abortIn);
    // Not unref'd: while the app is still working, this timer is what keeps the event loop busy.
    // An empty loop makes aws-lambda-ric answer `null` for a pending handler ('beforeExit').
    // clear() runs at the end of every invocation, so it never delays the next one.
  }

  /** The request's signal, made on first read (most apps never read it). */
  signal = (): AbortSignal => {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(timeoutReason(this.#margin));
    }
    return this.#controller.signal;
  };

  /** Races `promise` against the deadline. */
  race<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.expired]);
  }

  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #expire(): void {
    this.#timer = undefined;
    this.#fail(new HttpError(504, 'TIMEOUT', 'the app did not answer before the Lambda invocation timed out'));
  }
}

function timeoutReason(margin: number): DOMException {
  return new DOMException(`the Lambda invocation times out in ${Math.round(margin)} ms`, 'TimeoutError');
}

/** The deadline of this invocation, or undefined when the context does not tell the time left. */
export function startDeadline(context: LambdaContext | undefined, margin: number): Deadline | undefined {
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? Number(context.getRemainingTimeInMillis()) : NaN;
  if (!Number.isFinite(remaining) || remaining <= 0) return undefined;
  return new Deadline(remaining, margin);
}
