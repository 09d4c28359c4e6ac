/**
 * The invocation's deadline. Lambda kills a function that runs past its timeout and the client
 * gets an opaque error. Instead, `request.signal` aborts `margin` ms before the end, so the app
 * can answer 504 itself, and at half the margin the adapter stops waiting and answers 504.
 */
import { HttpError } from '@adapt/core';
import type { LambdaContext } from './types.js';

export class Deadline {
  readonly #margin: number;
  /** When the invocation times out, in Date.now() milliseconds. */
  readonly #end: number;
  #expired: Promise<never> | undefined;
  #controller: AbortController | undefined;
  #aborted = false;
  /** null once cleared: the invocation is over, nothing to time any more. */
  #timer: ReturnType<typeof setTimeout> | undefined | null;
  #fail!: (error: HttpError) => void;

  constructor(remaining: number, margin: number) {
    this.#margin = margin;
    this.#end = Date.now() + remaining;
  }

  /**
   * Starts the timers, the first time something waits (a race) or reads the signal. An app that
   * answers at once with a string or bytes never waits: its invocation sets no timer at all.
   * Not unref'd: while the app is still working, the timer is what keeps the event loop busy.
   * An empty loop makes aws-lambda-ric answer `null` for a pending handler ('beforeExit').
   * clear() runs at the end of every invocation, so it never delays the next one.
   */
  #arm(): Promise<never> {
    if (this.#expired !== undefined) return this.#expired;
    const expired = new Promise<never>((_, reject) => {
      this.#fail = reject;
    });
    expired.catch(() => {}); // observed by whoever races it; never an unhandled rejection
    this.#expired = expired;
    if (this.#timer === null) return expired;
    const margin = this.#margin;
    const remaining = this.#end - Date.now();
    const abortIn = Math.max(0, remaining - margin);
    const giveUpIn = Math.max(0, remaining - margin / 2) - abortIn;
    this.#timer = setTimeout(() => {
      this.#aborted = true;
      this.#controller?.abort(timeoutReason(margin));
      this.#timer = setTimeout(() => this.#expire(), giveUpIn);
    }, abortIn);
    return expired;
  }

  /** The request's signal, made on first read (most apps never read it). */
  signal = (): AbortSignal => {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      this.#arm();
      if (this.#aborted) this.#controller.abort(timeoutReason(this.#margin));
    }
    return this.#controller.signal;
  };

  /** Races `promise` against the deadline: rejects with a 504 error when the adapter must stop waiting for the app. */
  race<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.#arm()]);
  }

  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
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
