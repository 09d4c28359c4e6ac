/** Retry with exponential backoff for the errors AWS says to retry (a conflict, a role not yet assumable). */

export interface BackoffOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** First delay in ms; doubles each time up to maxMs. */
  baseMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { attempts: 8, baseMs: 1000, maxMs: 10_000 };

export type Sleep = (ms: number) => Promise<void>;

export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryOptions extends BackoffOptions {
  retryable(error: unknown): boolean;
  /** Told before each wait, so the user hears why the deploy pauses. */
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
  sleep?: Sleep;
}

export async function withRetry<T>(run: () => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= options.attempts || !options.retryable(error)) throw error;
      const delayMs = Math.min(options.maxMs, options.baseMs * 2 ** (attempt - 1));
      options.onRetry?.(error, attempt, delayMs);
      await wait(delayMs);
    }
  }
}
