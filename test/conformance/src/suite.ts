/**
 * Registers the battery as vitest tests for one runner:
 *
 *   conformanceSuite('node (socket)', async () => createSocketRunner(battery));
 *
 * Each case delivers its request through the runner and checks the exact expected answer. A case
 * the runner cannot carry is registered as a skipped test with the reason in its name, so every
 * run lists what was left out and why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases } from './cases.js';
import type { Feature, Runner } from './runner.js';
import { checkResponse } from './check.js';

export interface SuiteOptions {
  /** What the runner cannot carry (see `Feature`): each case that needs it is skipped. */
  lacks?: ReadonlyArray<Feature>;
  /** Cases the runner cannot carry, by case name, each with the reason (the platform loses the information first, say). */
  skip?: Readonly<Record<string, string>>;
  /** false: the runner is never created (a component it needs is missing, and its tests are skipped). */
  enabled?: boolean;
}

export function conformanceSuite(name: string, createRunner: () => Promise<Runner> | Runner, options: SuiteOptions = {}): void {
  const unknown = Object.keys(options.skip ?? {}).filter((caseName) => !cases.some((testCase) => testCase.name === caseName));
  if (unknown.length > 0) throw new Error(`conformanceSuite(${JSON.stringify(name)}): skip names no case of the battery: ${unknown.map((n) => JSON.stringify(n)).join(', ')}`);
  describe(`conformance: ${name}`, () => {
    let runner: Runner;
    beforeAll(async () => {
      if (options.enabled === false) return;
      runner = await createRunner();
    });
    afterAll(async () => {
      await runner?.close?.();
    });
    for (const testCase of cases) {
      const missing = (testCase.needs ?? []).filter((feature) => options.lacks?.includes(feature));
      const reason = options.skip?.[testCase.name] ?? (missing.length > 0 ? `the runner lacks ${missing.join(', ')}` : undefined);
      if (reason !== undefined) {
        it.skip(`${testCase.name} (skipped: ${reason})`, () => {});
        continue;
      }
      it(testCase.name, async () => {
        const response = await runner.deliver(testCase.request);
        const problems = checkResponse(testCase, response);
        expect(problems, `${testCase.name} through ${runner.name}`).toEqual([]);
      });
    }
  });
}
