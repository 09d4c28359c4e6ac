import { defineConfig } from '@adapt/core';

export default defineConfig({
  entry: 'src/app.ts',
  targets: { lambda: { memory: 512 } },
});
