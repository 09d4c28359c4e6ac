// Lambda cold start: every contender is bundled into one minified ESM file, then each bundle is
// started in a fresh node process per round (rounds interleaved, rotating who goes first): import()
// time, first event time, their total, and the bundle's bytes. adapt's bundles are what
// `adapt build --target lambda` writes (the CLI itself builds them); the peers' entries are bundled
// with the same esbuild settings the CLI uses. The bundles are built once and started by each Node
// the run asks for (the platforms run 22 and 24: undici, and so the peers' cold start, differ).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { cacheDir, repoRoot } from '../lib/peers.mjs';
import { median, num, percent, ratio, roundOrder, spread, table, times } from '../lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const workDir = join(cacheDir, 'cold');
const cli = join(repoRoot, 'packages', 'cli', 'bin', 'adapt.js');

export const contenders = [
  { name: 'floor', label: 'floor (handler by hand)', app: 'hello', entry: 'floor.mjs' },
  { name: 'webstd', label: 'Request + Response by hand (reference)', app: 'hello', entry: 'webstd.mjs' },
  { name: 'adapt-hello', label: 'adapt, hello app', app: 'hello', adaptApp: 'hello.mjs' },
  { name: 'serverless-http', label: 'serverless-http + express, hello', app: 'hello', entry: 'serverless-http.mjs' },
  { name: 'adapt-hono', label: 'adapt, Hono app', app: 'hono', adaptApp: 'hono.mjs' },
  { name: 'hono', label: 'hono/aws-lambda, Hono app', app: 'hono', entry: 'hono.mjs' },
];

