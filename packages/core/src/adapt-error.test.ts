import { describe, expect, it } from 'vitest';
import { AdaptError, isAdaptError } from './adapt-error.js';

describe('AdaptError', () => {
  it('carries a code, a message, a hint and an exit code (2 for USAGE, else 1)', () => {
    const cause = new Error('ENOENT');
    const error = new AdaptError('NOT_BUILT', 'no build in .adapt/node', { hint: 'run adapt build', cause });
    expect([error.code, error.message, error.hint, error.exitCode, error.cause]).toEqual(['NOT_BUILT', 'no build in .adapt/node', 'run adapt build', 1, cause]);
    expect(new AdaptError('USAGE', 'bad flag').exitCode).toBe(2);
    expect(new AdaptError('USAGE', 'bad flag', { exitCode: 3 }).exitCode).toBe(3);
    expect(new AdaptError('X', 'no hint').hint).toBeUndefined();
  });

  it('is recognised across copies of @adapt/core by its registered brand, and nothing else is', () => {
    expect(isAdaptError(new AdaptError('X', 'm'))).toBe(true);
    const fromAnotherCopy = Object.assign(new Error('region is required'), { code: 'BAD_SETTING', [Symbol.for('adapt.error')]: true });
    expect(isAdaptError(fromAnotherCopy)).toBe(true);
    expect(isAdaptError(Object.assign(new Error('EADDRINUSE'), { code: 'EADDRINUSE', hint: 'duck' }))).toBe(false);
    expect(isAdaptError(null)).toBe(false);
    expect(isAdaptError('error')).toBe(false);
  });
});
