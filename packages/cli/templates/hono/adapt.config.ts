import { defineConfig } from '@adapt/core';

// One config for every target and stage: shared settings, then per stage, then per target.
export default defineConfig({
  entry: 'src/app.ts',
  static: 'public',
  stages: {
    prod: { env: { LOG_LEVEL: 'warn' } },
  },
  targets: {
    node: { port: 3000 },
  },
});
