/**
 * Test helpers: the per-source events and responses live in the Lambda target
 * (src/tooling/sources.ts, shared with `adapt start --target lambda`); a Lambda context for
 * calling a handler directly lives here.
 */
export {
  buildEvent,
  hosts,
  sourceResponse as resultToResponse,
  splitQuery,
  type EventOptions,
  type HttpRequest,
  type HttpResponse,
  type SourceKind,
} from '../../src/tooling/sources.js';

/** A Lambda context whose deadline is `remainingMs` from now. */
export function lambdaContext(remainingMs = 30_000): any {
  const end = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test',
    memoryLimitInMB: '1024',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    logGroupName: '/aws/lambda/test',
    logStreamName: '2024/03/12/[$LATEST]0123',
    getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
  };
}
