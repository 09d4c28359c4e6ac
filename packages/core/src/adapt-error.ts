/**
 * The one error type for everything a user sees: a `code` a script can test, a message saying
 * what went wrong, and a hint saying what to do next. The CLI prints `error: message` and the
 * indented hint (or `{ code, message, hint }` with --json); `USAGE` exits with 2, the rest with 1.
 * Targets, the CLI and the config loader all throw it.
 *
 * A target package may load its own copy of @adapt/core, so `isAdaptError` checks a brand shared
 * through the global symbol registry rather than `instanceof`.
 */
const brand = Symbol.for('adapt.error');

export interface AdaptErrorOptions {
  /** What to do next, printed under the message. */
  hint?: string;
  cause?: unknown;
  /** Process exit code. Default: 2 for `USAGE`, else 1. */
  exitCode?: number;
}

export class AdaptError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(code: string, message: string, options: AdaptErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AdaptError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? (code === 'USAGE' ? 2 : 1);
    (this as unknown as Record<symbol, true>)[brand] = true;
  }
}

/** True for an AdaptError from any copy of @adapt/core. */
export function isAdaptError(error: unknown): error is AdaptError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[brand] === true;
}
