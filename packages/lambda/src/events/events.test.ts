import { describe, expect, it } from 'vitest';
import { trustNone } from '@adapt/core';
import { pickEventSource } from './index.js';
import { stripPrefix } from './_shared.js';

const options = { basePath: '', stripStage: true, trust: trustNone };
const url = (event: any) => pickEventSource(event)!.createRequest(event, options).url;

describe('pickEventSource', () => {
  it.each([
    ['alb', { requestContext: { elb: {} }, httpMethod: 'GET', path: '/' }],
    ['function-url', { version: '2.0', rawPath: '/', requestContext: { domainName: 'x.lambda-url.us-east-1.on.aws', http: { method: 'GET' } } }],
    ['apigw-v2', { version: '2.0', rawPath: '/', requestContext: { domainName: 'x.execute-api.us-east-1.amazonaws.com', http: { method: 'GET' } } }],
    ['apigw-v2', { version: '2.0', rawPath: '/' }],
    ['lattice-v2', { version: '2.0', path: '/', method: 'GET' }],
    ['apigw-v1', { httpMethod: 'GET', path: '/', requestContext: {} }],
    ['apigw-v1', { version: '1.0', httpMethod: 'GET', path: '/', requestContext: { http: undefined } }],
    ['lattice-v1', { raw_path: '/', method: 'GET' }],
  ])('%s', (name, event) => {
    expect(pickEventSource(event)?.name).toBe(name);
  });

  it.each([
    ['REQUEST authorizer', { type: 'REQUEST', methodArn: 'arn', httpMethod: 'GET', path: '/', requestContext: {} }],
    ['TOKEN authorizer', { type: 'TOKEN', methodArn: 'arn', authorizationToken: 'x' }],
    ['HTTP API authorizer', { version: '2.0', type: 'REQUEST', routeArn: 'arn', rawPath: '/', requestContext: { http: { method: 'GET' } } }],
    ['SQS', { Records: [{ eventSource: 'aws:sqs' }] }],
    ['null', null],
    ['array', []],
  ])('none for %s', (_, event) => {
    expect(pickEventSource(event)).toBeUndefined();
  });
});

describe('request URL per source', () => {
  it.each([
    // ALB: path and query as sent
    [{ requestContext: { elb: {} }, httpMethod: 'GET', path: '/a%2Fb', headers: { host: 'h' }, queryStringParameters: { q: 'a%20b+c' } }, 'https://h/a%2Fb?q=a%20b+c'],
    [
      {
        requestContext: { elb: {} },
        httpMethod: 'GET',
        path: '/',
        multiValueHeaders: { host: ['h'], 'x-forwarded-proto': ['http'] },
        multiValueQueryStringParameters: { t: ['1', '2'] },
      },
      'http://h/?t=1&t=2',
    ],
    // REST: decoded parameters re-encoded once; the multi-value form wins
    [
      { httpMethod: 'GET', path: '/x', headers: { Host: 'h' }, queryStringParameters: { q: 'b' }, multiValueQueryStringParameters: { q: ['a b', 'b'] }, requestContext: {} },
      'https://h/x?q=a%20b&q=b',
    ],
    // REST without Host: the domain name
    [{ httpMethod: 'GET', path: '/', requestContext: { domainName: 'api.example.com' } }, 'https://api.example.com/'],
    // v2: rawQueryString untouched; a decoded space in rawPath re-encoded; named stage stripped
    [
      { version: '2.0', rawPath: '/prod/a b', rawQueryString: 'x=%2F&y=+', headers: { host: 'h' }, requestContext: { stage: 'prod', http: { method: 'GET' } } },
      'https://h/a%20b?x=%2F&y=+',
    ],
    [{ version: '2.0', rawPath: '/production', rawQueryString: '', headers: { host: 'h' }, requestContext: { stage: 'prod', http: { method: 'GET' } } }, 'https://h/production'],
    // Lattice v1: raw query inside raw_path wins; else decoded parameters
    [{ raw_path: '/p?a=%2F', method: 'GET', headers: { host: 'h' }, query_string_parameters: { a: '/' } }, 'https://h/p?a=%2F'],
    [{ raw_path: '/p', method: 'GET', headers: { host: 'h' }, query_string_parameters: { a: '/ b' } }, 'https://h/p?a=%2F%20b'],
    // Lattice v2: array or string values
    [{ version: '2.0', path: '/p', method: 'GET', headers: { host: ['h'] }, queryStringParameters: { a: ['1', '2'], b: '3' } }, 'https://h/p?a=1&a=2&b=3'],
  ])('%j -> %s', (event, expected) => {
    expect(url(event)).toBe(expected);
  });
});

describe('stripPrefix', () => {
  it.each([
    ['/api/items', '/api', '/items'],
    ['/api', '/api', '/'],
    ['/apiary', '/api', '/apiary'],
    ['/items', '', '/items'],
    ['/api/', '/api', '/'],
  ])('%s without %s is %s', (path, prefix, expected) => {
    expect(stripPrefix(path, prefix)).toBe(expected);
  });
});
