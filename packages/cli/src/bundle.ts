/**
 * The build pipeline every target shares: esbuild bundles the target's entry source (which imports
 * the app) into one file, then the target packages it, then a size report. Deterministic: the same
 * input gives the same bytes (no timestamps, no absolute paths, legal comments dropped).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AdaptError, type AdaptTarget, type BuildArtifact, type BuiltBundle, type TargetContext } from '@adapt/core';
import { entrySpecifier } from './config.js';
import { cliNodePaths } from './resolve.js';
import { shownPath } from './output.js';

export interface BundleOptions {
  minify: boolean;
  sourcemap: boolean;
}

export interface SizedFile {
  path: string;
  bytes: number;
  gzipBytes: number;
  description: string;
}

export interface BuildReport {
  target: string;
  stage: string;
  outDir: string;
  files: SizedFile[];
  durationMs: number;
}

/**
 * ESM bundles get a real `require` so CommonJS dependencies (Express...) can load Node built-ins.
 * It is made on first use (a call, or a read of `require.resolve`, `.cache`, `.main` or
 * `.extensions`): importing `node:module` and calling `createRequire` at the top of the bundle
 * costs about 1 ms of every cold start, and most bundles never call `require`.
 */
export const esmRequireBanner =
  "const require = /* @__PURE__ */ (() => { let real; const get = () => (real ??= globalThis.process.getBuiltinModule('node:module').createRequire(import.meta.url)); " +
  'const lazy = function require(id) { return get()(id); }; ' +
  "for (const key of ['resolve', 'cache', 'main', 'extensions']) Object.defineProperty(lazy, key, { get: () => get()[key], set: (value) => { get()[key] = value; }, enumerable: true }); " +
  'return lazy; })();';

interface EsbuildMessage {
  text: string;
  location?: { file: string; line: number; column: number; lineText?: string } | null;
}

export function describeBuildErrors(errors: EsbuildMessage[]): string {
  return errors
    .slice(0, 5)
    .map((message) => (message.location ? `${message.location.file}:${message.location.line}:${message.location.column}: ${message.text}` : message.text))
    .join('\n  ');
}

export async function bundleTarget(target: AdaptTarget, context: TargetContext, options: BundleOptions): Promise<BuiltBundle> {
  const spec = target.bundle(context);
  const { build } = await import('esbuild');
  const outfile = join(context.outDir, spec.fileName);
  cleanOutDir(context);
  const banner = [spec.format === 'esm' ? esmRequireBanner : '', spec.banner ?? ''].filter(Boolean).join('\n');
  try {
    await build({
      stdin: {
        contents: spec.entrySource(entrySpecifier(context.cwd, context.entry)),
        resolveDir: context.cwd,
        sourcefile: `adapt-${target.name}-entry.js`,
        loader: 'js',
      },
      absWorkingDir: context.cwd,
      bundle: true,
      platform: 'node',
      format: spec.format,
      target: spec.nodeTarget ?? 'node20',
      outfile,
      external: spec.external ?? [],
      inject: spec.inject,
      banner: banner ? { js: banner } : undefined,
      minify: options.minify,
      sourcemap: options.sourcemap ? 'linked' : false,
      sourcesContent: true,
      legalComments: 'none',
      charset: 'utf8',
      nodePaths: cliNodePaths(),
      logLevel: 'silent',
      write: true,
    });
  } catch (error) {
    const errors = (error as { errors?: EsbuildMessage[] }).errors;
    throw new AdaptError('BUILD_FAILED', `esbuild could not bundle the app for ${target.name}:\n  ${errors?.length ? describeBuildErrors(errors) : (error as Error).message}`, {
      hint: 'fix the error above; a missing package means: npm install it in your project',
      cause: error,
    });
  }
  return { file: outfile, bytes: readFileSync(outfile).byteLength };
}

export async function buildTarget(target: AdaptTarget, context: TargetContext, options: BundleOptions): Promise<BuildReport> {
  const started = performance.now();
  const bundle = await context.log.step(`bundle ${target.name} (${shownPath(context.outDir)})`, () => bundleTarget(target, context, options));
  const artifacts: BuildArtifact[] = [{ path: basename(bundle.file), bytes: bundle.bytes, description: 'bundle: the app and its runtime' }];
  if (options.sourcemap) {
    const map = `${basename(bundle.file)}.map`;
    artifacts.push({ path: map, bytes: readFileSync(join(context.outDir, map)).byteLength, description: 'source map' });
  }
  if (target.package) {
    const extra = await context.log.step(`package ${target.name}`, () => target.package!(context, bundle));
    artifacts.push(...extra.filter((artifact) => !artifacts.some((known) => known.path === artifact.path)));
  }
  const files = artifacts.map((artifact) => ({
    path: artifact.path,
    bytes: artifact.bytes,
    gzipBytes: gzipSize(join(context.outDir, artifact.path)),
    description: artifact.description,
  }));
  return { target: target.name, stage: context.stage, outDir: context.outDir, files, durationMs: Math.round(performance.now() - started) };
}

/** Empties the output folder when it is ours (under .adapt/); never removes the project or a parent of it. */
function cleanOutDir(context: TargetContext): void {
  const inside = (parent: string, child: string) => {
    const path = relative(parent, child);
    return path !== '' && !path.startsWith('..') && !isAbsolute(path);
  };
  if (inside(context.outDir, context.cwd) || context.outDir === context.cwd) {
    throw new AdaptError('USAGE', `--out ${context.outDir} would overwrite the project itself`, { hint: 'choose an empty folder, such as --out dist/node', exitCode: 2 });
  }
  if (inside(join(context.cwd, '.adapt'), context.outDir)) rmSync(context.outDir, { recursive: true, force: true });
  mkdirSync(context.outDir, { recursive: true });
}

/** Gzipped size of a file, or the sum over a folder's files. */
function gzipSize(path: string): number {
  if (!existsSync(path)) return 0;
  if (statSync(path).isDirectory()) return readdirSync(path).reduce((total, name) => total + gzipSize(join(path, name)), 0);
  return gzipSync(readFileSync(path), { level: 9 }).byteLength;
}
