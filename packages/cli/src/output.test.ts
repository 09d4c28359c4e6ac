import { describe, expect, it } from 'vitest';
import { colorsEnabled, formatBytes } from './output.js';

const stream = (isTTY: boolean) => ({ isTTY }) as NodeJS.WriteStream;

describe('colorsEnabled', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [false, { FORCE_COLOR: '1' }, true],
    [false, { FORCE_COLOR: '0' }, false],
    [true, { FORCE_COLOR: '1', NO_COLOR: '1' }, false],
    [true, { TERM: 'dumb' }, false],
  ])('tty %s with %j -> %s', (tty, env, expected) => {
    expect(colorsEnabled(stream(tty), env as NodeJS.ProcessEnv)).toBe(expected);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [31_448, '30.7 KiB'],
    [5 * 1024 * 1024, '5.00 MiB'],
  ])('%d -> %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
