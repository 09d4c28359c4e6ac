/**
 * Where an app's `@adapt/*` packages come from. By default the npm registry, where they are not
 * published yet; `adapt init --adapt-from <dir>` points the app at a folder of tarballs written by
 * `npm run pack` in an adapt checkout, or at the checkout itself (its packages linked with `file:`).
 */
import { AdaptError } from '@adapt/core';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface AdaptSource {
  kind: 'tarballs' | 'checkout';
  dir: string;
  /** Package name → absolute path of its tarball or package folder. */
  packages: Record<string, string>;
}

/** `adapt-core-0.1.0.tgz`, as `npm pack` names `@adapt/core@0.1.0`. */
const tarballName = /^adapt-([a-z0-9][a-z0-9-]*?)-(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)\.tgz$/;

const packHint = 'in an adapt checkout, run: npm ci && npm run pack (it writes .adapt-pack/), then pass --adapt-from <checkout>/.adapt-pack, or pass the checkout itself';

export function findAdaptSource(cwd: string, from: string): AdaptSource {
  const dir = resolve(cwd, from);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new AdaptError('USAGE', `--adapt-from ${from}: no such folder`, { hint: packHint, exitCode: 2 });
  }
  if (existsSync(join(dir, 'packages', 'core', 'package.json'))) return checkoutSource(dir);
  const tarballs = readdirSync(dir).filter((file) => tarballName.test(file));
  if (tarballs.length === 0) {
    throw new AdaptError('USAGE', `--adapt-from ${from} holds neither @adapt tarballs (adapt-*.tgz) nor an adapt checkout (packages/core/package.json)`, {
      hint: packHint,
      exitCode: 2,
    });
  }
  const packages: Record<string, string> = {};
  for (const file of tarballs.sort()) {
    const name = `@adapt/${tarballName.exec(file)![1]}`;
    if (packages[name]) {
      throw new AdaptError('USAGE', `--adapt-from ${from} holds more than one tarball of ${name}: ${relative(dir, packages[name])}, ${file}`, {
        hint: 'keep one of them (npm run pack empties .adapt-pack/ before it writes)',
        exitCode: 2,
      });
    }
    packages[name] = join(dir, file);
  }
  return { kind: 'tarballs', dir, packages };
}

function checkoutSource(dir: string): AdaptSource {
  const packages: Record<string, string> = {};
  const packagesDir = join(dir, 'packages');
  for (const folder of readdirSync(packagesDir).sort()) {
    const manifestPath = join(packagesDir, folder, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name?: string; private?: boolean };
    if (manifest.private || !manifest.name?.startsWith('@adapt/')) continue;
    packages[manifest.name] = join(packagesDir, folder);
  }
  const unbuilt = Object.values(packages).filter((folder) => !existsSync(join(folder, 'dist')));
  if (unbuilt.length > 0 || !existsSync(join(dir, 'node_modules'))) {
    throw new AdaptError(
      'INIT_FAILED',
      `the adapt checkout at ${dir} is not installed and built (no ${unbuilt.length ? join(relative(dir, unbuilt[0]), 'dist') : 'node_modules'})`,
      {
        hint: `run: cd ${dir} && npm ci && npm run build, then adapt init again`,
      },
    );
  }
  return { kind: 'checkout', dir, packages };
}

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  overrides?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * The app's package.json with every `@adapt/*` dependency taken from the source, as a `file:`
 * spec relative to the app. `overrides` gives the same spec to the packages' own dependencies on
 * each other (the CLI's @adapt/core, its optional @adapt/node and @adapt/lambda), so that npm
 * never asks the registry for them.
 */
export function pointAtSource(manifest: Manifest, source: AdaptSource, appDir: string): Manifest {
  const spec = (name: string) => `file:${relative(appDir, source.packages[name]).split('\\').join('/')}`;
  const missing: string[] = [];
  const rewrite = (deps: Record<string, string> | undefined) => {
    if (!deps) return deps;
    const out: Record<string, string> = {};
    for (const [name, range] of Object.entries(deps)) {
      if (!name.startsWith('@adapt/')) out[name] = range;
      else if (source.packages[name]) out[name] = spec(name);
      else missing.push(name);
    }
    return out;
  };
  const next: Manifest = { ...manifest, dependencies: rewrite(manifest.dependencies), devDependencies: rewrite(manifest.devDependencies) };
  if (missing.length > 0) {
    throw new AdaptError('INIT_FAILED', `${source.dir} has no ${missing.join(', ')}, which the template needs`, {
      hint: source.kind === 'tarballs' ? 'run npm run pack again in the adapt checkout; it packs every package' : 'update the checkout (git pull) and build it',
    });
  }
  next.overrides = { ...manifest.overrides, ...Object.fromEntries(Object.keys(source.packages).map((name) => [name, spec(name)])) };
  return next;
}

/** The adapt checkout this CLI runs from, if it runs from one (packages/cli/dist inside it). */
export function checkoutOfThisCli(cliPackageDir: string): string | undefined {
  const real = realpathSync(cliPackageDir);
  const root = dirname(dirname(real));
  return real === join(root, 'packages', 'cli') && existsSync(join(root, 'packages', 'core', 'package.json')) ? root : undefined;
}
