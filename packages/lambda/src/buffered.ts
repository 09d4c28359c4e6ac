/**
 * @adapt/lambda/buffered — the runtime entry without response streaming, which `adapt build`
 * selects when `targets.lambda.streaming` is off (the variant is chosen at build time). Its own
 * file chain never imports streaming.ts, so the bundle carries no streaming code whatever the
 * bundler's tree-shaking does. Everything else is the same as `@adapt/lambda`.
 */
import type { App } from '@adapt/core';
import { bufferedHandler } from './buffered-handler.js';
import type { LambdaHandler, LambdaHandlerOptions } from './options.js';
import { createRuntime } from './runtime.js';

export * from './exports.js';

/** `toLambdaHandler` of `@adapt/lambda`, buffered results only. */
export function toLambdaHandler(app: App, options: LambdaHandlerOptions = {}): LambdaHandler {
  if (options.streaming) {
    throw new Error(
      "adapt: @adapt/lambda/buffered has no response streaming; import toLambdaHandler from '@adapt/lambda' " + '(or set targets.lambda.streaming in adapt.config.ts and rebuild).',
    );
  }
  return bufferedHandler(createRuntime(app, options));
}
