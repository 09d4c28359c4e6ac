import { defineConfig } from 'vitest/config';
import { ConformanceTableReporter } from './test/conformance/table-reporter.js';

export default defineConfig({
  test: {
    include: ['bench/**/*.test.mjs', 'packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default', new ConformanceTableReporter()],
  },
});
