/**
 * @adapt/lambda — the runtime entry: toLambdaHandler(app) for every HTTP event source of AWS
 * Lambda. Imports only @adapt/core and node:*; build and deploy live in `@adapt/lambda/target`.
 */
export { toLambdaHandler } from './handler.js';
export * from './exports.js';
