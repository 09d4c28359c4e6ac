// The packages the bench compares adapt against, at exact versions, installed by the bench itself
// into a cache folder inside the clone (node_modules/.cache/adapt-bench/, ignored by git) the first
// time they are needed. Nothing outside the repository is read or written.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cacheDir = join(repoRoot, 'node_modules', '.cache', 'adapt-bench');

/** Exact versions: the same run on another day measures the same peers. */
export const peerVersions = {
  hono: '4.13.19',
  '@hono/node-server': '2.1.9',
  fastify: '5.12.8',
  'serverless-http': '4.0.0',
  express: '5.3.0',
};

const installed = (name) => {
  const file = join(cacheDir, 'node_modules', name, 'package.json');
  return existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).version === peerVersions[name];
};

/** Installs the peers into the cache folder unless every one is already there at its version. */
export function ensurePeers(log = (line) => process.stderr.write(`${line}\n`)) {
  const loader = join(cacheDir, 'import-peer.mjs');
  if (Object.keys(peerVersions).every(installed) && existsSync(loader)) return;
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(join(cacheDir, 'package.json'), `${JSON.stringify({ name: 'adapt-bench-peers', private: true, type: 'module', dependencies: peerVersions }, null, 2)}\n`);
  log(
    `bench: installing the peers into ${cacheDir.slice(repoRoot.length + 1)}/ (${Object.entries(peerVersions)
      .map(([name, version]) => `${name}@${version}`)
      .join(', ')})`,
  );
  try {
    execFileSync('npm', ['install', '--prefix', cacheDir, '--no-audit', '--no-fund', '--no-package-lock', '--workspaces=false', '--loglevel=error'], {
      cwd: cacheDir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } catch (error) {
    throw new Error(`bench: npm could not install the peers (${error.message}); check the network or the npm registry setting, then run the bench again`, { cause: error });
  }
  // a module inside the cache folder, so that import() resolves the peers from its node_modules
  writeFileSync(loader, 'export const importPeer = (specifier) => import(specifier);\n');
}

let importer;
/** import() of a peer package as installed in the cache folder (ensurePeers() first). */
export async function importPeer(specifier) {
  importer ??= (await import(pathToFileURL(join(cacheDir, 'import-peer.mjs')).href)).importPeer;
  return importer(specifier);
}
