#!/usr/bin/env node
// `npm run pack` (after the build): one tarball per publishable package (every packages/* whose
// package.json is not "private"), as `npm publish` would upload it, into .adapt-pack/ or
// `--out <dir>`. Tarballs of @adapt/* already in that folder are removed first, so it holds one
// version of each. An app takes them with: adapt init my-app --adapt-from <that folder>.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outFlag = args.indexOf('--out');
if (args.includes('--help')) {
  console.log('usage: node scripts/pack.mjs [--out <dir>] [--json]\n  writes one tarball per publishable package into <dir> (default: .adapt-pack/)');
  process.exit(0);
}
if (outFlag !== -1 && !args[outFlag + 1]) {
  console.error('error: --out needs a folder\n  run: node scripts/pack.mjs --out .adapt-pack');
  process.exit(2);
}
const out = resolve(outFlag === -1 ? join(root, '.adapt-pack') : args[outFlag + 1]);

const packagesDir = join(root, 'packages');
const packages = readdirSync(packagesDir)
  .sort()
  .map((folder) => join(packagesDir, folder))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private);

const unbuilt = packages.filter(({ dir }) => !existsSync(join(dir, 'dist')));
if (unbuilt.length > 0) {
  console.error(`error: ${unbuilt.map(({ manifest }) => manifest.name).join(', ')} not built (no dist/)\n  run: npm run build, then pack again (npm run pack does both)`);
  process.exit(1);
}

mkdirSync(out, { recursive: true });
for (const file of readdirSync(out)) if (/^adapt-.+\.tgz$/.test(file)) rmSync(join(out, file));

const written = [];
for (const { dir } of packages) {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  written.push({ name: packed.name, version: packed.version, file: join(out, packed.filename), bytes: packed.size, files: packed.entryCount });
}

if (args.includes('--json')) {
  console.log(JSON.stringify({ ok: true, out, tarballs: written }, null, 2));
} else {
  for (const tarball of written)
    console.log(`${tarball.name}@${tarball.version}  ${relative(process.cwd(), tarball.file) || tarball.file}  ${(tarball.bytes / 1024).toFixed(1)} KiB, ${tarball.files} files`);
  console.log(`\nAn app outside this repository takes them with: adapt init my-app --adapt-from ${out}`);
}
