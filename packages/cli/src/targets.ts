/**
 * Targets by name: `@adapt/<name>/target`, resolved from the project folder first, then from the
 * CLI's install. The CLI knows targets only through the AdaptTarget interface of @adapt/core.
 */
import { pathToFileURL } from 'node:url';
import { AdaptError, didYouMean, type AdaptTarget } from '@adapt/core';
import { installedTargetNames, installedTargetPackages, resolveFrom } from './resolve.js';

const targetName = /^[a-z0-9][a-z0-9-]*$/;

export async function loadTarget(projectDir: string, name: string): Promise<AdaptTarget> {
  if (!targetName.test(name)) {
    throw new AdaptError('USAGE', `"${name}" is not a target name`, { hint: 'a target is named like its package: node, lambda...', exitCode: 2 });
  }
  // a target of its own package, or one more target another package lists (adapt.targets)
  const installedPackage = installedTargetPackages(projectDir).get(name);
  const packageName = installedPackage ?? name;
  const file = resolveFrom(projectDir, `@adapt/${packageName}/target`);
  if (!file && installedPackage) {
    // the package is there, its build side is not: a checkout that was not built
    throw new AdaptError('TARGET_LOAD', `@adapt/${packageName} is installed but its build side (@adapt/${packageName}/target) is missing`, {
      hint: 'build it first (in the adapt repository: npm run build), or reinstall it',
    });
  }
  if (!file) {
    const installed = installedTargetNames(projectDir);
    const suggestion = didYouMean(name, installed);
    throw new AdaptError('UNKNOWN_TARGET', `unknown target "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`, {
      // a near miss is a typo, not a package to install
      hint: suggestion
        ? `installed targets: ${installed.join(', ')}`
        : installed.length
          ? `installed targets: ${installed.join(', ')}. For another one, run: npm install @adapt/${name}`
          : `no target package is installed; run: npm install @adapt/${name}`,
    });
  }
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new AdaptError('TARGET_LOAD', `cannot load @adapt/${packageName}/target: ${(error as Error).message}`, {
      hint: `reinstall it (npm install @adapt/${packageName}); run with --verbose for the stack trace`,
      cause: error,
    });
  }
  const listed = packageName === name ? undefined : (loaded.targets as Record<string, AdaptTarget> | undefined)?.[name];
  const target = (listed ?? loaded.default ?? loaded.target) as AdaptTarget | undefined;
  if (!target || typeof target.bundle !== 'function' || typeof target.name !== 'string') {
    throw new AdaptError('TARGET_LOAD', `@adapt/${name}/target does not export an adapt target (an object with name and bundle())`, {
      hint: `update @adapt/${name} to a version made for this CLI`,
    });
  }
  return target;
}

/** Every installed target, for `--target all`. */
export async function loadAllTargets(projectDir: string): Promise<AdaptTarget[]> {
  const names = installedTargetNames(projectDir);
  if (names.length === 0) throw new AdaptError('UNKNOWN_TARGET', 'no target package is installed', { hint: 'run: npm install @adapt/node' });
  return Promise.all(names.map((name) => loadTarget(projectDir, name)));
}

type Capability = 'deploy' | 'rollback' | 'list' | 'invoke' | 'start' | 'dev' | 'package';

/** The target's method, or a clear error listing the installed targets that have it. */
export async function requireCapability<K extends Capability>(projectDir: string, target: AdaptTarget, capability: K): Promise<NonNullable<AdaptTarget[K]>> {
  const method = target[capability];
  if (typeof method === 'function') return method.bind(target) as NonNullable<AdaptTarget[K]>;
  const able: string[] = [];
  for (const name of installedTargetNames(projectDir)) {
    try {
      const other = await loadTarget(projectDir, name);
      if (typeof other[capability] === 'function') able.push(name);
    } catch {
      // a broken target package cannot do it either
    }
  }
  const verb = capability === 'start' ? 'start locally' : capability === 'dev' ? 'serve adapt dev' : capability === 'list' ? 'list what it deployed' : capability;
  const command = capability === 'list' ? 'deploy --list' : capability;
  throw new AdaptError('TARGET_UNSUPPORTED', `target ${target.name} cannot ${verb}; targets that can: ${able.length ? able.join(', ') : 'none installed'}`, {
    hint: able.length ? `run: adapt ${command} --target ${able[0]}` : undefined,
  });
}