/** `adapt build --target lambda` on a copy of the app inside the cache folder; returns the bundle. */
function buildWithAdapt(contender) {
  const project = join(workDir, contender.name);
  rmSync(project, { recursive: true, force: true });
  mkdirSync(join(project, 'src'), { recursive: true });
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: `bench-${contender.name}`, private: true, type: 'module' })}\n`);
  copyFileSync(join(here, 'apps', contender.adaptApp), join(project, 'src', 'app.mjs'));
  const run = spawnSync(process.execPath, [cli, 'build', '--target', 'lambda', '--json'], { cwd: project, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`adapt build --target lambda failed for the ${contender.name} app:\n${run.stderr || run.stdout}`);
  return join(project, '.adapt', 'lambda', 'index.mjs');
}

/** The peers' entries, bundled as packages/cli/src/bundle.ts bundles an app. */
async function buildWithEsbuild(contender, nodeTarget) {
  const { build } = await import('esbuild');
  // the CLI's own banner (a require made on first use), so every bundle starts from the same top; read once run.mjs has built the CLI
  const { esmRequireBanner } = await import('../../packages/cli/dist/bundle.js');
  const outfile = join(workDir, contender.name, 'index.mjs');
  const source = join(workDir, contender.name, contender.entry);
  mkdirSync(dirname(outfile), { recursive: true });
  // the entry is copied into the cache folder so that its imports resolve from the peers' node_modules
  copyFileSync(join(here, 'entries', contender.entry), source);
  await build({
    entryPoints: [source],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: nodeTarget,
    legalComments: 'none',
    charset: 'utf8',
    banner: { js: esmRequireBanner },
    logLevel: 'silent',
  });
  return outfile;
}

const pinned = () => spawnSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' }).status === 0;

function sample(bundle, pin, node) {
  const args = [join(here, 'sample.mjs'), bundle];
  const started = performance.now();
  const out = pin ? execFileSync('taskset', ['-c', '0', node, ...args], { encoding: 'utf8' }) : execFileSync(node, args, { encoding: 'utf8' });
  return { ...JSON.parse(out), processMs: performance.now() - started };
}

/** Builds every contender's bundle once; the peers' for `nodeTarget`, the oldest Node of the run. */
export async function buildLambdaColdBundles({ nodeTarget }) {
  mkdirSync(workDir, { recursive: true });
  const bundles = [];
  for (const contender of contenders) {
    const file = contender.adaptApp ? buildWithAdapt(contender) : await buildWithEsbuild(contender, nodeTarget);
    const bytes = readFileSync(file);
    bundles.push({ ...contender, file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length });
  }
  return { nodeTarget, bundles };
}

/** The rounds on one Node (`node`: its binary and version). */
export async function measureLambdaCold({ rounds, log, built, node }) {
  const bundles = built.bundles.map((bundle) => ({ ...bundle, samples: [], wrong: null }));
  const pin = pinned();
  for (let round = 0; round < rounds; round++) {
    log(`lambda cold start on Node ${node.version}: round ${round + 1}/${rounds}`);
    for (const bundle of roundOrder(bundles, round)) {
      if (bundle.wrong) continue;
      const result = sample(bundle.file, pin, node.bin);
      if (!result.ok) {
        bundle.wrong = `answered ${result.status} ${JSON.stringify(result.body)}, expected 200 "Hello"`;
        log(`WRONG ${bundle.label}: ${bundle.wrong}`);
        continue;
      }
      bundle.samples.push({
        importMs: result.importMs,
        firstEventMs: result.firstEventMs,
        totalMs: result.importMs + result.firstEventMs,
        cpuMs: result.importCpuMs + result.firstEventCpuMs,
        processMs: result.processMs,
      });
    }
  }
  return {
    settings: { rounds, pinned: pin, peerTarget: built.nodeTarget, node: node.version },
    bundles: bundles.map(({ name, label, app, bytes, gzipBytes, samples, wrong }) => ({ name, label, app, bytes, gzipBytes, samples, wrong })),
  };
}

/** Rows shown for scale, not compared with the peers. */
const references = ['floor', 'webstd'];

export function summarizeLambdaCold(result) {
  const rows = {};
  const medianOf = (name, key) => median(result.bundles.find((bundle) => bundle.name === name)?.samples.map((s) => s[key]) ?? []);
  const totalOf = (name) => medianOf(name, 'totalMs');
  for (const bundle of result.bundles) {
    const pick = (key) => bundle.samples.map((s) => s[key]);
    const totalMs = median(pick('totalMs'));
    rows[bundle.name] = {
      bytes: bundle.bytes,
      gzipBytes: bundle.gzipBytes,
      importMs: median(pick('importMs')),
      firstEventMs: median(pick('firstEventMs')),
      totalMs,
      totalSpread: spread(pick('totalMs')),
      processMs: median(pick('processMs')),
      vsHono: references.includes(bundle.name) ? null : ratio(totalMs, totalOf('hono'), 'lower'),
      vsServerlessHttp: references.includes(bundle.name) ? null : ratio(totalMs, totalOf('serverless-http'), 'lower'),
      overFloor: totalMs == null ? null : totalMs / totalOf('floor'),
      cpuMs: median(pick('cpuMs')),
      cpuVsHono: references.includes(bundle.name) ? null : ratio(median(pick('cpuMs')), medianOf('hono', 'cpuMs'), 'lower'),
      cpuOverFloor: bundle.samples.length ? median(pick('cpuMs')) / medianOf('floor', 'cpuMs') : null,
      wrong: bundle.wrong,
    };
  }
  return rows;
}

export function printLambdaCold(result, summary) {
  const label = Object.fromEntries(result.bundles.map((bundle) => [bundle.name, bundle.label]));
  const rows = Object.entries(summary).map(([name, row]) => [
    label[name],
    String(row.bytes),
    String(row.gzipBytes),
    row.wrong ? 'WRONG' : num(row.importMs),
    num(row.firstEventMs),
    `${num(row.totalMs)} (${percent(row.totalSpread)})`,
    times(row.vsHono),
    times(row.vsServerlessHttp),
    row.overFloor == null ? '-' : `${row.overFloor.toFixed(1)}x`,
    num(row.cpuMs),
    times(row.cpuVsHono),
    row.cpuOverFloor == null ? '-' : `${row.cpuOverFloor.toFixed(1)}x`,
    num(row.processMs),
  ]);
  return [
    `Lambda cold start on Node ${result.settings.node}: a fresh node process per sample${result.settings.pinned ? ' (pinned to CPU 0)' : ''}, median of ${result.settings.rounds} interleaved rounds; a Function URL GET /; adapt's bundles built by \`adapt build --target lambda\`, the others by the same esbuild settings (minified ESM, ${result.settings.peerTarget})`,
    '',
    table(
      [
        { title: 'bundle', align: 'left' },
        { title: 'bytes' },
        { title: 'gzip' },
        { title: 'import ms' },
        { title: 'first event ms' },
        { title: 'import + first event ms' },
        { title: 'vs hono/aws-lambda' },
        { title: 'vs serverless-http' },
        { title: 'over floor' },
        { title: 'CPU ms' },
        { title: 'CPU vs hono/aws-lambda' },
        { title: 'CPU over floor' },
        { title: 'process ms' },
      ],
      rows,
    ),
    "(\"vs\": the peer's import + first event / this one's, above 1.00x is faster; CPU ms: the process's CPU time (user + system, all threads) over import + first event, what a busy machine disturbs least; process ms: spawn to exit as the parent sees it, node start-up included)",
    ...result.bundles.filter((bundle) => bundle.wrong).map((bundle) => `WRONG ${bundle.label}: ${bundle.wrong}`),
  ].join('\n');
}
