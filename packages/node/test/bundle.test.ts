import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('the runtime entry', () => {
  it('bundles small, with nothing from the build or deploy side', async () => {
    const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const result = await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false, metafile: true, minify: true });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => /@aws-sdk\/|esbuild|commander|\/target\//.test(input))).toEqual([]);
    expect(inputs.some((input) => input.includes('core/dist/lightweight-request.js'))).toBe(true);
    const bytes = result.outputFiles[0].contents.byteLength;
    expect(bytes).toBeLessThan(80 * 1024);
  });
});
