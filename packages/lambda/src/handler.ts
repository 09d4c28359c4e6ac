/**
 * toLambdaHandler(app): one Lambda handler for every HTTP event source, buffered or streamed.
 * `adapt build` picks `@adapt/lambda/buffered` (no streaming code) unless streaming is on.
 */
import type { App } from '@adapt/core';
import { createAnswer } from './answer.js';
import { pickEventSource, type RequestInput } from './events/index.js';
import { Invocation, createRuntime, errorResult, otherEvent, type LambdaHandler, type LambdaHandlerOptions, type Runtime } from './runtime.js';
import { streamingHandler } from './streaming.js';
import type { LambdaContext, LambdaHttpResult } from './types.js';

/**
 * Turns an app into an AWS Lambda handler for API Gateway (REST and HTTP APIs), Function URLs,
 * ALB and VPC Lattice. The app's `setup()` starts at init (cold start); the event path is warmed
 * up there too (without loading undici: core's lightweight classes answer common apps).
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

/** The handler that answers with the source's JSON result. */
export function bufferedHandler(runtime: Runtime): LambdaHandler {
  return async function lambdaHandler(event: unknown, context: LambdaContext) {
    if (context != null && !runtime.keepEventLoop) context.callbackWaitsForEmptyEventLoop = false;
    const source = pickEventSource(event);
    if (source === undefined) return otherEvent(runtime, event, context);
    let input: RequestInput;
    try {
      input = source.createRequest(event, runtime.sourceOptions);
    } catch (error) {
      return errorResult(runtime, source, event, error, 'bad event');
    }
    const invocation = new Invocation(runtime, input, event, context);
    let result: LambdaHttpResult;
    try {
      const response = await invocation.respond();
      const answer = await invocation.within(createAnswer(response, input.method, runtime.answerOptions));
      result = source.createResult(answer, event);
    } catch (error) {
      result = errorResult(runtime, source, event, error, `${input.method} ${input.url}`);
    }
    await invocation.finish();
    return result;
  };
}

