import { describe, expect, it } from 'vitest';
import { checkMethod } from './method.js';

describe('checkMethod', () => {
  it.each(['GET', 'POST', 'PATCH', 'PURGE', 'M-SEARCH', 'get'])('accepts %s', (method) => {
    expect(checkMethod(method)).toBe(method);
    expect(() => new Request('http://x/', { method })).not.toThrow();
  });

  it.each(['GE T', '', 'GET\r\n', 'GÉT', '(GET)'])('refuses %j with a 400', (method) => {
    expect(() => checkMethod(method)).toThrow(expect.objectContaining({ status: 400, code: 'BAD_METHOD' }));
  });

  it.each([undefined, null, 42, {}, Object.create(null), [Object.create(null)]])('refuses a non-string %j with a 400', (method) => {
    expect(() => checkMethod(method)).toThrow(expect.objectContaining({ status: 400 }));
  });

  it.each(['CONNECT', 'TRACE', 'track'])('refuses %s, which Request forbids, with a 405', (method) => {
    expect(() => checkMethod(method)).toThrow(expect.objectContaining({ status: 405 }));
  });
});
