import { describe, expect, it } from 'vitest';
import { appendHeader, headerValueToBytes, hopByHopHeaders, isHopByHop } from './headers.js';
import { splitSetCookie, joinCookies } from './cookies.js';
import { HttpError } from './errors.js';
import { lightweightHeadersClass } from './lightweight-headers.js';

const cookies = ['a=1; Path=/', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly', 'c=3; Secure; SameSite=Lax'];

describe('Set-Cookie', () => {
  it('three cookies, one with a comma in Expires, stay apart through Headers', () => {
    const headers = new Headers();
    for (const cookie of cookies) appendHeader(headers, 'Set-Cookie', cookie);
    expect(headers.getSetCookie()).toEqual(cookies);
  });

  it('splits a joined Set-Cookie only between cookies', () => {
    expect(splitSetCookie(cookies.join(', '))).toEqual(cookies);
    expect(splitSetCookie(cookies.join(','))).toEqual(cookies);
    expect(splitSetCookie('only=1; Expires=Thu, 01 Jan 2026 00:00:00 GMT')).toEqual(['only=1; Expires=Thu, 01 Jan 2026 00:00:00 GMT']);
    expect(splitSetCookie('')).toEqual([]);
  });

  it('joins request cookies with a semicolon', () => {
    expect(joinCookies(['a=1', 'b=2'])).toBe('a=1; b=2');
  });
});

describe('appendHeader', () => {
  it('writes non-ASCII values as their UTF-8 bytes, as Node shows them', () => {
    const headers = new Headers();
    appendHeader(headers, 'x-name', 'café');
    appendHeader(headers, 'x-snow', '☃');
    expect(headers.get('x-name')).toBe(Buffer.from('café').toString('latin1'));
    expect(Buffer.from(headers.get('x-snow')!, 'latin1').toString('utf8')).toBe('☃');
  });

  it('keeps repeats, joined with a comma on read', () => {
    const headers = new Headers();
    appendHeader(headers, 'Accept', 'a');
    appendHeader(headers, 'accept', 'b');
    expect(headers.get('accept')).toBe('a, b');
  });
});

describe('bad header input', () => {
  it.each([
    ['x-a', 'one\r\nInjected: yes'],
    ['x-a', 'line\nfeed'],
    ['x-a', 'carriage\rreturn'],
    ['x-a', 'nul\0byte'],
  ])('refuses %s: %j with a 400', (name, value) => {
    expect(() => appendHeader(new Headers(), name, value)).toThrow(HttpError);
    expect(() => headerValueToBytes(name, value)).toThrow(expect.objectContaining({ status: 400, code: 'BAD_HEADER' }));
  });

  it.each(['bad name', 'x:y', '', 'é', 'a\r\nb'])('refuses the header name %j', (name) => {
    expect(() => appendHeader(new Headers(), name, 'v')).toThrow(/not a valid HTTP token/);
  });
});

describe('appendHeader on the lightweight Headers (a plain header is stored straight, the rest as before)', () => {
  const Light = lightweightHeadersClass();
  it.each(['plain', '', ' padded\t', 'in\tside', 'a, b', '\x7f', '"quoted"', 'café', '☃'])('stores %j as the standard class does', (value) => {
    const light = new Light();
    const standard = new Headers();
    appendHeader(light, 'X-Test', value);
    appendHeader(standard, 'X-Test', value);
    expect([...light]).toEqual([...standard]);
  });

  it('refuses what it refuses on the standard class', () => {
    expect(() => appendHeader(new Light(), 'x-a', 'one\r\ntwo')).toThrow(expect.objectContaining({ status: 400, code: 'BAD_HEADER' }));
    expect(() => appendHeader(new Light(), 'bad name', 'v')).toThrow(/not a valid HTTP token/);
  });
});

describe('isHopByHop', () => {
  it('is true for exactly the names of hopByHopHeaders', () => {
    for (const name of hopByHopHeaders) expect(isHopByHop(name)).toBe(true);
    for (const name of ['content-type', 'content-length', 'tee', 'trailers', 'connections', 'keep-alive2', '', 'x'.repeat(40)]) expect(isHopByHop(name)).toBe(false);
  });
});
