/**
 * API Gateway REST API (payload 1.0), and HTTP API with payload format 1.0.
 *
 * - `path` keeps the client's percent-encoding on REST APIs (HTTP APIs decode it; core's
 *   buildRequestUrl re-encodes what a decoded path cannot hold) and never holds the stage on
 *   the execute-api domain; a custom domain's base path is in it (`basePath` strips it).
 * - The query arrives decoded, in `multiValueQueryStringParameters` (all repeats) and
 *   `queryStringParameters` (last value): it is re-encoded with encodeURIComponent.
 * - The result takes `headers` and, for Set-Cookie, `multiValueHeaders`: REST merges both.
 */
import { checkMethod, queryFromDecodedParams } from '@adapt/core';
import type { ApiGatewayV1Event, ApiGatewayV1Result } from '../types.js';
import { addMultiHeaders, addSingleHeaders, optionalRecord, paramRecord, reportedClient, requestInput, requireString, stripPrefix, type EventSource } from './_shared.js';

export const apigwV1: EventSource<ApiGatewayV1Event, ApiGatewayV1Result> = {
  name: 'apigw-v1',

  detect(event) {
    // authorizer events (type REQUEST / TOKEN, methodArn) share these fields but are not requests
    return event.type === undefined && 'httpMethod' in event && event.requestContext?.elb === undefined;
  },

  createRequest(event, options) {
    const method = checkMethod(event.httpMethod);
    let path = requireString(event.path, 'path');
    const context = optionalRecord<ApiGatewayV1Event['requestContext']>(event.requestContext, 'requestContext');
    const multi = optionalRecord<Record<string, unknown>>(event.multiValueHeaders, 'multiValueHeaders');
    const single = optionalRecord<Record<string, unknown>>(event.headers, 'headers');
    const headers = new Headers();
    const seen = addMultiHeaders(headers, multi);
    addSingleHeaders(headers, single, seen.size > 0 ? seen : undefined);
    if (event.version === '1.0' && options.stripStage) path = stripStage(path, context?.stage);
    path = stripPrefix(path, options.basePath);
    const query = queryFromDecodedParams(
      paramRecord(event.queryStringParameters, 'queryStringParameters', false),
      paramRecord(event.multiValueQueryStringParameters, 'multiValueQueryStringParameters', true),
    );
    const input = requestInput(
      method,
      headers,
      path,
      query,
      context?.domainName,
      reportedClient(context?.identity?.sourceIp, headers, options.trust),
      event.body,
      event.isBase64Encoded,
    );
    if (event.version === '1.0') input.pathDecoded = true; // HTTP API payload 1.0 decodes the path; REST keeps it as sent
    return input;
  },

  createResult(answer) {
    const result: ApiGatewayV1Result = {
      statusCode: answer.status,
      headers: answer.headers,
      body: answer.body,
      isBase64Encoded: answer.isBase64Encoded,
    };
    if (answer.cookies.length > 0) result.multiValueHeaders = { 'set-cookie': answer.cookies };
    return result;
  },
};

/** HTTP API puts a named stage in front of the path (`/prod/items`); `$default` adds nothing. */
export function stripStage(path: string, stage: unknown): string {
  if (typeof stage !== 'string' || !stage || stage === '$default') return path;
  return stripPrefix(path, '/' + stage);
}
