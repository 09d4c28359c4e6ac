import { describe, expect, test } from 'vitest';
import { resultToResponse, syntheticHttpEvent } from './event.js';

describe('syntheticHttpEvent', () => {
  test('a Function URL (payload 2.0) event with the raw path and query, cookies apart', () => {
    const event = syntheticHttpEvent({ method: 'post', path: '/a%20b?x=1&x=2&y=', headers: { Cookie: 'a=1; b=2', 'X-Id': '7' }, body: 'hi' });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/a%20b',
      rawQueryString: 'x=1&x=2&y=',
      queryStringParameters: { x: '1,2', y: '' },
      cookies: ['a=1', 'b=2'],
      // no text content-type: the body arrives base64-encoded, as from a Function URL
      body: 'aGk=',
      isBase64Encoded: true,
      requestContext: { http: { method: 'POST', path: '/a%20b' }, domainName: 'adapt-invoke.lambda-url.us-east-1.on.aws' },
    });
    expect((event.headers as Record<string, string>)['x-id']).toBe('7');
    expect(event.headers).not.toHaveProperty('cookie');
  });

  test('no query, no cookies, no body: the keys are absent, as Lambda sends them', () => {
    const event = syntheticHttpEvent({ path: '/' });
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('cookies');
    expect(event).not.toHaveProperty('body');
  });
});

describe('resultToResponse', () => {
  test.each([
    [
      'payload 2.0 with cookies',
      { statusCode: 201, headers: { 'Content-Type': 'text/plain' }, cookies: ['a=1', 'b=2'], body: 'ok' },
      { status: 201, headers: { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] }, body: 'ok', bodyEncoding: 'utf8' },
    ],
    [
      'REST API multi-value headers',
      { statusCode: 200, multiValueHeaders: { Vary: ['a', 'b'], 'X-One': ['1'] }, body: '' },
      { status: 200, headers: { vary: ['a', 'b'], 'x-one': '1' }, body: '', bodyEncoding: 'utf8' },
    ],
    ['base64 body', { statusCode: 200, body: 'AAE=', isBase64Encoded: true }, { status: 200, headers: {}, body: 'AAE=', bodyEncoding: 'base64' }],
    [
      'a bare value (payload 2.0 reads it as JSON, status 200)',
      { hello: 'world' },
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{"hello":"world"}', bodyEncoding: 'utf8' },
    ],
  ])('%s', (_, result, response) => {
    expect(resultToResponse(result)).toEqual(response);
  });

  test('a streamed payload: prelude, 8 NUL bytes, body (binary body as base64)', () => {
    const text = Buffer.concat([Buffer.from(JSON.stringify({ statusCode: 202, headers: { 'x-a': '1' }, cookies: ['c=1'] })), Buffer.alloc(8), Buffer.from('streamed')]);
    expect(resultToResponse(undefined, text)).toEqual({ status: 202, headers: { 'x-a': '1', 'set-cookie': ['c=1'] }, body: 'streamed', bodyEncoding: 'utf8' });
    const binary = Buffer.concat([Buffer.from('{"statusCode":200}'), Buffer.alloc(8), Buffer.from([0xff, 0xfe])]);
    expect(resultToResponse(undefined, binary)).toMatchObject({ status: 200, body: '//4=', bodyEncoding: 'base64' });
  });

  test('bytes that are neither JSON nor a stream are an error', () => {
    expect(() => resultToResponse(undefined, Buffer.from('Simple Lambda happy path OK'))).toThrow('neither JSON nor a streamed HTTP response');
  });
});
