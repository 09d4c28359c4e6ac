/**
 * The invocation's deadline. Lambda kills a function that runs past its timeout and the client
 * gets an opaque error. Instead, `request.signal` aborts `margin` ms before the end, so the app
 * can answer 504 itself, and at half the margin the adapter gives up and answers 504.
 */
import { HttpError } from '@adapt/core';
import type { LambdaContext } from './types.js';

export class Deadline {
  readonly controller = new AbortController();
  /** Settles (never resolves) when the adapter must stop waiting for the app. */
  readonly expired: Promise<never>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #fail!: (error: HttpError) => void;

  constructor(remaining: number, margin: number) {
    this.expired = new Promise<never>((_, reject) => {
      this.#fail = reject;
    });
    this.expired.catch(() => {}); // observed by whoever races it; never an unhandled rejection
    const abortIn = Math.max(0, remaining - margin);
    const giveUpIn = Math.max(0, remaining - margin / 2) - abortIn;
    this.#timer = setTimeout(() => {
      this.controller.abort(new DOMException(`the Lambda invocation ends in ${Math.round(margin)} ms`, 'TimeoutError'));
      this.#timer = setTimeout(() => this.#expire(), giveUpIn);
      this.#timer.unref?.();
    }, abortIn);
    this.#timer.unref?.();
  }

  #expire(): void {
    this.#timer = undefined;
    this.#fail(new HttpError(504, 'TIMEOUT', 'the app did not answer before the Lambda invocation timed out'));
  }

  /** Races `promise` against the deadline. */
  race<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.expired]);
  }

  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** The deadline of this invocation, or undefined when the context does not tell the time left. */
export function startDeadline(context: LambdaContext | undefined, margin: number): Deadline | undefined {
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? Number(context.getRemainingTimeInMillis()) : NaN;
  if (!Number.isFinite(remaining) || remaining <= 0) return undefined;
  return new Deadline(remaining, margin);
}
