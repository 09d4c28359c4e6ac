// adapt's own bench, one command:  npm run bench [-- --quick] [-- --json[=file]] [-- --only node,instructions,cold,events] [-- --node this,22,24]
// Builds the packages, installs the peers into node_modules/.cache/adapt-bench/ when missing, then
// runs each measure (interleaved rounds, medians, ratios against the peers in the same run).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeVersion, officialNode, officialNodeUnavailable } from '../scripts/node-binaries.mjs';
import { buildLambdaColdBundles, measureLambdaCold, printLambdaCold, summarizeLambdaCold } from './lambda-cold/measure.mjs';
import { measureLambdaThroughput, printLambdaThroughput, summarizeLambdaThroughput } from './lambda/throughput.mjs';
import { ensurePeers, peerVersions, repoRoot } from './lib/peers.mjs';
import { measureInstructions, missingInstructionTools, printInstructions, summarizeInstructions } from './node-server/instructions.mjs';
import { measureNodeServer, missingTools, printNodeServer, summarizeNodeServer } from './node-server/measure.mjs';

const usage = `usage: npm run bench [-- options]

Measures adapt against its peers in the same run and prints medians and ratios.
  --quick            fewer and shorter rounds (a minute or two)
  --only <list>      some of: node, instructions, cold, events (default: all four)
  --json[=file]      machine-readable results: to the file, or to stdout (tables then go to stderr)
  --node <list>      the Node versions the cold start and the instruction count run on: "this"
                     (the one running the bench) and majors such as 22, 24 (default: this,22,24;
                     official binaries from the npm registry, kept in node_modules/.cache/adapt-node
                     as test:node-matrix does)
  --no-build         skip building the packages first
  -h, --help         this text

Measures: node = Node server over real sockets (server CPU per request and req/s, needs taskset
and wrk); instructions = the same servers' instructions per hello request under valgrind's
callgrind (nearly the same count on every run; needs valgrind and ab); cold = Lambda cold start (fresh process per round); events = in-process Lambda
throughput per event kind. Peers are installed into node_modules/.cache/adapt-bench/.`;

let options;
try {
  options = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      json: { type: 'string' },
      node: { type: 'string', default: 'this,22,24' },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    args: process.argv.slice(2).map((arg) => (arg === '--json' ? '--json=-' : arg)),
  }).values;
} catch (error) {
  console.error(`bench: ${error.message}\n\n${usage}`);
  process.exit(2);
}
if (options.help) {
  console.log(usage);
  process.exit(0);
}
const measures = ['node', 'instructions', 'cold', 'events'];
const only = options.only ? options.only.split(',').map((name) => name.trim()) : measures;
const unknown = only.filter((name) => !measures.includes(name));
if (unknown.length) {
  console.error(`bench: unknown measure ${unknown.join(', ')} in --only; use some of ${measures.join(', ')}`);
  process.exit(2);
}
const nodeList = options.node
  .split(',')
  .map((entry) => entry.trim())
  .filter(Boolean);
const badNode = nodeList.filter((entry) => entry !== 'this' && !/^\d+$/.test(entry));
if (badNode.length || nodeList.length === 0) {
  console.error(`bench: --node takes "this" and Node majors such as 22,24; got ${JSON.stringify(options.node)}`);
  process.exit(2);
}
const toStdout = options.json === '-';
const print = (text) => (toStdout ? process.stderr : process.stdout).write(`${text}\n`);
const log = (line) => process.stderr.write(`  ${line}\n`);

const settings = options.quick
  ? { node: { rounds: 3, seconds: 2 }, instructions: { warmup: 8000, requests: 1500 }, cold: { rounds: 7 }, events: { rounds: 5, sampleMs: 80, warmup: 1000 } }
  : { node: { rounds: 7, seconds: 5 }, instructions: { warmup: 20000, requests: 3000 }, cold: { rounds: 21 }, events: { rounds: 11, sampleMs: 150, warmup: 3000 } };

