/**
 * API Gateway HTTP API (payload 2.0) and Lambda Function URLs (the same shape, routeKey
 * `$default`, a `lambda-url` domain).
 *
 * - `rawPath` keeps the client's encoding on Function URLs; HTTP API decodes it (a decoded `?`
 *   or space is re-encoded by core's buildRequestUrl). A named HTTP API stage is in front of it.
 * - `rawQueryString` is the query as sent: used as it is.
 * - Cookies arrive in `cookies` (not in headers) and leave in `cookies`, one per entry.
 */
import { appendHeader, badRequest, checkMethod, joinCookies } from '@adapt/core';
import type { ApiGatewayV2Event, ApiGatewayV2Result } from '../types.js';
import { stripStage } from './apigw-v1.js';
import { addSingleHeaders, optionalRecord, reportedClient, requestInput, requireString, stripPrefix, valueText, type EventSource, type SourceName } from './_shared.js';

function v2Source(name: SourceName): EventSource<ApiGatewayV2Event, ApiGatewayV2Result> {
  return {
    name,
    detect: name === 'function-url' ? (event) => isV2(event) && isFunctionUrl(event) : isV2,
    createRequest(event, options) {
      const context = optionalRecord<ApiGatewayV2Event['requestContext']>(event.requestContext, 'requestContext');
      const http = optionalRecord<ApiGatewayV2Event['requestContext']['http']>(context?.http, 'requestContext.http');
      if (!context || !http) throw badRequest('BAD_REQUEST', 'the event has no requestContext.http');
      const method = checkMethod(http.method);
      let path = requireString(event.rawPath, 'rawPath');
      const headers = new Headers();
      addSingleHeaders(headers, optionalRecord(event.headers, 'headers'));
      const cookies = event.cookies;
      if (cookies != null) {
        if (!Array.isArray(cookies)) throw badRequest('BAD_REQUEST', "the event's cookies is not an array");
        if (cookies.length > 0) {
          const joined = joinCookies(cookies.map((cookie, i) => valueText(cookie, `cookies[${i}]`)));
          const existing = headers.get('cookie');
          headers.delete('cookie');
          appendHeader(headers, 'cookie', existing ? `${existing}; ${joined}` : joined);
        }
      }
      if (options.stripStage) path = stripStage(path, context.stage);
      path = stripPrefix(path, options.basePath);
      const query = event.rawQueryString == null ? '' : requireString(event.rawQueryString, 'rawQueryString');
      const input = requestInput(method, headers, path, query, context.domainName, reportedClient(http.sourceIp, headers, options.trust), event.body, event.isBase64Encoded);
      if (name === 'apigw-v2') input.pathDecoded = true;
      return input;
    },
    createResult(answer) {
      const result: ApiGatewayV2Result = {
        statusCode: answer.status,
        headers: answer.headers,
        body: answer.body,
        isBase64Encoded: answer.isBase64Encoded,
      };
      if (answer.cookies.length > 0) result.cookies = answer.cookies;
      return result;
    },
  };
}

/** Payload 2.0 with `rawPath` or `requestContext.http` (Lattice v2 has neither); not an authorizer event. */
function isV2(event: any): boolean {
  return event.version === '2.0' && event.type === undefined && ('rawPath' in event || event.requestContext?.http !== undefined);
}

function isFunctionUrl(event: any): boolean {
  const domain = event.requestContext?.domainName;
  return typeof domain === 'string' && domain.includes('.lambda-url.');
}

export const functionUrl = v2Source('function-url');
export const apigwV2 = v2Source('apigw-v2');
