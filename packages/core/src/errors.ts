/**
 * Errors that map to an HTTP answer. Adapters turn them into the platform's own result shape
 * (400, 413, 500, 502, 504) instead of throwing them at the platform.
 */

export type HttpErrorCode = 'BAD_REQUEST' | 'BAD_HEADER' | 'BAD_METHOD' | 'BAD_URL' | 'BAD_BODY' | 'BODY_TOO_LARGE' | 'APP_ERROR' | 'BAD_RESPONSE' | 'TIMEOUT';

export class HttpError extends Error {
  readonly status: number;
  readonly code: HttpErrorCode;

  constructor(status: number, code: HttpErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
  }
}

export function badRequest(code: HttpErrorCode, message: string, cause?: unknown): HttpError {
  return new HttpError(400, code, message, { cause });
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return reasons[status] ?? 'Error';
}

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The plain-text answer for an error. The client sees the reason and, for our own 4xx errors,
 * what was wrong with its request; a stack trace only when `dev` is true.
 */
export function errorAnswer(error: unknown, options: { dev?: boolean } = {}): ErrorAnswer {
  const status = isHttpError(error) ? error.status : 500;
  let body = `${status} ${reasonPhrase(status)}`;
  if (isHttpError(error) && status < 500) body += `: ${error.message}`;
  if (options.dev && error instanceof Error) body += `\n\n${error.stack ?? error.message}`;
  return {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    body: body + '\n',
  };
}

/** A `Response` for an error, for targets that answer with fetch objects. */
export function errorResponse(error: unknown, options: { dev?: boolean } = {}): Response {
  const answer = errorAnswer(error, options);
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/** One log line per failure: `adapt: <what> <status> <code>: message`. */
export function logError(where: string, error: unknown): void {
  const status = isHttpError(error) ? `${error.status} ${error.code}` : '500 APP_ERROR';
  const detail = error instanceof Error ? (isHttpError(error) ? error.message : (error.stack ?? error.message)) : String(error);
  console.error(`adapt: ${where}: ${status}: ${detail}`);
}
