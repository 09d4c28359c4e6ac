import { describe, expect, it } from 'vitest';
import { sourceOption } from './start.js';

describe('sourceOption (--source)', () => {
  it('is Function URL by default and accepts every source', () => {
    expect(sourceOption(undefined, false)).toBe('function-url');
    for (const source of ['function-url', 'apigw-v1', 'apigw-v2', 'alb', 'alb-multi', 'lattice-v1', 'lattice-v2']) expect(sourceOption(source, false)).toBe(source);
  });
  it('refuses an unknown source, and a non-streaming source for a streaming build, as usage errors', () => {
    expect(() => sourceOption('sqs', false)).toThrow('unknown --source "sqs"');
    expect(() => sourceOption('apigw-v1', true)).toThrow('this build streams (targets.lambda.streaming), and only a Function URL streams; --source apigw-v1 cannot carry it');
    expect(sourceOption(undefined, true)).toBe('function-url');
  });
});
