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
    text += `\nCaused by: ${cause instanceof Error ? cause.stack ?? cause.message : String(cause)}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return text;
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}

/** The closest candidate within a small distance, case-insensitively. */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.min(3, Math.floor(input.length / 3)));
  return bestDistance <= allowed ? best : undefined;
}
