/**
 * The runtime entry is what ships in the user's bundle: bundled with esbuild the way a user's
 * handler would be, it must hold nothing from the AWS SDK, esbuild, commander or the `src/tooling`
 * (build and deploy) side. Its size is printed, and guarded against growth.
 */
import { gzipSync } from 'node:zlib';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Grown past these, look at what was added before raising them (see README, "Numbers").
 * `@adapt/lambda/buffered` is what `adapt build` ships unless streaming is on; `@adapt/lambda`
 * (streaming included) is what a hand-written handler imports.
 */
// raised for the lightweight Request that holds to the standard class (Node 24, issue 10), the
// client-address rule (issue 11), the Node-handler request path (raw req.url, methods,
// refuseMethods), and the lightweight Headers with the lazy wiring that keep undici (45-65 ms)
// off the cold path (issue 16: +8 KB); the deadline armed on the first wait, so that an app answering
// at once sets no timer (issue 16: +100 bytes); the task event with core's runTask (issue 15: +3.2 KB);
// WebIDL's HeadersInit steps (+0.3 KB); a record that is no proxy read through Object.keys, as
// undici reads it (issue 16: +0.15 KB, 65 ns less per new Response with a headers record); the four
// lightweight globals declared in one script and the warm-up only when init runs ahead of traffic
// (issue 16: +0.55 KB, 5% less cold start for a hello app); the lightweight classes bound at build
// time, bundled as adapt build bundles (issue 16: +0.2 KB, no node:vm at init: 1 ms less cold start);
// an event's plain headers checked once, not by appendHeader and Headers.append both (issue 16:
// +0.36 KB, 0.3-0.5 ms less cold start); hop-by-hop names told by their length first (+0.1 KB)
const BUDGET_BYTES: Record<string, number> = { '@adapt/lambda/buffered': 49_200, '@adapt/lambda': 51_700 };

it.each(Object.keys(BUDGET_BYTES))('bundles %s without SDK, esbuild, commander or tooling code', async (entry) => {
  const result = await build({
    stdin: {
      contents: `import { toLambdaHandler } from '${entry}';\nexport const handler = toLambdaHandler((request) => new Response('hi'));\n`,
      resolveDir: here,
    },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    inject: ['@adapt/lambda/bundle-globals'], // as adapt build bundles it
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const forbidden = inputs.filter((input) => /@aws-sdk\/|esbuild|commander|\/tooling\//.test(input));
  expect(forbidden).toEqual([]);
  expect(inputs.some((input) => input.includes('packages/lambda/dist/buffered-handler.js'))).toBe(true);
  // the buffered entry's files never import the streaming module (not even for tree-shaking to drop)
  expect(inputs.some((input) => input.includes('packages/lambda/dist/streaming.js'))).toBe(entry === '@adapt/lambda');
  // and no streaming code reaches the output; the full entry's does
  const shipped = Object.entries(Object.values(result.metafile.outputs)[0].inputs).filter(([, input]) => input.bytesInOutput > 0);
  expect(shipped.some(([input]) => input.includes('packages/lambda/dist/streaming.js'))).toBe(entry === '@adapt/lambda');
  const bytes = result.outputFiles[0].contents;
  const gzip = gzipSync(bytes).length;
  console.log(`${entry} runtime entry: ${bytes.length} bytes minified, ${gzip} gzipped, ${inputs.length} modules`);
  expect(bytes.length).toBeLessThan(BUDGET_BYTES[entry]);
});
