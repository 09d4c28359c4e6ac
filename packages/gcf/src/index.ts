/**
 * @adapt/gcf: the runtime entry for Google Cloud. `toGcfHandler(app)` is the function
 * functions-framework calls (Cloud Run functions); App Engine standard is `@adapt/gcf/appengine`.
 * Imports only @adapt/core, @adapt/node and node:*: the framework itself is never imported.
 */
export { toGcfHandler, gcfFunctionName, GCF_BODY_LIMIT, type GcfFunction, type GcfHandlerOptions } from './handler.js';
export type { GcfEventContext, GcfEventHandler } from './events.js';
export { gcfRemoteAddress } from './client-address.js';
export { toGcfTaskHandler, gcfTaskFunctionName, PUBSUB_MESSAGE_PUBLISHED, type GcfTaskRaw } from './tasks.js';
export type * from './types.js';
