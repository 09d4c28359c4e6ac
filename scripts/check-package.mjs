#!/usr/bin/env node
// `npm run lint` in a package (turbo runs it after build): checks what a user of the published
// package depends on.
// 1. Every file named by package.json `exports`, `bin` and `types` exists.
// 2. In a package that also has a `./target` entry (its build/deploy side, loaded only by the
//    CLI), every other entry of `exports` is a runtime entry: bundled as a user's bundle would be,
//    it holds nothing from the build/deploy side: no AWS or Azure SDK, esbuild, commander, and no file of
//    the `./target` entry's own module graph that lives in that entry's folder (the folder comes
//    from the exports map, such as dist/tooling/; static imports only: a dynamic `import()` of the
//    runtime, as `dev` does, is not part of it). Runtime modules the build side also imports
//    (a base-path rule, a header filter) stay runtime modules. Runtime packages ship inside
//    users' bundles.
// 3. The package as `npm pack` writes it (unless "private"): every package its shipped .js and
//    .d.ts files import is declared in its own dependencies, peerDependencies or
//    optionalDependencies (workspace hoisting hides a missing one until the package is installed
//    alone); every source a shipped .map names is shipped too; then publint and @arethetypeswrong/cli (profile esm-only: the packages are ESM only,
//    so node10 and require() resolutions are not theirs) over the tarball.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

const entryFile = (entry) => (typeof entry === 'string' ? entry : entry?.default);
const targetEntry = entryFile(pkg.exports?.['./target']);
const runtimeEntries = targetEntry
  ? Object.entries(pkg.exports)
      .filter(([name]) => name !== './target' && name !== './package.json')
      .map(([name, entry]) => [name, entryFile(entry)])
      .filter(([, file]) => file && !file.includes('*'))
  : [];
if (targetEntry && existsSync(join(dir, targetEntry))) {
  const bundleOptions = { bundle: true, platform: 'node', format: 'esm', target: 'node20', write: false, metafile: true, logLevel: 'silent' };
  const tooling = await build({ ...bundleOptions, entryPoints: [join(dir, targetEntry)], packages: 'external' });
  const toolingEntry = targetEntry.replace(/^\.\//, '');
  const toolingFolder = `${dirname(toolingEntry)}/`;
  const toolingFiles = new Set([...staticGraph(tooling.metafile, toolingEntry)].filter((file) => file.startsWith(toolingFolder)));
  for (const [name, file] of runtimeEntries) {
    const result = await build({ ...bundleOptions, entryPoints: [join(dir, file)], minify: true });
    const inputs = Object.keys(result.metafile.inputs);
    const forbidden = inputs.filter((input) => toolingFiles.has(input) || /@aws-sdk\/|@azure\/|esbuild|commander/.test(input));
    for (const input of forbidden)
      problems.push(`the runtime entry ${name} (${file}) pulls in ${input}, which belongs to the build/deploy side (${targetEntry}): move what both need into a runtime module`);
    const size = result.outputFiles[0].contents.length;
    console.log(`${pkg.name}: runtime entry ${name} bundles to ${(size / 1024).toFixed(1)} KiB minified`);
  }
}

if (!pkg.private && problems.length === 0) await checkPacked();

if (problems.length > 0) {
  for (const problem of problems) console.error(`${pkg.name}: ${problem}`);
  process.exit(1);
}
console.log(
  `${pkg.name}: package.json entries present${runtimeEntries.length > 0 ? `, runtime entries (${runtimeEntries.map(([name]) => name).join(', ')}) free of build-side code` : ''}`,
);
if (!pkg.private) console.log(`${pkg.name}: packed imports declared, maps complete; publint and attw (esm-only) pass`);

/** The files an entry loads when imported: its static imports, followed from file to file. */
function staticGraph(metafile, entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || !metafile.inputs[file]) return;
    seen.add(file);
    for (const imported of metafile.inputs[file].imports) if (!imported.external && imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entry);
  return seen;
}

async function checkPacked() {
  const out = mkdtempSync(join(tmpdir(), 'adapt-check-package-'));
  try {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
    const shipped = packed.files.map((file) => file.path);
    await checkDeclaredImports(shipped);
    checkSourceMaps(shipped);
    const tarball = join(out, packed.filename);
    await runPublint(tarball);
    runAttw(tarball);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function checkDeclaredImports(shipped) {
  const declared = new Set([pkg.name, ...Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies })]);
  const builtins = new Set(builtinModules);
  const packageOf = (specifier) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
  const undeclared = (specifier) => {
    if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return false;
    const name = packageOf(specifier);
    return !builtins.has(name) && !declared.has(name);
  };
  const found = [];
  const scripts = shipped.filter((file) => /\.(m?js|cjs)$/.test(file) && !file.endsWith('.map'));
  if (scripts.length > 0) {
    const result = await build({
      entryPoints: scripts.map((file) => join(dir, file)),
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      outdir: join(tmpdir(), 'adapt-check-package-out'),
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    for (const [file, input] of Object.entries(result.metafile.inputs)) {
      for (const imported of input.imports) if (imported.external && undeclared(imported.path)) found.push(`${file} imports ${imported.path}`);
    }
  }
  const { default: ts } = await import('typescript');
  for (const file of shipped.filter((name) => name.endsWith('.d.ts'))) {
    const { importedFiles, typeReferenceDirectives } = ts.preProcessFile(readFileSync(join(dir, file), 'utf8'), true, true);
    for (const { fileName } of [...importedFiles, ...typeReferenceDirectives]) if (undeclared(fileName)) found.push(`${file} (types) imports ${fileName}`);
  }
  for (const line of new Set(found)) problems.push(`${line}, which package.json does not declare: add it to dependencies (or peerDependencies)`);
}

/** Source and declaration maps name their sources by relative path: each must be in the package. */
function checkSourceMaps(shipped) {
  const inPackage = new Set(shipped);
  for (const map of shipped.filter((file) => file.endsWith('.map'))) {
    const { sources = [] } = JSON.parse(readFileSync(join(dir, map), 'utf8'));
    const absent = sources.map((source) => join(dirname(map), source)).filter((source) => !inPackage.has(source));
    if (absent.length > 0) problems.push(`${map} maps to ${absent.join(', ')}, which npm pack leaves out: add it to files`);
  }
}

async function runPublint(tarball) {
  const { publint } = await import('publint');
  const { formatMessage } = await import('publint/utils');
  const data = readFileSync(tarball);
  const result = await publint({ pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }, level: 'suggestion', strict: true });
  for (const message of result.messages) problems.push(`publint ${message.type}: ${formatMessage(message, result.pkg, { color: false })}`);
}

function runAttw(tarball) {
  const manifest = createRequire(import.meta.url).resolve('@arethetypeswrong/cli/package.json');
  const attw = join(dirname(manifest), JSON.parse(readFileSync(manifest, 'utf8')).bin.attw);
  const run = spawnSync(process.execPath, [attw, tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-emoji', '--no-color'], { encoding: 'utf8' });
  if (run.status !== 0) problems.push(`@arethetypeswrong/cli found problems:\n${run.stdout}${run.stderr}`);
}
