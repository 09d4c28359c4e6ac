/**
 * Where packages come from: the project folder first, then the CLI's own install, so a project
 * without @adapt/node in its dependencies still builds with the one that came with the CLI.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = dirname(fileURLToPath(import.meta.url));

/** Every node_modules folder above `dir`, nearest first. */
export function nodeModulesAbove(dir: string): string[] {
  const folders: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    const folder = join(current, 'node_modules');
    if (existsSync(folder)) folders.push(folder);
    if (dirname(current) === current) return folders;
  }
}

let cachedNodePaths: string[] | undefined;
/** The node_modules folders the CLI itself resolves from: esbuild's `nodePaths` fallback. */
export function cliNodePaths(): string[] {
  cachedNodePaths ??= nodeModulesAbove(realpathSync(cliDir));
  return cachedNodePaths;
}

/** Resolves a package specifier from the project folder, then from the CLI's install. */
export function resolveFrom(projectDir: string, specifier: string): string | undefined {
  for (const base of [join(projectDir, 'package.json'), join(cliDir, 'index.js')]) {
    try {
      return createRequire(base).resolve(specifier);
    } catch {
      // not installed there; try the next place
    }
  }
  return undefined;
}

/**
 * Installed `@adapt/*` packages that have a `./target` entry, from the project and the CLI, by
 * target name. A package holds the target of its own name, and any more its package.json lists in
 * `adapt.targets` (such as @adapt/gcf's `appengine`), exported from the same entry as `targets`.
 */
export function installedTargetPackages(projectDir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const folder of [...nodeModulesAbove(projectDir), ...cliNodePaths()]) {
    const scope = join(folder, '@adapt');
    if (!existsSync(scope)) continue;
    for (const name of readdirSync(scope)) {
      try {
        const manifest = JSON.parse(readFileSync(join(scope, name, 'package.json'), 'utf8')) as { exports?: Record<string, unknown>; adapt?: { targets?: unknown } };
        if (!(manifest.exports && typeof manifest.exports === 'object' && './target' in manifest.exports)) continue;
        const listed = Array.isArray(manifest.adapt?.targets) ? manifest.adapt.targets.filter((item): item is string => typeof item === 'string') : [];
        for (const target of [name, ...listed]) if (!found.has(target)) found.set(target, name);
      } catch {
        // not a package
      }
    }
  }
  return found;
}

/** Names of the installed targets. */
export function installedTargetNames(projectDir: string): string[] {
  return [...installedTargetPackages(projectDir).keys()].sort();
}
