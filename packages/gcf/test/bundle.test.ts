import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe.each(['index.js', 'app-engine.js'])('the runtime entry dist/%s', (file) => {
  it('bundles with nothing but @adapt/core, @adapt/node and node:* (never the framework, Express or body-parser)', async () => {
    const entry = fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
    const result = await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false, metafile: true, minify: true });
    const inputs = Object.keys(result.metafile.inputs);
    const outside = inputs.filter((input) => !/(^|\/)packages\/(core|node|gcf)\/dist\//.test(input));
    expect(outside).toEqual([]);
    expect(inputs.some((input) => input.includes('node/dist/response.js'))).toBe(true); // the answer is written by @adapt/node's code
  });
});
