/**
 * @adapt/lambda — the runtime entry: toLambdaHandler(app) for every HTTP event source of AWS
 * Lambda. Imports only @adapt/core and node:*; build and deploy live in `@adapt/lambda/target`.
 */
export { toLambdaHandler } from './handler.js';
export { UnsupportedEventError, type LambdaHandler, type LambdaHandlerOptions, type LambdaRaw } from './runtime.js';
export { BUFFERED_RESPONSE_LIMIT } from './answer.js';
export { pickEventSource, eventSources, type SourceName } from './events/index.js';
export { defaultIsTextContentType } from '@adapt/core';
export type * from './types.js';
