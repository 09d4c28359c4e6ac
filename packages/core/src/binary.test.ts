import { describe, expect, it } from 'vitest';
import { decodeBase64, defaultIsTextContentType, encodeBase64, isBinaryBody, mediaTypeEssence } from './binary.js';
import { HttpError } from './errors.js';

describe('isBinaryBody', () => {
  it.each([
    ['application/json', 'gzip', true, 'gzip-encoded JSON is bytes'],
    ['application/json', 'br', true, 'brotli-encoded JSON is bytes'],
    ['application/json', 'identity', false, 'identity encoding changes nothing'],
    ['application/json', null, false, 'JSON is text'],
    ['application/vnd.api+json', null, false, '+json suffix is text'],
    ['application/problem+json; charset=utf-8', null, false, 'parameters are ignored'],
    ['image/svg+xml', null, false, 'SVG is text'],
    ['application/atom+xml', null, false, '+xml suffix is text'],
    ['text/html; charset=utf-8', null, false, 'text/* is text'],
    ['TEXT/PLAIN', null, false, 'case does not matter'],
    ['application/x-www-form-urlencoded', null, false, 'forms are text'],
    ['application/javascript', null, false, 'scripts are text'],
    ['image/png', null, true, 'PNG is bytes'],
    ['application/octet-stream', null, true, 'octet-stream is bytes'],
    ['application/pdf', null, true, 'PDF is bytes'],
    ['multipart/form-data; boundary=x', null, true, 'multipart may hold bytes'],
    [null, null, true, 'no content-type with a body is bytes'],
    ['', null, true, 'empty content-type is bytes'],
  ] as Array<[string | null, string | null, boolean, string]>)('%s encoded %s -> binary %s (%s)', (type, encoding, binary) => {
    expect(isBinaryBody(type, encoding)).toBe(binary);
  });

  it('takes a custom text rule', () => {
    expect(isBinaryBody('application/x-custom', null, { isTextContentType: (t) => t.includes('custom') })).toBe(false);
  });

  it('exports the default rule to extend', () => {
    expect(defaultIsTextContentType('application/yaml')).toBe(true);
    expect(mediaTypeEssence(' Text/HTML ; charset=UTF-8')).toBe('text/html');
  });
});

describe('base64', () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);

  it('round-trips every byte value', () => {
    const text = encodeBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64'));
    expect(Buffer.from(decodeBase64(text)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('encodes a view at an offset correctly', () => {
    const view = bytes.subarray(10, 20);
    expect(encodeBase64(view)).toBe(Buffer.from(view).toString('base64'));
  });

  it('accepts URL-safe, unpadded and line-wrapped base64', () => {
    expect(Buffer.from(decodeBase64('-_8')).toString('hex')).toBe('fbff');
    expect(Buffer.from(decodeBase64('aGk')).toString()).toBe('hi');
    expect(Buffer.from(decodeBase64('aGVs\r\nbG8=')).toString()).toBe('hello');
  });

  it.each(['not base64!', 'a', 'ab==cd', 'aGk=\u0000', '@@@@'])('refuses %j with a 400', (text) => {
    expect(() => decodeBase64(text)).toThrow(HttpError);
  });
});
