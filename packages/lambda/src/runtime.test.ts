import { describe, expect, it } from 'vitest';
import { initAheadOfTraffic } from './runtime.js';

describe('initAheadOfTraffic', () => {
  it('is true for the initialization types Lambda runs before traffic, false on demand and outside Lambda', () => {
    const of = (type: string | undefined) => initAheadOfTraffic({ AWS_LAMBDA_INITIALIZATION_TYPE: type });
    expect([of('provisioned-concurrency'), of('snap-start'), of('lambda-managed-instances')]).toEqual([true, true, true]);
    expect([of('on-demand'), of(undefined), of('')]).toEqual([false, false, false]);
  });
});
