/**
 * The event each AWS source would send for a plain HTTP request, and the HTTP a source makes of
 * a handler's result: one home for `adapt start --target lambda`, `adapt dev --target lambda` and
 * the tests. The quirks follow the AWS docs
 * and published captures: REST (v1) decodes query parameters, HTTP API decodes the path,
 * ALB decodes nothing, Lattice gives decoded parameters; v2 moves cookies to `cookies`.
 */
import { isUtf8 } from 'node:buffer';

export type SourceKind = 'apigw-v1' | 'apigw-v2' | 'function-url' | 'alb' | 'alb-multi' | 'lattice-v1' | 'lattice-v2';

/** Every source, in the order `--source` lists them. */
export const sourceKinds: readonly SourceKind[] = ['function-url', 'apigw-v1', 'apigw-v2', 'alb', 'alb-multi', 'lattice-v1', 'lattice-v2'];

export interface HttpRequest {
  method: string;
  /** Raw path and query as on the request line. */
  path: string;
  headers?: Array<[string, string]>;
  body?: Uint8Array | string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

export const hosts: Record<SourceKind, string> = {
  'apigw-v1': 'abc123defg.execute-api.us-east-1.amazonaws.com',
  'apigw-v2': 'abc123defg.execute-api.us-east-1.amazonaws.com',
  'function-url': 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws',
  alb: 'my-alb-1234567890.us-east-1.elb.amazonaws.com',
  'alb-multi': 'my-alb-1234567890.us-east-1.elb.amazonaws.com',
  'lattice-v1': 'svc-0123.7d67968.vpc-lattice-svcs.us-east-1.on.aws',
  'lattice-v2': 'svc-0123.7d67968.vpc-lattice-svcs.us-east-1.on.aws',
};

export interface EventOptions {
  /** REST stage (in requestContext only) or HTTP API named stage (also in front of rawPath). */
  stage?: string;
  sourceIp?: string;
  /** The domain in requestContext and the default Host. Default: one like the source's own (`hosts`). */
  domainName?: string;
  /** requestContext.requestId. Default `req-1`. */
  requestId?: string;
  /** The request time in requestContext. Default: a fixed instant, so events are reproducible. */
  time?: Date;
}

/** `12/Mar/2024:19:03:58 +0000`, the form API Gateway uses. */
function clfTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

export function buildEvent(kind: SourceKind, request: HttpRequest, options: EventOptions = {}): Record<string, unknown> {
  const mark = request.path.indexOf('?');
  const path = mark === -1 ? request.path : request.path.slice(0, mark);
  const query = mark === -1 ? '' : request.path.slice(mark + 1);
  // header bytes arrive in the JSON event as the UTF-8 text they spell
  const pairs: Array<[string, string]> = (request.headers ?? []).map(([name, value]) => [name, utf8Text(value)]);
  const domainName = options.domainName ?? hosts[kind];
  if (!pairs.some(([name]) => name.toLowerCase() === 'host')) pairs.unshift(['host', domainName]);
  if (!pairs.some(([name]) => name.toLowerCase() === 'x-forwarded-proto')) pairs.push(['x-forwarded-proto', 'https']);
  const sourceIp = options.sourceIp ?? '203.0.113.7';
  const requestId = options.requestId ?? 'req-1';
  const time = options.time ?? new Date(1710270238000);
  if (kind === 'alb' || kind === 'alb-multi' || kind.startsWith('lattice')) pairs.push(['x-forwarded-for', sourceIp]);
  const body = encodeBody(request.body, pairs);
  const method = request.method.toUpperCase();
  const params = splitQuery(query);

  switch (kind) {
    case 'apigw-v1': {
      const stage = options.stage ?? 'prod';
      const decoded = params.map(([k, v]) => [decode(k), decode(v)] as [string, string]);
      return {
        resource: '/{proxy+}',
        path,
        httpMethod: method,
        headers: lastValues(pairs),
        multiValueHeaders: allValues(pairs),
        queryStringParameters: decoded.length ? lastValues(decoded) : null,
        multiValueQueryStringParameters: decoded.length ? allValues(decoded) : null,
        pathParameters: { proxy: path.slice(1) },
        stageVariables: null,
        requestContext: {
          accountId: '123456789012',
          apiId: 'abc123defg',
          domainName,
          httpMethod: method,
          identity: { sourceIp, userAgent: 'test' },
          path: `/${stage}${path}`,
          protocol: 'HTTP/1.1',
          requestId,
          resourcePath: '/{proxy+}',
          stage,
        },
        body: body.text,
        isBase64Encoded: body.base64,
      };
    }
    case 'apigw-v2':
    case 'function-url': {
      const stage = kind === 'apigw-v2' ? (options.stage ?? '$default') : '$default';
      // HTTP API hands the path decoded; Function URLs keep it as sent
      const rawPath = (stage === '$default' ? '' : `/${stage}`) + (kind === 'apigw-v2' ? decodePath(path) : path);
      const cookies: string[] = [];
      const headers: Record<string, string> = {};
      for (const [name, value] of pairs) {
        const lower = name.toLowerCase();
        if (lower === 'cookie') cookies.push(...value.split(/;\s*/).filter(Boolean));
        else headers[lower] = lower in headers ? `${headers[lower]},${value}` : value;
      }
      const decoded = params.map(([k, v]) => [decode(k), decode(v)] as [string, string]);
      const event: Record<string, unknown> = {
        version: '2.0',
        routeKey: '$default',
        rawPath,
        rawQueryString: query,
        headers,
        requestContext: {
          accountId: '123456789012',
          apiId: 'abc123defg',
          domainName,
          domainPrefix: 'abc123defg',
          http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp, userAgent: 'test' },
          requestId,
          routeKey: '$default',
          stage,
          time: clfTime(time),
          timeEpoch: time.getTime(),
        },
        isBase64Encoded: body.base64,
      };
      if (cookies.length) event.cookies = cookies;
      if (decoded.length) event.queryStringParameters = joinedValues(decoded);
      if (body.text !== null) event.body = body.text;
      return event;
    }
    case 'alb':
    case 'alb-multi': {
      const lowerPairs = pairs.map(([k, v]) => [k.toLowerCase(), v] as [string, string]);
      const event: Record<string, unknown> = {
        requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123' } },
        httpMethod: method,
        path,
        body: body.text ?? '',
        isBase64Encoded: body.base64,
      };
      if (kind === 'alb-multi') {
        event.multiValueHeaders = allValues(lowerPairs);
        event.multiValueQueryStringParameters = allValues(params);
      } else {
        event.headers = lastValues(lowerPairs);
        event.queryStringParameters = lastValues(params);
      }
      return event;
    }
    case 'lattice-v1': {
      const headers: Record<string, string> = {};
      for (const [name, value] of pairs) {
        const lower = name.toLowerCase();
        headers[lower] = lower in headers ? `${headers[lower]},${value}` : value;
      }
      const decoded = params.map(([k, v]) => [decode(k), decode(v)] as [string, string]);
      return {
        raw_path: path,
        method,
        headers,
        query_string_parameters: lastValues(decoded),
        body: body.text ?? '',
        is_base64_encoded: body.base64,
      };
    }
    case 'lattice-v2': {
      const decoded = params.map(([k, v]) => [decode(k), decode(v)] as [string, string]);
      const event: Record<string, unknown> = {
        version: '2.0',
        path,
        method,
        headers: allValues(pairs.map(([k, v]) => [k.toLowerCase(), v] as [string, string])),
        queryStringParameters: allValues(decoded),
        body: body.text ?? '',
        isBase64Encoded: body.base64,
        requestContext: {
          serviceNetworkArn: 'arn:aws:vpc-lattice:us-east-1:123456789012:servicenetwork/sn-0123',
          serviceArn: 'arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123',
          targetGroupArn: 'arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0123',
          identity: { sourceVpcArn: 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123', type: 'AWS_IAM' },
          region: 'us-east-1',
          timeEpoch: `${time.getTime()}000`,
        },
      };
      return event;
    }
  }
}

/** What the source sends to the client for `result` (a buffered handler's return value). */
export function sourceResponse(kind: SourceKind, result: any, method = 'GET'): HttpResponse {
  if (result === null || typeof result !== 'object') throw new Error(`${kind}: result is not an object: ${JSON.stringify(result)}`);
  if (!Number.isInteger(result.statusCode)) throw new Error(`${kind}: result has no integer statusCode`);
  if (typeof result.body !== 'string') throw new Error(`${kind}: result body is not a string`);
  if (typeof result.isBase64Encoded !== 'boolean') throw new Error(`${kind}: result isBase64Encoded is not a boolean`);
  const headers = new Headers();
  const single: Record<string, string> = result.headers ?? {};
  const multi: Record<string, string[]> = result.multiValueHeaders ?? {};
  if (kind === 'alb-multi') {
    if (result.headers !== undefined) throw new Error('alb multi-value mode: result must not use headers');
  } else if (kind === 'alb' || kind.startsWith('lattice')) {
    if (result.multiValueHeaders !== undefined) throw new Error(`${kind}: result must not use multiValueHeaders`);
  }
  if (kind === 'alb' || kind === 'alb-multi' || kind.startsWith('lattice')) {
    if (typeof result.statusDescription !== 'string' || !result.statusDescription.startsWith(`${result.statusCode} `)) {
      throw new Error(`${kind}: result statusDescription ${JSON.stringify(result.statusDescription)} is not "<code> <reason>"`);
    }
  }
  if (kind === 'apigw-v2' || kind === 'function-url') {
    if (result.multiValueHeaders !== undefined) throw new Error(`${kind}: result must not use multiValueHeaders`);
  } else if (result.cookies !== undefined) {
    throw new Error(`${kind}: only payload 2.0 results may carry cookies`);
  }
  for (const name in single) {
    if (typeof single[name] !== 'string') throw new Error(`${kind}: header ${name} is not a string`);
    if (!(name in multi)) headers.append(name, single[name]);
  }
  for (const name in multi) for (const value of multi[name]) headers.append(name, value);
  for (const cookie of result.cookies ?? []) headers.append('set-cookie', cookie);
  const bytes = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body, 'utf8');
  return {
    status: result.statusCode,
    headers,
    body: method === 'HEAD' ? new Uint8Array(0) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  };
}

export function splitQuery(query: string): Array<[string, string]> {
  if (!query) return [];
  return query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq === -1 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    });
}

function utf8Text(byteString: string): string {
  if (!/[^\x00-\x7f]/.test(byteString) || /[^\x00-\xff]/.test(byteString)) return byteString;
  const bytes = Buffer.from(byteString, 'latin1');
  return isUtf8(bytes) ? bytes.toString('utf8') : byteString;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function lastValues(pairs: Array<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of pairs) out[k] = v;
  return out;
}

function allValues(pairs: Array<[string, string]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of pairs) (out[k] ??= []).push(v);
  return out;
}

function joinedValues(pairs: Array<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of pairs) out[k] = k in out ? `${out[k]},${v}` : v;
  return out;
}

function encodeBody(body: Uint8Array | string | undefined, pairs: Array<[string, string]>): { text: string | null; base64: boolean } {
  if (body === undefined) return { text: null, base64: false };
  const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const type = pairs.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  const texty = /^(text\/|application\/(json|xml|x-www-form-urlencoded))/i.test(type);
  if (texty && Buffer.from(bytes.toString('utf8')).equals(bytes)) return { text: bytes.toString('utf8'), base64: false };
  return { text: bytes.toString('base64'), base64: true };
}
