/**
 * The conformance battery: each case states a request and the exact answer every target must
 * give for it (status, the headers that matter, the body bytes). The fixture app is app.ts.
 */
import { createHash } from 'node:crypto';
import type { CaseRequest, Feature } from './runner.js';
import { allBytes, etag, gzipJson, largeBody, png, streamChunk, svg, threeCookies, unicodeText } from './fixtures.js';

export interface Expectation {
  status: number;
  /** Exact values, by lower-case name; `null` means the header must be absent. */
  headers?: Record<string, string | null>;
  /** The exact Set-Cookie list, in order. */
  cookies?: string[];
  /** The exact body bytes. */
  body?: string | Uint8Array;
  /** The body parsed as JSON, compared deeply. */
  json?: unknown;
}

export interface ConformanceCase {
  name: string;
  request: CaseRequest;
  expect: Expectation;
  needs?: Feature[];
}

const text = 'text/plain; charset=utf-8';
const json = 'application/json; charset=utf-8';
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const mib = 1024 * 1024;
const concat = (parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));

function echo(path: string, query: string, params: Array<[string, string]>, method = 'GET') {
  return { method, path, query, params };
}

const get = (path: string, headers?: Array<[string, string]>): CaseRequest => ({ method: 'GET', path, headers });

export const cases: ConformanceCase[] = [
  // basics
  { name: 'GET / answers text', request: get('/'), expect: { status: 200, headers: { 'content-type': text }, body: 'hello from adapt\n' } },
  { name: 'unknown path is the app 404', request: get('/nowhere'), expect: { status: 404, body: 'not found\n' } },
  { name: 'HEAD has headers and no body', request: { method: 'HEAD', path: '/' }, expect: { status: 200, headers: { 'content-type': text }, body: '' } },

  // methods
  ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map(
    (method): ConformanceCase => ({
      name: `method ${method} reaches the app`,
      request: { method, path: '/method', body: method === 'GET' || method === 'OPTIONS' || method === 'DELETE' ? undefined : 'x' },
      expect: { status: 200, headers: { 'content-type': json }, json: { method } },
    }),
  ),

  // paths and queries, raw as sent
  {
    name: 'plain query',
    request: get('/echo?a=1&b=2'),
    expect: {
      status: 200,
      json: echo('/echo', 'a=1&b=2', [
        ['a', '1'],
        ['b', '2'],
      ]),
    },
  },
  {
    name: 'repeated query keys keep order',
    request: get('/echo?tag=x&tag=y&other=1&tag=z'),
    expect: {
      status: 200,
      json: echo('/echo', 'tag=x&tag=y&other=1&tag=z', [
        ['tag', 'x'],
        ['tag', 'y'],
        ['other', '1'],
        ['tag', 'z'],
      ]),
    },
  },
  {
    name: 'empty query values',
    request: get('/echo?empty=&flag&x=1'),
    expect: {
      status: 200,
      json: echo('/echo', 'empty=&flag&x=1', [
        ['empty', ''],
        ['flag', ''],
        ['x', '1'],
      ]),
    },
  },
  {
    name: '%2F, + and %20 in the query stay encoded',
    request: get('/echo?path=a%2Fb&plus=a+b&space=a%20b&literal=a%2Bb'),
    expect: {
      status: 200,
      json: echo('/echo', 'path=a%2Fb&plus=a+b&space=a%20b&literal=a%2Bb', [
        ['path', 'a/b'],
        ['plus', 'a b'],
        ['space', 'a b'],
        ['literal', 'a+b'],
      ]),
    },
  },
  { name: '%2F in the path is not decoded', request: get('/echo/a%2Fb/c'), expect: { status: 200, json: echo('/echo/a%2Fb/c', '', []) } },
  { name: '%20 and + in the path', request: get('/echo/a%20b+c'), expect: { status: 200, json: echo('/echo/a%20b+c', '', []) } },
  { name: 'UTF-8 in the path stays percent-encoded', request: get('/echo/caf%C3%A9'), expect: { status: 200, json: echo('/echo/caf%C3%A9', '', []) } },
  { name: 'reserved characters in the path', request: get("/echo/a;b=c:d@e!$&'()*,"), expect: { status: 200, json: echo("/echo/a;b=c:d@e!$&'()*,", '', []) } },
  { name: 'trailing slash is kept', request: get('/echo/'), expect: { status: 200, json: echo('/echo/', '', []) } },
  {
    name: 'encoded query characters: %26 %3D %23',
    request: get('/echo?q=a%26b%3Dc%23d'),
    expect: { status: 200, json: echo('/echo', 'q=a%26b%3Dc%23d', [['q', 'a&b=c#d']]) },
  },
  {
    name: 'UTF-8 query value',
    request: get('/echo?name=%E2%98%83'),
    expect: { status: 200, json: echo('/echo', 'name=%E2%98%83', [['name', '☃']]) },
  },

  // request headers
  {
    name: 'request header reaches the app',
    request: get('/headers?name=x-one', [['x-one', 'first value']]),
    expect: { status: 200, json: { 'x-one': 'first value' } },
  },
  {
    name: 'repeated request header is joined with a comma',
    request: get('/headers?name=x-multi', [
      ['x-multi', 'a'],
      ['x-multi', 'b'],
    ]),
    expect: { status: 200, json: { 'x-multi': 'a, b' } },
  },
  {
    name: 'absent request header is null',
    request: get('/headers?name=x-absent'),
    expect: { status: 200, json: { 'x-absent': null } },
  },
  {
    // header values are byte strings: the UTF-8 bytes of "café" arrive one character per byte
    name: 'non-ASCII request header arrives as its bytes',
    request: get('/headers?name=x-name', [['x-name', Buffer.from('café', 'utf8').toString('latin1')]]),
    expect: { status: 200, json: { 'x-name': Buffer.from('café', 'utf8').toString('latin1') } },
  },
  {
    name: 'request cookies arrive in one Cookie header',
    request: get('/request-cookies', [['cookie', 'a=1; b=2']]),
    expect: { status: 200, json: { cookie: 'a=1; b=2' } },
  },

  // response headers and cookies
  {
    name: 'three Set-Cookie stay apart (one has a comma in Expires)',
    request: get('/cookies'),
    expect: { status: 200, cookies: threeCookies, body: 'three cookies\n' },
  },
  { name: 'repeated response header', request: get('/multi-header'), expect: { status: 200, headers: { 'x-multi': 'one, two' }, body: 'multi\n' } },

  // bodies out: text and binary
  { name: 'all 256 byte values out', request: get('/binary/bytes'), expect: { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: allBytes } },
  { name: 'PNG out byte for byte', request: get('/binary/png'), expect: { status: 200, headers: { 'content-type': 'image/png' }, body: png } },
  { name: 'bytes without content-type', request: get('/no-type'), expect: { status: 200, headers: { 'content-type': null }, body: allBytes.slice(0, 16) } },
  {
    name: 'gzip-encoded JSON out as bytes',
    request: get('/gzip-json'),
    expect: { status: 200, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipJson },
  },
  { name: 'SVG out as text', request: get('/svg'), expect: { status: 200, headers: { 'content-type': 'image/svg+xml' }, body: svg } },
  {
    name: 'vnd.api+json out as text',
    request: get('/vnd-json'),
    expect: { status: 200, headers: { 'content-type': 'application/vnd.api+json' }, body: '{"data":{"type":"x","id":"1"}}' },
  },
  { name: 'UTF-8 text out', request: get('/unicode'), expect: { status: 200, headers: { 'content-type': text }, body: unicodeText } },
  { name: 'empty 200 body', request: get('/empty'), expect: { status: 200, body: '' } },
  { name: 'large body out (1 MiB)', request: get(`/large?size=${mib}`), expect: { status: 200, body: largeBody(mib) } },
  {
    name: 'streamed body out arrives whole',
    request: get('/stream?chunks=8&size=4096'),
    expect: { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: concat(Array.from({ length: 8 }, (_, i) => streamChunk(i, 4096))) },
  },

  // bodies in
  {
    name: 'text body in',
    request: { method: 'POST', path: '/upload', headers: [['content-type', 'text/plain']], body: 'hello body' },
    expect: { status: 200, json: { method: 'POST', length: 10, sha256: sha256('hello body'), contentType: 'text/plain' } },
  },
  {
    name: 'binary body in (all byte values)',
    request: { method: 'PUT', path: '/upload', headers: [['content-type', 'application/octet-stream']], body: allBytes },
    expect: { status: 200, json: { method: 'PUT', length: 256, sha256: sha256(allBytes), contentType: 'application/octet-stream' } },
  },
  {
    name: 'binary body round trip',
    request: { method: 'POST', path: '/echo-body', headers: [['content-type', 'image/png']], body: png },
    expect: { status: 200, headers: { 'content-type': 'image/png' }, body: png },
  },
  {
    name: 'large body in (1 MiB)',
    request: { method: 'POST', path: '/upload', headers: [['content-type', 'application/octet-stream']], body: largeBody(mib) },
    expect: { status: 200, json: { method: 'POST', length: mib, sha256: sha256(largeBody(mib)), contentType: 'application/octet-stream' } },
  },
  {
    name: 'empty POST body',
    request: { method: 'POST', path: '/upload' },
    expect: { status: 200, json: { method: 'POST', length: 0, sha256: sha256(''), contentType: null } },
  },
  {
    name: 'JSON body in',
    request: { method: 'POST', path: '/json', headers: [['content-type', 'application/json']], body: '{"a":[1,2,{"b":"ü"}]}' },
    expect: { status: 200, json: { received: { a: [1, 2, { b: 'ü' }] } } },
  },
  {
    name: 'invalid JSON body is the app 400',
    request: { method: 'POST', path: '/json', headers: [['content-type', 'application/json']], body: '{"a":' },
    expect: { status: 400, json: { error: 'invalid JSON' } },
  },

  // statuses
  { name: '204 has no body', request: get('/status/204'), expect: { status: 204, body: '' } },
  { name: '304 has no body and keeps ETag', request: get('/status/304'), expect: { status: 304, headers: { etag }, body: '' } },
  { name: 'app-chosen 418', request: get('/status/418'), expect: { status: 418, body: 'status 418\n' } },
  { name: 'app-chosen 503', request: get('/status/503'), expect: { status: 503, body: 'status 503\n' } },
  { name: 'conditional GET answers 304', request: get('/conditional', [['if-none-match', etag]]), expect: { status: 304, headers: { etag }, body: '' } },
  { name: 'conditional GET without match answers 200', request: get('/conditional'), expect: { status: 200, headers: { etag }, body: 'fresh\n' } },
  ...[301, 302, 303, 307, 308].map(
    (status): ConformanceCase => ({
      name: `redirect ${status}`,
      request: get(`/redirect?status=${status}&to=%2Fecho%3Fx%3D1`),
      expect: { status, headers: { location: '/echo?x=1' }, body: '' },
    }),
  ),

  // errors thrown by the app
  {
    name: 'app throws: 500 without a stack trace',
    request: get('/throw'),
    expect: { status: 500, headers: { 'content-type': text }, body: '500 Internal Server Error\n' },
  },
  {
    name: 'app rejects later: 500 without a stack trace',
    request: get('/throw-async'),
    expect: { status: 500, headers: { 'content-type': text }, body: '500 Internal Server Error\n' },
  },

  // what only the fetch contract shows
  {
    name: 'context has platform, env, waitUntil and raw',
    request: get('/context'),
    needs: ['context'],
    expect: { status: 200, json: { platform: 'string', env: 'object', waitUntil: 'function', raw: true } },
  },
  {
    name: 'request behaves like the standard Request (lazy properties)',
    request: {
      method: 'POST',
      path: '/request-props',
      headers: [
        ['x-order-z', '1'],
        ['x-order-a', '2'],
        ['x-order-m', '3'],
        ['content-type', 'text/plain'],
      ],
      body: 'body once',
    },
    needs: ['fetch-api'],
    expect: {
      status: 200,
      json: {
        isRequest: true,
        absoluteUrl: true,
        headerOrder: ['x-order-a', 'x-order-m', 'x-order-z'],
        bodyUsedBefore: false,
        bodyUsedAfter: true,
        body: 'body once',
        cloneBody: 'body once',
        secondRead: 'TypeError',
        signal: true,
      },
    },
  },
  { name: 'waitUntil does not delay the answer', request: get('/wait-until'), needs: ['context'], expect: { status: 200, body: 'scheduled\n' } },
  {
    name: 'new Request(request) copies the request and fetch() takes it (Node 24)',
    request: { method: 'POST', path: '/request-copy', headers: [['content-type', 'text/plain']], body: 'copied body' },
    needs: ['fetch-api'],
    expect: {
      status: 200,
      json: { method: 'POST', sameUrl: true, added: 'by the app', type: 'text/plain', body: 'copied body', fetched: 'copied body', overridden: 'PUT', originalUsed: true },
    },
  },
];
