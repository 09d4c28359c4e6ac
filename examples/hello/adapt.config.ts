import { defineConfig } from '@adapt/core';

export default defineConfig({
  entry: 'src/app.ts',
  static: 'public',
  targets: {
    node: { port: 3000 },
    lambda: { memory: 256, timeout: 10, stages: { prod: { memory: 512 } } },
  },
});
