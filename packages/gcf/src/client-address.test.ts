import { describe, expect, it } from 'vitest';
import { lastForwardedFor } from './client-address.js';

describe('lastForwardedFor', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['203.0.113.9', '203.0.113.9'],
    ['203.0.113.9, 198.51.100.7', '198.51.100.7'],
    ['spoofed,198.51.100.7', '198.51.100.7'],
    ['203.0.113.9, ', undefined],
    [['10.0.0.1, 10.0.0.2', '2001:db8::1'], '2001:db8::1'],
  ])('%j gives %j', (value, expected) => {
    expect(lastForwardedFor(value)).toBe(expected);
  });
});
