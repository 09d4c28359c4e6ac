/**
 * What both runtime entries (`@adapt/lambda` and `@adapt/lambda/buffered`) export besides their
 * own toLambdaHandler: each entry adds its handler to this list, so neither imports the other.
 */
export { UnsupportedEventError } from './other-event.js';
export type { LambdaHandler, LambdaHandlerOptions, LambdaRaw } from './options.js';
export { BUFFERED_RESPONSE_LIMIT } from './answer.js';
export { pickEventSource, eventSources, type SourceName } from './events/index.js';
export { defaultIsTextContentType } from '@adapt/core';
export type * from './types.js';
