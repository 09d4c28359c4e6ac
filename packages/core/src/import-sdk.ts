/**
 * `importSdk`: how a target's tooling loads a cloud's client library, which the user installs
 * beside adapt only for the clouds they deploy to. Tooling only: no runtime code imports it.
 */
import { AdaptError } from './adapt-error.js';

export interface SdkUse {
  /** What needs the library, as the message's subject: "Deploying to Lambda". */
  purpose: string;
  /** What to do when it is missing, for the hint: "npm install --save-dev @aws-sdk/client-lambda". */
  install: string;
}

/**
 * Runs `load` (an `import()` of `name`, written at the call site so TypeScript types it) and
 * returns the module. When `name` itself is not installed, throws SDK_MISSING saying what to
 * install; when it is installed but does not load (one of its own dependencies is missing, a
 * version without the entry point asked for, an error in it), throws SDK_BROKEN with the cause,
 * rather than calling an installed package missing.
 *
 * @example
 * const { LambdaClient } = await importSdk('@aws-sdk/client-lambda', () => import('@aws-sdk/client-lambda'), {
 *   purpose: 'Deploying to Lambda',
 *   install: 'npm install --save-dev @aws-sdk/client-lambda',
 * });
 */
export async function importSdk<T>(name: string, load: () => Promise<T>, use: SdkUse): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (missingPackage(error) === packageName(name)) {
      throw new AdaptError('SDK_MISSING', `${use.purpose} needs ${name}, which is not installed.`, { hint: `Install it beside adapt: ${use.install}`, cause: error });
    }
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new AdaptError('SDK_BROKEN', `${use.purpose} needs ${name}, which is installed but does not load: ${reason}`, {
      hint: `Install it again, with what it depends on: ${use.install} (and check that its version supports Node ${process.versions.node})`,
      cause: error,
    });
  }
}

/**
 * The package a module-not-found error names, as Node words it for `import` ("Cannot find package
 * 'x' imported from ...", "Cannot find module '/abs/path' imported from ...") and for `require`
 * ("Cannot find module 'x'"); undefined for any other error. A deep specifier ("x/sub") counts as
 * its package ("x"). A missing file inside a package that is there (an absolute path) is not a
 * missing package.
 */
export function missingPackage(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const named = /^Cannot find (?:package|module) '([^']+)'/.exec(String((error as Error).message));
  if (!named) return undefined;
  const specifier = named[1];
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')) return undefined;
  return packageName(specifier);
}

/** The package a bare specifier names: "@scope/name" or "name", without a subpath. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
