// Lambda events of every HTTP source adapt handles, in the shapes AWS documents: API Gateway REST
// (payload 1.0, multi-value headers and query), HTTP API (payload 2.0), ALB (single-value mode) and
// Function URLs (payload 2.0 with a lambda-url domain). Each kind is a GET of the JSON route and a
// GET of the 64 KiB binary route.
import { expectedGet, userAgent } from './app.mjs';

const account = '111122223333';
const apiHost = 'r3pmxmplak.execute-api.eu-west-1.amazonaws.com';
const urlHost = 'dlm7xmplq3bc2ydhc4xqqp3rbu0ytckf.lambda-url.eu-west-1.on.aws';
const albHost = 'bench-alb-1234567890.eu-west-1.elb.amazonaws.com';
const sourceIp = '198.51.100.7';
const trace = 'Root=1-67a1b2c3-00112233445566778899aabb';

function restV1(path, query) {
  const headers = {
    Accept: '*/*',
    Host: apiHost,
    'User-Agent': userAgent,
    'X-Amzn-Trace-Id': trace,
    'X-Forwarded-For': sourceIp,
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
  };
  const multiQuery = query ? Object.fromEntries([...new Set(query.keys())].map((key) => [key, query.getAll(key)])) : null;
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, [value]])),
    queryStringParameters: multiQuery ? Object.fromEntries(Object.entries(multiQuery).map(([key, values]) => [key, values.at(-1)])) : null,
    multiValueQueryStringParameters: multiQuery,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: account,
      apiId: 'r3pmxmplak',
      domainName: apiHost,
      httpMethod: 'GET',
      identity: { sourceIp, userAgent },
      path: `/prod${path}`,
      protocol: 'HTTP/1.1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1735689600000,
      resourcePath: '/{proxy+}',
      stage: 'prod',
    },
    body: null,
    isBase64Encoded: false,
  };
}

function httpV2(host, path, rawQueryString) {
  const query = new URLSearchParams(rawQueryString);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString,
    headers: { accept: '*/*', host, 'user-agent': userAgent, 'x-amzn-trace-id': trace, 'x-forwarded-for': sourceIp, 'x-forwarded-port': '443', 'x-forwarded-proto': 'https' },
    ...(rawQueryString ? { queryStringParameters: Object.fromEntries([...new Set(query.keys())].map((key) => [key, query.getAll(key).join(',')])) } : {}),
    requestContext: {
      accountId: host === urlHost ? 'anonymous' : account,
      apiId: host.split('.')[0],
      domainName: host,
      domainPrefix: host.split('.')[0],
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp, userAgent },
      requestId: 'a9a0e1a4-5c4e-4b7e-9d52-2f3c6d1e0b77',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2025:00:00:00 +0000',
      timeEpoch: 1735689600000,
    },
    isBase64Encoded: false,
  };
}

function alb(path, query) {
  return {
    requestContext: { elb: { targetGroupArn: `arn:aws:elasticloadbalancing:eu-west-1:${account}:targetgroup/bench/0123456789abcdef` } },
    httpMethod: 'GET',
    path,
    queryStringParameters: query ? Object.fromEntries(query) : {},
    headers: {
      accept: '*/*',
      host: albHost,
      'user-agent': userAgent,
      'x-amzn-trace-id': trace,
      'x-forwarded-for': sourceIp,
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
    },
    body: '',
    isBase64Encoded: false,
  };
}

const search = 'limit=10&tag=a&tag=b';
const both = expectedGet(['a', 'b']);

/** kind -> { event, expect }: expect is the JSON body, or 'binary' for the 64 KiB base64 body. */
export const kinds = {
  'v1-get': { event: restV1('/items/42', new URLSearchParams(search)), expect: both },
  'v1-bin': { event: restV1('/bin', null), expect: 'binary' },
  'v2-get': { event: httpV2(apiHost, '/items/42', search), expect: both },
  'v2-bin': { event: httpV2(apiHost, '/bin', ''), expect: 'binary' },
  'alb-get': { event: alb('/items/42', new URLSearchParams(search)), expect: expectedGet(['b']) },
  'alb-bin': { event: alb('/bin', null), expect: 'binary' },
  'url-get': { event: httpV2(urlHost, '/items/42', search), expect: both },
  'url-bin': { event: httpV2(urlHost, '/bin', ''), expect: 'binary' },
};

export function lambdaContext() {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:${account}:function:bench`,
    memoryLimitInMB: '1024',
    awsRequestId: '3b1c4a7e-8f2d-4e6a-9c5b-0d1e2f3a4b5c',
    logGroupName: '/aws/lambda/bench',
    logStreamName: '2025/01/01/[$LATEST]00112233445566778899aabbccddeeff',
    getRemainingTimeInMillis: () => 30_000,
  };
}
