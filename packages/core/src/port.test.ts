import { describe, expect, it } from 'vitest';
import { parsePort } from './port.js';

describe('parsePort', () => {
  it.each([
    ['0', 0],
    ['80', 80],
    ['65535', 65535],
    [8080, 8080],
    [0, 0],
  ])('%j -> %j', (input, port) => {
    expect(parsePort(input)).toBe(port);
  });
  it.each(['', '065535', ' 80', '80 ', '65536', '-1', '1e3', '0x50', '80.0', 'eighty', 65536, -1, 80.5, NaN, Infinity, null, undefined, true, '٣٠٠٠'])('refuses %j', (input) => {
    expect(parsePort(input)).toBeUndefined();
  });
});
