/**
 * The runtime entry is what ships in the user's bundle: bundled with esbuild the way a user's
 * handler would be, it must hold nothing from the AWS SDK, esbuild, commander or the `/target`
 * (build and deploy) side. Its size is printed, and guarded against growth.
 */
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Grown past this, look at what was added before raising it (see README, "Bundle size"). */
const BUDGET_BYTES = 36 * 1024;

it('bundles the runtime entry without SDK, esbuild, commander or target code', async () => {
  const result = await build({
    stdin: {
      contents: "import { toLambdaHandler } from '@adapt/lambda';\nexport const handler = toLambdaHandler((request) => new Response('hi'));\n",
      resolveDir: here,
    },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const forbidden = inputs.filter((input) => /@aws-sdk\/|esbuild|commander|\/target\//.test(input));
  expect(forbidden).toEqual([]);
  expect(inputs.some((input) => input.includes('packages/lambda/dist/handler.js'))).toBe(true);
  const bytes = result.outputFiles[0].contents;
  const gzip = gzipSync(bytes).length;
  console.log(`@adapt/lambda runtime entry: ${bytes.length} bytes minified, ${gzip} gzipped, ${inputs.length} modules`);
  expect(bytes.length).toBeLessThan(BUDGET_BYTES);
});
