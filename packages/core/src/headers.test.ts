import { describe, expect, it } from 'vitest';
import {
  appendHeader,
  headersFromPairs,
  headersFromRecords,
  headersToMultiRecord,
  headersToRecord,
  headerValueToBytes,
} from './headers.js';
import { splitSetCookie, joinCookies } from './cookies.js';
import { HttpError } from './errors.js';

const cookies = ['a=1; Path=/', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly', 'c=3; Secure; SameSite=Lax'];

describe('Set-Cookie', () => {
  it('three cookies, one with a comma in Expires, stay apart through Headers', () => {
    const headers = headersFromPairs(cookies.map((c) => ['Set-Cookie', c] as const));
    expect(headers.getSetCookie()).toEqual(cookies);
    expect(headersToMultiRecord(headers)['set-cookie']).toEqual(cookies);
    expect(headersToRecord(headers)['set-cookie']).toBeUndefined();
  });

  it('splits a joined Set-Cookie only between cookies', () => {
    expect(splitSetCookie(cookies.join(', '))).toEqual(cookies);
    expect(splitSetCookie(cookies.join(','))).toEqual(cookies);
    expect(splitSetCookie('only=1; Expires=Thu, 01 Jan 2026 00:00:00 GMT')).toEqual(['only=1; Expires=Thu, 01 Jan 2026 00:00:00 GMT']);
    expect(splitSetCookie('')).toEqual([]);
  });

  it('a joined Set-Cookie in a single-value record is split back', () => {
    expect(headersFromRecords({ 'set-cookie': cookies.join(', ') }).getSetCookie()).toEqual(cookies);
  });

  it('joins request cookies with a semicolon', () => {
    expect(joinCookies(['a=1', 'b=2'])).toBe('a=1; b=2');
  });
});

describe('headersFromRecords', () => {
  it('takes repeated values from the multi-value record', () => {
    const headers = headersFromRecords({ accept: 'b', 'x-one': '1' }, { accept: ['a', 'b'] });
    expect(headers.get('accept')).toBe('a, b');
    expect(headers.get('x-one')).toBe('1');
  });

  it('writes non-ASCII values as their UTF-8 bytes, as Node shows them', () => {
    const headers = headersFromRecords({ 'x-name': 'café', 'x-snow': '☃' });
    expect(headers.get('x-name')).toBe(Buffer.from('café').toString('latin1'));
    expect(Buffer.from(headers.get('x-snow')!, 'latin1').toString('utf8')).toBe('☃');
  });

  it('skips null and undefined values', () => {
    expect([...headersFromRecords({ a: undefined, b: 'x' } as Record<string, string | undefined>)]).toEqual([['b', 'x']]);
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

describe('headersToRecord', () => {
  it('joins repeats with a comma and keeps names lower-case', () => {
    const headers = new Headers();
    headers.append('X-Multi', 'one');
    headers.append('X-Multi', 'two');
    expect(headersToRecord(headers)).toEqual({ 'x-multi': 'one, two' });
  });
});
