#!/usr/bin/env node
// The `adapt` binary. It exists before the first build so that npm links it at install time;
// the CLI itself is the compiled dist/bin.js. First, the Node version against package.json
// `engines` (npm only warns about it), so that an old Node gets one clear line instead of a stack.
import { readFileSync } from 'node:fs';

const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const minimum = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(engines?.node?.trim() ?? '');
if (minimum) {
  const have = process.versions.node.split('.').map(Number);
  const need = minimum.slice(1).map((part) => Number(part ?? 0));
  const older = need.findIndex((part, index) => have[index] !== part);
  if (older !== -1 && have[older] < need[older]) {
    console.error(`error: adapt needs Node ${engines.node.trim()}; this is Node ${process.versions.node}\n  install a current LTS (Node 22 or 24) from https://nodejs.org/, then run adapt again`);
    process.exit(1);
  }
}

import('../dist/bin.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/bin.js')) {
    console.error('error: @adapt/cli is not built\n  run: npm run build (in the adapt repository), or reinstall @adapt/cli');
    process.exitCode = 1;
  } else {
    throw error;
  }
});