/** The Node binaries of --node: this one, then each major asked for (installed when missing); one that cannot be had is said and left out. */
function benchNodes(measure) {
  const nodes = [];
  const add = (bin) => {
    const version = bin === process.execPath ? process.version : nodeVersion(bin);
    if (!nodes.some((node) => node.version === version)) nodes.push({ bin, version });
  };
  for (const entry of nodeList) {
    if (entry === 'this') {
      add(process.execPath);
      continue;
    }
    if (entry === process.versions.node.split('.')[0]) {
      add(process.execPath);
      continue;
    }
    const unavailable = officialNodeUnavailable();
    if (unavailable) {
      print(`\n${measure} on Node ${entry} skipped: the official binaries ${unavailable}.`);
      continue;
    }
    try {
      add(officialNode(entry, { log, stdio: 'ignore' }));
    } catch (error) {
      print(`\n${measure} on Node ${entry} skipped: ${error.message}.`);
    }
  }
  return nodes;
}

if (!options['no-build']) {
  log('building @adapt/core, node, lambda and cli (tsc -b)');
  execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'packages/node', 'packages/lambda', 'packages/cli'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
}
ensurePeers(log);

const started = new Date();
const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, loadAverage: loadavg().map((value) => Number(value.toFixed(2))) };
print(
  `adapt bench, ${options.quick ? 'quick' : 'full'} run, ${started.toISOString()}, node ${process.version}, ${machine.cpus} CPUs (${machine.cpuModel}), load average ${machine.loadAverage.join(' ')} at the start`,
);
print(
  `peers: ${Object.entries(peerVersions)
    .map(([name, version]) => `${name}@${version}`)
    .join(', ')}`,
);
const results = { run: { quick: options.quick, started: started.toISOString(), machine, peers: peerVersions }, measures: {} };

if (only.includes('node')) {
  const missing = missingTools();
  if (missing) {
    print(`\nNode server measure skipped: it ${missing}.`);
    results.measures.node = { skipped: missing };
  } else {
    const result = await measureNodeServer({ ...settings.node, log });
    const summary = summarizeNodeServer(result);
    print(`\n${printNodeServer(result, summary)}`);
    results.measures.node = { ...result, summary };
  }
}
if (only.includes('instructions')) {
  const missing = missingInstructionTools();
  if (missing) {
    print(`\nInstructions per request skipped: the measure ${missing}.`);
    results.measures.instructions = { skipped: missing };
  } else {
    results.measures.instructions = [];
    for (const node of benchNodes('Instructions per request')) {
      const result = await measureInstructions({ ...settings.instructions, log, node });
      const summary = summarizeInstructions(result);
      print(`\n${printInstructions(result, summary)}`);
      results.measures.instructions.push({ ...result, summary });
    }
  }
}
if (only.includes('cold')) {
  const nodes = benchNodes('Lambda cold start');
  const oldest = Math.min(...nodes.map((node) => Number(node.version.slice(1).split('.')[0])));
  const built = await buildLambdaColdBundles({ nodeTarget: `node${oldest}` });
  results.measures.cold = [];
  for (const node of nodes) {
    const result = await measureLambdaCold({ ...settings.cold, log, built, node });
    const summary = summarizeLambdaCold(result);
    print(`\n${printLambdaCold(result, summary)}`);
    results.measures.cold.push({ ...result, summary });
  }
}
if (only.includes('events')) {
  const result = await measureLambdaThroughput({ ...settings.events, log });
  const summary = summarizeLambdaThroughput(result);
  print(`\n${printLambdaThroughput(result, summary)}`);
  results.measures.events = { ...result, summary };
}
results.run.finished = new Date().toISOString();
results.run.loadAverageAtEnd = loadavg().map((value) => Number(value.toFixed(2)));
print(`\nfinished ${results.run.finished}, load average ${results.run.loadAverageAtEnd.join(' ')} at the end`);
if (toStdout) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
else if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
