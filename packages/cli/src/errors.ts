/**
 * How the CLI reports a failure. Every error a user sees is an AdaptError (from @adapt/core):
 * `{ code, message, hint }`, printed as `error: message` and an indented hint, without a stack
 * unless --verbose. Usage errors exit with 2, every other failure with 1. Anything else thrown is a
 * bug, reported as INTERNAL.
 */
import { AdaptError, isAdaptError } from '@adapt/core';

/** A wrong flag or flag combination: exit code 2. */
export function usageError(message: string, hint?: string): AdaptError {
  return new AdaptError('USAGE', message, { hint });
}

export interface ErrorReport {
  code: string;
  message: string;
  hint?: string;
  stack?: string;
}

/** The `{ code, message, hint }` of any thrown value: an AdaptError's own, else INTERNAL. */
export function errorReport(error: unknown, verbose: boolean): ErrorReport {
  const report: ErrorReport = { code: 'INTERNAL', message: String(error) };
  if (error instanceof Error) {
    report.message = error.message;
    if (isAdaptError(error)) {
      report.code = error.code;
      if (error.hint !== undefined) report.hint = error.hint;
    }
    if (verbose) report.stack = causeChain(error);
  }
  if (report.code === 'INTERNAL' && !report.hint) report.hint = 'this looks like a bug in adapt; run again with --verbose and report the stack trace';
  return report;
}

export function exitCodeOf(error: unknown): number {
  return isAdaptError(error) ? error.exitCode : 1;
}

function causeChain(error: Error): string {
  let text = error.stack ?? error.message;
  let cause = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    text += `\nCaused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return text;
}
