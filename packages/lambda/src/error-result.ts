/** An error as the answer a client gets: core's error answer, in the event source's own shape. */
import { errorAnswer, logError } from '@adapt/core';
import type { Answer, EventSource } from './events/index.js';
import type { Runtime } from './runtime.js';
import type { LambdaHttpResult } from './types.js';

/** The error's answer in the source's own shape, with one log line. */
export function errorResult(runtime: Runtime, source: EventSource, event: unknown, error: unknown, where: string): LambdaHttpResult {
  logError(`lambda ${source.name} ${where}`, error);
  return source.createResult(errorAnswerFor(runtime, error), event);
}

export function errorAnswerFor(runtime: Runtime, error: unknown): Answer {
  const answer = errorAnswer(error, { dev: runtime.dev });
  return {
    status: answer.status,
    headers: { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) },
    cookies: [],
    body: answer.body,
    isBase64Encoded: false,
  };
}
