/**
 * Builds a fixture project for Lambda the way `adapt build` does (the target's BundleSpec through
 * esbuild, then the target's package()), in-process so each test builds in milliseconds. The
 * end-to-end test goes through the real `adapt` binary instead.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import type { BuildArtifact, TargetContext } from '@adapt/core';
import { lambdaTarget } from '../../src/tooling/index.js';

const repoNodeModules = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../node_modules');
// the banner of packages/cli/src/bundle.ts (the lambda package does not depend on the CLI)
const esmRequireBanner =
  "const require = /* @__PURE__ */ (() => { let real; const get = () => (real ??= globalThis.process.getBuiltinModule('node:module').createRequire(import.meta.url)); " +
  'const lazy = function require(id) { return get()(id); }; ' +
  "for (const key of ['resolve', 'cache', 'main', 'extensions']) Object.defineProperty(lazy, key, { get: () => get()[key], set: (value) => { get()[key] = value; }, enumerable: true }); " +
  'return lazy; })();';

export interface FixtureBuild {
  artifacts: BuildArtifact[];
  metafile: Metafile;
  zip: Buffer;
}

export async function buildFixture(ctx: TargetContext): Promise<FixtureBuild> {
  const spec = lambdaTarget.bundle(ctx);
  await rm(ctx.outDir, { recursive: true, force: true });
  await mkdir(ctx.outDir, { recursive: true });
  const outfile = path.join(ctx.outDir, spec.fileName);
  const result = await build({
    stdin: {
      contents: spec.entrySource(`./${path.relative(ctx.cwd, ctx.entry).split(path.sep).join('/')}`),
      resolveDir: ctx.cwd,
      sourcefile: 'adapt-lambda-entry.js',
      loader: 'js',
    },
    absWorkingDir: ctx.cwd,
    bundle: true,
    platform: 'node',
    format: spec.format,
    target: spec.nodeTarget,
    outfile,
    external: spec.external,
    banner: { js: [esmRequireBanner, spec.banner].filter(Boolean).join('\n') },
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    nodePaths: [repoNodeModules],
    conditions: ['node', 'production'],
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = (await readFile(outfile)).byteLength;
  const artifacts = await lambdaTarget.package!(ctx, { file: outfile, bytes });
  return { artifacts, metafile: result.metafile, zip: await readFile(path.join(ctx.outDir, 'function.zip')) };
}
