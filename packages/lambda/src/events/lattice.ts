/**
 * Amazon VPC Lattice, payload versions 1 and 2.
 *
 * - v1: snake_case keys (`raw_path`, `query_string_parameters`, `is_base64_encoded`), single
 *   header values (repeats joined with commas by Lattice).
 * - v2: `path`, `method`, header and query values as arrays (some samples use strings).
 * - Both give the query as decoded parameters (re-encoded with encodeURIComponent), and the
 *   path may carry the query as sent (`/items?id=1`, as in the rival adapters' Lattice test
 *   events): no client can put a raw `?` inside a path, so the first `?` starts the query, and
 *   that raw query wins over the decoded parameters.
 * - The result: `statusCode`, `statusDescription`, `headers`, `body`, `isBase64Encoded`. The
 *   Lattice guide ("Respond to the VPC Lattice service", docs.aws.amazon.com/vpc-lattice/latest/
 *   ug/lambda-functions.html) shows each response header as one string; its "Multi-value headers"
 *   section gives lists only for v2 *events*, and AWS's own Java type for the response
 *   (aws-lambda-java-events VpcLatticeResponse) is Map<String, String>. So no array is sent:
 *   one Set-Cookie, the first, with a warning when others are dropped (hono sends an array,
 *   which the docs do not describe).
 * - The client address: the last X-Forwarded-For entry (Lattice adds the header to every
 *   request), further only as far as `trustProxy` allows.
 */
import { checkMethod, queryFromDecodedParams } from '@adapt/core';
import type { LatticeResult, LatticeV1Event, LatticeV2Event } from '../types.js';
import {
  addMultiHeaders,
  addSingleHeaders,
  firstCookie,
  forwardedClient,
  optionalRecord,
  paramRecord,
  requestInput,
  requireString,
  statusDescription,
  stripPrefix,
  type Answer,
  type EventSource,
  type SourceName,
} from './_shared.js';

export const latticeV1: EventSource<LatticeV1Event, LatticeResult> = {
  name: 'lattice-v1',

  detect(event) {
    return 'raw_path' in event && 'method' in event;
  },

  createRequest(event, options) {
    const method = checkMethod(event.method);
    const { path, query: pathQuery } = splitQuery(requireString(event.raw_path, 'raw_path'));
    const headers = new Headers();
    addSingleHeaders(headers, optionalRecord(event.headers, 'headers'));
    const params = paramRecord<Record<string, string | undefined>>(event.query_string_parameters, 'query_string_parameters', false);
    const query = pathQuery || (params ? queryFromDecodedParams(params) : '');
    return requestInput(method, headers, stripPrefix(path, options.basePath), query, undefined, forwardedClient(headers, options.trust), event.body, event.is_base64_encoded);
  },

  createResult: latticeResult('lattice-v1'),
};

export const latticeV2: EventSource<LatticeV2Event, LatticeResult> = {
  name: 'lattice-v2',

  detect(event) {
    return event.version === '2.0' && 'method' in event && !('rawPath' in event) && event.requestContext?.http === undefined;
  },

  createRequest(event, options) {
    const method = checkMethod(event.method);
    const { path, query: pathQuery } = splitQuery(requireString(event.path, 'path'));
    const headers = new Headers();
    addMultiHeaders(headers, optionalRecord(event.headers, 'headers'));
    const params = paramRecord<Record<string, string | string[] | undefined>>(event.queryStringParameters, 'queryStringParameters', true);
    const query = pathQuery || (params ? queryFromDecodedParams(null, arrayValues(params)) : '');
    return requestInput(method, headers, stripPrefix(path, options.basePath), query, undefined, forwardedClient(headers, options.trust), event.body, event.isBase64Encoded);
  },

  createResult: latticeResult('lattice-v2'),
};

function latticeResult(name: SourceName) {
  return (answer: Answer): LatticeResult => {
    const headers = answer.headers;
    const cookie = firstCookie(answer.cookies, name);
    if (cookie !== undefined) headers['set-cookie'] = cookie;
    return {
      statusCode: answer.status,
      statusDescription: statusDescription(answer.status),
      headers,
      body: answer.body,
      isBase64Encoded: answer.isBase64Encoded,
    };
  };
}

/** A `raw_path` (v1) or `path` (v2) may carry the raw query (`/path?a=1`); when it does, it wins over the decoded parameters. */
function splitQuery(rawPath: string): { path: string; query: string } {
  const mark = rawPath.indexOf('?');
  return mark === -1 ? { path: rawPath, query: '' } : { path: rawPath.slice(0, mark), query: rawPath.slice(mark + 1) };
}

function arrayValues(params: Record<string, string | string[] | undefined>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name in params) {
    const value = params[name];
    if (value == null) continue;
    out[name] = Array.isArray(value) ? value.filter((v) => v != null).map(String) : [String(value)];
  }
  return out;
}
