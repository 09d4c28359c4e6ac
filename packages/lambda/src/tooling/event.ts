/**
 * A synthetic HTTP event in the Lambda Function URL (payload 2.0) shape, built by sources.ts,
 * for `adapt invoke --path` and the deploy smoke test, and the mapping of a handler's result
 * back to the HTTP response it stands for.
 */
import type { InvokeResult } from '@adapt/core';
import { buildEvent } from './sources.js';

export interface SyntheticRequest {
  method?: string;
  /** Path with an optional query string: `/items?id=1`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  domainName?: string;
}

export function syntheticHttpEvent(request: SyntheticRequest): Record<string, unknown> {
  const domainName = request.domainName ?? 'adapt-invoke.lambda-url.us-east-1.on.aws';
  const headers: Array<[string, string]> = [
    ['host', domainName],
    ['user-agent', 'adapt-invoke'],
    ['x-forwarded-proto', 'https'],
    ['x-forwarded-port', '443'],
    ['x-forwarded-for', '127.0.0.1'],
    ...Object.entries(request.headers ?? {}),
  ];
  const now = new Date();
  return buildEvent(
    'function-url',
    { method: request.method ?? 'GET', path: request.path, headers, body: request.body },
    {
      domainName,
      sourceIp: '127.0.0.1',
      requestId: `adapt-${now.getTime()}`,
      time: now,
    },
  );
}

/** The bytes between a streamed response's JSON prelude and its body. */
const streamDelimiter = Buffer.alloc(8);

/**
 * The HTTP response a Lambda result stands for: API Gateway / ALB result objects, payload 2.0's
 * bare values (JSON with status 200), and a streamed response (prelude JSON, 8 zero bytes, body).
 */
export function resultToResponse(result: unknown, raw?: Uint8Array): InvokeResult['response'] {
  if (raw && result === undefined) {
    const bytes = Buffer.from(raw);
    const at = bytes.indexOf(streamDelimiter);
    if (at >= 0) {
      const prelude = JSON.parse(bytes.subarray(0, at).toString('utf8')) as { statusCode?: number; headers?: Record<string, string>; cookies?: string[] };
      const headers: Record<string, string | string[]> = { ...(prelude.headers ?? {}) };
      if (prelude.cookies?.length) headers['set-cookie'] = prelude.cookies;
      return bodyOf(prelude.statusCode ?? 200, headers, bytes.subarray(at + 8));
    }
    throw new Error('the payload is neither JSON nor a streamed HTTP response');
  }
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const r = result as {
      statusCode: number;
      headers?: Record<string, string | number | boolean>;
      multiValueHeaders?: Record<string, (string | number | boolean)[]>;
      cookies?: string[];
      body?: string;
      isBase64Encoded?: boolean;
    };
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(r.headers ?? {})) headers[name.toLowerCase()] = String(value);
    for (const [name, values] of Object.entries(r.multiValueHeaders ?? {})) {
      headers[name.toLowerCase()] = values.length === 1 ? String(values[0]) : values.map(String);
    }
    if (r.cookies?.length) headers['set-cookie'] = r.cookies;
    return { status: Number(r.statusCode), headers, body: r.body ?? '', bodyEncoding: r.isBase64Encoded ? 'base64' : 'utf8' };
  }
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result ?? null), bodyEncoding: 'utf8' };
}

function bodyOf(status: number, headers: Record<string, string | string[]>, body: Buffer): InvokeResult['response'] {
  const text = body.toString('utf8');
  const roundTrips = Buffer.from(text, 'utf8').equals(body);
  return { status, headers, body: roundTrips ? text : body.toString('base64'), bodyEncoding: roundTrips ? 'utf8' : 'base64' };
}
