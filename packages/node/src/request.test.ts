import { describe, expect, it } from 'vitest';
import { rawHeader } from './request.js';

describe('rawHeader', () => {
  const raw = ['HOST', 'a.test', 'Content-Length', '5', 'x_under-score', 'u', 'X-B3-TraceId', 't'];
  it('finds a name in any letter case, the first one', () => {
    expect(rawHeader(raw, 'host')).toBe('a.test');
    expect(rawHeader(['hOsT', 'b', 'Host', 'c'], 'host')).toBe('b');
    expect(rawHeader(raw, 'content-length')).toBe('5');
    expect(rawHeader(raw, 'x-b3-traceid')).toBe('t');
  });

  it('matches characters that are not letters exactly', () => {
    expect(rawHeader(raw, 'x_under-score')).toBe('u');
    expect(rawHeader(raw, 'x-under-score')).toBeUndefined();
    expect(rawHeader(['x-un', 'v'], 'x\run')).toBeUndefined();
    expect(rawHeader(raw, 'hos')).toBeUndefined();
  });
});
