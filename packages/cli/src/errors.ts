/**
 * Structured CLI errors: `{ code, message, hint }`, printed as `error: message` and an indented
 * hint, without a stack unless --verbose. Usage errors exit with 2, every other failure with 1.
 */

export type CliErrorCode =
  | 'USAGE'
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_LOAD'
  | 'CONFIG_INVALID'
  | 'UNKNOWN_STAGE'
  | 'ENTRY_NOT_FOUND'
  | 'UNKNOWN_TARGET'
  | 'TARGET_LOAD'
  | 'TARGET_UNSUPPORTED'
  | 'BUILD_FAILED'
  | 'NOT_BUILT'
  | 'START_FAILED'
  | 'DEPLOY_FAILED'
  | 'INIT_FAILED'
  | 'DEV_FAILED'
  | 'INTERNAL';

export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(code: CliErrorCode, message: string, options: { hint?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? (code === 'USAGE' ? 2 : 1);
  }
}

/** A wrong flag or flag combination: exit code 2. */
export function usageError(message: string, hint?: string): CliError {
  return new CliError('USAGE', message, { hint });
}

export interface ErrorReport {
  code: string;
  message: string;
  hint?: string;
  stack?: string;
}

/** The `{ code, message, hint }` of any thrown value; targets may throw errors with `code` and `hint`. */
export function errorReport(error: unknown, verbose: boolean): ErrorReport {
  const report: ErrorReport = { code: 'INTERNAL', message: String(error) };
  if (error instanceof Error) {
    const fields = error as Error & { code?: unknown; hint?: unknown };
    report.code = typeof fields.code === 'string' ? fields.code : error instanceof CliError ? error.code : 'INTERNAL';
    report.message = error.message;
    if (typeof fields.hint === 'string') report.hint = fields.hint;
    if (verbose) report.stack = causeChain(error);
  }
  if (report.code === 'INTERNAL' && !report.hint) report.hint = 'this looks like a bug in adapt; run again with --verbose and report the stack trace';
  return report;
}

export function exitCodeOf(error: unknown): number {
  return error instanceof CliError ? error.exitCode : 1;
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
