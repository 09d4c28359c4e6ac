/**
 * toLambdaHandler(app) of `@adapt/lambda`: one Lambda handler for every HTTP event source, buffered
 * or streamed. `adapt build` picks `@adapt/lambda/buffered` (its own files, no streaming code)
 * unless streaming is on.
 */
import type { App } from '@adapt/core';
import { bufferedHandler } from './buffered-handler.js';
import type { LambdaHandler, LambdaHandlerOptions } from './options.js';
import { createRuntime } from './runtime.js';
import { streamingHandler } from './streaming.js';

/**
 * Turns an app into an AWS Lambda handler for API Gateway (REST and HTTP APIs), Function URLs,
 * ALB and VPC Lattice. The app's `setup()` starts at init (cold start); when that init runs ahead
 * of traffic (provisioned concurrency), the event path is warmed up there too. Common apps never
 * load undici: core's lightweight classes answer them.
 *
 * @example
 * import { toLambdaHandler } from '@adapt/lambda';
 * import app from './app.js';
 * export const handler = toLambdaHandler(app);
 */
export function toLambdaHandler(app: App, options: LambdaHandlerOptions = {}): LambdaHandler {
  const runtime = createRuntime(app, options);
  return options.streaming ? streamingHandler(runtime) : bufferedHandler(runtime);
}
