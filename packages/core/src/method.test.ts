import { describe, expect, it } from 'vitest';
import { checkFetchMethod, checkMethod, methodRefusal } from './method.js';

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

  it.each(['CONNECT', 'TRACE', 'track'])('lets %s through as a method, and refuses it for a fetch app with a 405 (Request forbids it)', (method) => {
    expect(checkMethod(method)).toBe(method);
    expect(() => new Request('http://x/', { method })).toThrow(TypeError);
    expect(() => checkFetchMethod(method)).toThrow(expect.objectContaining({ status: 405 }));
  });

  it('refuses what the refuseMethods setting lists, in any case, with a 405', () => {
    const refuse = methodRefusal(['TRACE', 'propfind'])!;
    expect(() => refuse('trace')).toThrow(expect.objectContaining({ status: 405, message: expect.stringContaining('refuseMethods') }));
    expect(() => refuse('PROPFIND')).toThrow(expect.objectContaining({ status: 405 }));
    expect(refuse('GET')).toBeUndefined();
    expect(methodRefusal(undefined)).toBeUndefined();
    expect(methodRefusal([])).toBeUndefined();
    expect(() => methodRefusal('TRACE')).toThrow(/refuseMethods must be a list/);
    expect(() => methodRefusal(['GE T'])).toThrow(/refuseMethods must be a list/);
  });
});
