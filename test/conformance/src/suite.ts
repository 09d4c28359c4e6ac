/**
 * Registers the battery as vitest tests for one runner:
 *
 *   conformanceSuite('node (socket)', async () => createSocketRunner(battery));
 *
 * Each case delivers its request through the runner and checks the exact expected answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, type ConformanceCase } from './cases.js';
import type { Feature, Runner } from './runner.js';
import { checkResponse } from './check.js';

export interface SuiteOptions {
  /** Only the cases whose names pass this filter. */
  filter?: (testCase: ConformanceCase) => boolean;
  /** false: the runner is never created (a component it needs is missing, and its tests are skipped). */
  enabled?: boolean;
}

export function conformanceSuite(name: string, createRunner: () => Promise<Runner> | Runner, options: SuiteOptions = {}): void {
  describe(`conformance: ${name}`, () => {
    let runner: Runner;
    beforeAll(async () => {
      if (options.enabled === false) return;
      runner = await createRunner();
    });
    afterAll(async () => {
      await runner?.close?.();
    });
    const selected = cases.filter((testCase) => options.filter?.(testCase) ?? true);
    for (const testCase of selected) {
      it(testCase.name, async (context) => {
        const missing = (testCase.needs ?? []).filter((feature: Feature) => runner.lacks?.includes(feature));
        if (missing.length > 0) return context.skip(`runner lacks ${missing.join(', ')}`);
        const response = await runner.deliver(testCase.request);
        const problems = checkResponse(testCase, response);
        expect(problems, `${testCase.name} through ${runner.name}`).toEqual([]);
      });
    }
  });
}
