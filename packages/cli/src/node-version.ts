/**
 * The Node the CLI needs: the `engines` range of @adapt/cli (>=20.19). bin/adapt.js asks this
 * module first, before the CLI and its dependencies load, so an old Node gets one clear line and
 * exit code 1 instead of a syntax or import error from deep inside.
 */
export const requiredNode = '20.19.0';

function parts(version: string): number[] {
  return version
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10) || 0);
}

/** What is wrong with `version` (such as process.versions.node), or undefined when it is new enough. */
export function nodeVersionProblem(version: string, required: string = requiredNode): string | undefined {
  const have = parts(version);
  const need = parts(required);
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) > (need[i] ?? 0)) return undefined;
    if ((have[i] ?? 0) < (need[i] ?? 0)) {
      const shown = required.replace(/\.0$/, '');
      return `adapt needs Node ${shown} or newer (engines: >=${shown}); this is Node ${version.replace(/^v/, '')}.\n  Install Node 22 or 24 (https://nodejs.org/en/download) and run adapt again.`;
    }
  }
  return undefined;
}
