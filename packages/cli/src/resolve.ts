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

/** Names of installed `@adapt/*` packages that have a `./target` entry, from the project and the CLI. */
export function installedTargetNames(projectDir: string): string[] {
  const names = new Set<string>();
  for (const folder of [...nodeModulesAbove(projectDir), ...cliNodePaths()]) {
    const scope = join(folder, '@adapt');
    if (!existsSync(scope)) continue;
    for (const name of readdirSync(scope)) {
      try {
        const manifest = JSON.parse(readFileSync(join(scope, name, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> };
        if (manifest.exports && typeof manifest.exports === 'object' && './target' in manifest.exports) names.add(name);
      } catch {
        // not a package
      }
    }
  }
  return [...names].sort();
}
