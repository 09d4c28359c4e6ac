import { expect, test } from 'vitest';
import { withRetry } from './retry.js';

function failing(times: number, error: Error) {
  let calls = 0;
  return {
    run: async () => {
      calls++;
      if (calls <= times) throw error;
      return calls;
    },
    calls: () => calls,
  };
}

test('retries a retryable error with doubling delays up to the cap, then succeeds', async () => {
  const waits: number[] = [];
  const told: number[] = [];
  const conflict = Object.assign(new Error('in progress'), { name: 'ResourceConflictException' });
  const source = failing(4, conflict);
  const value = await withRetry(source.run, {
    attempts: 6,
    baseMs: 100,
    maxMs: 500,
    retryable: (error) => (error as Error).name === 'ResourceConflictException',
    onRetry: (_, attempt) => told.push(attempt),
    sleep: async (ms) => void waits.push(ms),
  });
  expect(value).toBe(5);
  expect(waits).toEqual([100, 200, 400, 500]);
  expect(told).toEqual([1, 2, 3, 4]);
});

test('gives up after the last attempt with the last error', async () => {
  const source = failing(10, new Error('still busy'));
  await expect(withRetry(source.run, { attempts: 3, baseMs: 1, maxMs: 1, retryable: () => true, sleep: async () => {} })).rejects.toThrow('still busy');
  expect(source.calls()).toBe(3);
});

test('does not retry other errors', async () => {
  const source = failing(1, new Error('denied'));
  await expect(withRetry(source.run, { attempts: 5, baseMs: 1, maxMs: 1, retryable: () => false, sleep: async () => {} })).rejects.toThrow('denied');
  expect(source.calls()).toBe(1);
});
