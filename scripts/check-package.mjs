#!/usr/bin/env node
// `npm run lint` in a package (turbo runs it after build): checks what a user of the published
// package depends on.
// 1. Every file named by package.json `exports`, `bin` and `types` exists.
// 2. The runtime entry (`.`) of a package that also has a `./target` entry, bundled as a user's
//    bundle would be, holds nothing from the build/deploy side: no AWS SDK, esbuild, commander,
//    and no module under a `target/` folder. Runtime packages ship inside users' bundles.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const dir = process.cwd();
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const problems = [];

const files = new Set();
const collect = (value) => {
  if (typeof value === 'string') files.add(value);
  else if (value && typeof value === 'object') Object.values(value).forEach(collect);
};
collect(pkg.exports);
collect(pkg.bin);
collect(pkg.types);
for (const file of files) {
  if (!file.includes('*') && !existsSync(join(dir, file))) problems.push(`${file} (named in package.json) does not exist; run the build first`);
}

const runtime = pkg.exports?.['.']?.default;
if (runtime && pkg.exports['./target']) {
  const result = await build({
    entryPoints: [join(dir, runtime)],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const forbidden = Object.keys(result.metafile.inputs).filter((input) => /@aws-sdk\/|esbuild|commander|\/target\//.test(input));
  for (const input of forbidden) problems.push(`the runtime entry ${runtime} pulls in ${input}, which belongs to the build/deploy side`);
  const size = result.outputFiles[0].contents.length;
  console.log(`${pkg.name}: runtime entry bundles to ${(size / 1024).toFixed(1)} KiB minified`);
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`${pkg.name}: ${problem}`);
  process.exit(1);
}
console.log(`${pkg.name}: package.json entries present${runtime && pkg.exports['./target'] ? ', runtime entry free of build-side code' : ''}`);
