/**
 * Application Load Balancer target.
 *
 * - The target group's "multi-value headers" attribute decides the mode: with it, the event has
 *   `multiValueHeaders` / `multiValueQueryStringParameters` and the result must use
 *   `multiValueHeaders`; without it, single values only (the last of repeats) both ways.
 * - ALB does not decode the path nor the query parameters: they are joined back as sent.
 * - The result carries `statusDescription` (`200 OK`). In single-value mode it holds one
 *   Set-Cookie: the first the app set (see firstCookie).
 * - The client address: the last X-Forwarded-For entry (ALB appends its peer), further only as
 *   far as `trustProxy` allows.
 */
import { checkMethod, queryFromRawParams } from '@adapt/core';
import type { AlbEvent, AlbResult } from '../types.js';
import {
  addMultiHeaders,
  addSingleHeaders,
  firstCookie,
  forwardedClient,
  multiHeaders,
  optionalRecord,
  paramRecord,
  requestInput,
  requireString,
  statusDescription,
  stripPrefix,
  type EventSource,
} from './_shared.js';

export const alb: EventSource<AlbEvent, AlbResult> = {
  name: 'alb',

  detect(event) {
    return event.requestContext?.elb !== undefined;
  },

  createRequest(event, options) {
    const method = checkMethod(event.httpMethod);
    const path = stripPrefix(requireString(event.path, 'path'), options.basePath);
    const headers = new Headers();
    const multi = optionalRecord<Record<string, unknown>>(event.multiValueHeaders, 'multiValueHeaders');
    if (multi) addMultiHeaders(headers, multi);
    else addSingleHeaders(headers, optionalRecord(event.headers, 'headers'));
    const query = queryFromRawParams(
      paramRecord(event.queryStringParameters, 'queryStringParameters', false),
      paramRecord(event.multiValueQueryStringParameters, 'multiValueQueryStringParameters', true),
    );
    return requestInput(method, headers, path, query, undefined, forwardedClient(headers, options.trust), event.body, event.isBase64Encoded);
  },

  createResult(answer, event) {
    const result: AlbResult = {
      statusCode: answer.status,
      statusDescription: statusDescription(answer.status),
      body: answer.body,
      isBase64Encoded: answer.isBase64Encoded,
    };
    if (event != null && typeof event === 'object' && event.multiValueHeaders != null) {
      result.multiValueHeaders = multiHeaders(answer.headers, answer.cookies);
    } else {
      const headers = answer.headers;
      const cookie = firstCookie(answer.cookies, 'alb');
      if (cookie !== undefined) headers['set-cookie'] = cookie;
      result.headers = headers;
    }
    return result;
  },
};
