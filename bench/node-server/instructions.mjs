// Node server, instructions per request (hello, and the 1 MiB stream): each server runs under
// valgrind's callgrind, on each Node of --node, which counts the instructions the process executes
// instead of timing them, so the figure is the same
// from one run to the next whatever else the machine is doing. Counting starts after a warm-up
// (callgrind_control -i on), covers a fixed number of keep-alive requests sent by ab, and the work
// of V8's optimizing compiler (still tiering code up under valgrind's slowness) is left out by
// function name: what remains is the server's own work per request, JIT-compiled code, built-ins,
// GC and libc included (the kernel's share, the socket calls, is not counted).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ratio } from '../lib/stats.mjs';
import { cases, labels, serverNames } from './measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const instructionServers = serverNames;
/** The routes counted (the Node-server measure's), each after its own warm-up; share = its part of the warm-up and counted requests. */
export const instructionCases = cases.map((test) => ({ ...test, share: test.bytes > 64 * 1024 ? 0.25 : 1 }));
/** Functions of V8's optimizing compilers (TurboFan, Maglev, their zones and register allocator). */
const compilerFunction = /compiler::|maglev|Maglev|turboshaft|Turboshaft|Zone|RegisterAllocat|LiveRange|InstructionSequence/;

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** Why this measure cannot run here, or null. */
export function missingInstructionTools() {
  const missing = ['valgrind', 'callgrind_control', 'callgrind_annotate'].some((tool) => !has(tool)) ? ['valgrind (Debian: apt-get install valgrind)'] : [];
  if (!has('ab')) missing.push('ab (Debian: apt-get install apache2-utils)');
  return missing.length ? `needs ${missing.join(' and ')}` : null;
}

/** Instructions per request from callgrind_annotate's report: all, and outside the optimizing compiler. */
export function parseAnnotate(text, requests) {
  let total = 0;
  let compiler = 0;
  for (const line of text.split('\n')) {
    const match = /^\s*([\d,]+)\s+\([^)]*\)\s+(.*)$/.exec(line);
    if (!match) continue;
    const count = Number(match[1].replaceAll(',', ''));
    if (match[2].includes('PROGRAM TOTALS')) total = count;
    else if (compilerFunction.test(match[2])) compiler += count;
  }
  return { total: total / requests, outsideCompiler: (total - compiler) / requests };
}

function run(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

async function countServer(name, { warmup, requests, dir, bin }) {
  const out = join(dir, `${name}.%p`);
  const child = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', '--smc-check=all-non-file', `--callgrind-out-file=${out}`, bin, join(here, 'server.mjs'), name], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  try {
    const port = await new Promise((resolve, reject) => {
      let text = '';
      child.once('exit', (code) => reject(new Error(`the ${name} server exited (code ${code}) under valgrind before listening`)));
      child.stdout.on('data', (data) => {
        text += data;
        const match = /^port=(\d+)$/m.exec(text);
        if (match) resolve(Number(match[1]));
      });
    });
    const counts = {};
    const seen = new Set();
    for (const test of instructionCases) {
      if (test.without?.includes(name)) continue;
      const url = `http://127.0.0.1:${port}${test.path}`;
      const counted = Math.max(1, Math.round(requests * test.share));
      run('ab', ['-q', '-k', '-c', '4', '-n', String(Math.max(1, Math.round(warmup * test.share))), url]);
      run('callgrind_control', ['-i', 'on', String(child.pid)]);
      const report = run('ab', ['-q', '-k', '-c', '4', '-n', String(counted), url]);
      run('callgrind_control', ['-i', 'off', String(child.pid)]);
      run('callgrind_control', ['-d', String(child.pid)]);
      const complete = Number(/Complete requests:\s+(\d+)/.exec(report)?.[1]);
      const failed = Number(/Failed requests:\s+(\d+)/.exec(report)?.[1] ?? 0);
      if (complete !== counted || failed > 0) throw new Error(`ab completed ${complete} of ${counted} requests to ${name} ${test.path} (${failed} failed)`);
      // the dump just written holds the counted span
      const dump = readdirSync(dir)
        .filter((file) => file.startsWith(`${name}.`) && !seen.has(file))
        .map((file) => join(dir, file))
        .sort((a, b) => statSync(b).size - statSync(a).size)[0];
      seen.add(basename(dump));
      counts[test.name] = parseAnnotate(run('callgrind_annotate', ['--threshold=100', dump]), counted);
    }
    return counts;
  } finally {
    child.kill('SIGKILL');
  }
}

/** Runs the measure on `node` ({ bin, version }; default: the Node running the bench). */
export async function measureInstructions({ warmup, requests, log, node = { bin: process.execPath, version: process.version } }) {
  const dir = mkdtempSync(join(tmpdir(), 'adapt-bench-callgrind-'));
  try {
    const servers = [];
    for (const name of instructionServers) {
      log(`instructions per request on Node ${node.version}: ${name} under callgrind (${warmup} requests to warm up, ${requests} counted)`);
      servers.push({ name, ...(await countServer(name, { warmup, requests, dir, bin: node.bin })) });
    }
    return { node: node.version, settings: { warmup, requests }, servers };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function summarizeInstructions(result) {
  const raw = result.servers.find((server) => server.name === 'raw');
  return Object.fromEntries(
    result.servers.map((server) => [
      server.name,
      Object.fromEntries(
        instructionCases
          .filter((test) => server[test.name])
          .map((test) => {
            const row = server[test.name];
            const web = result.servers.find((other) => other.name === 'raw-web')?.[test.name];
            const vsRawWeb = web ? ratio(row.outsideCompiler, web.outsideCompiler, 'lower') : undefined;
            return [test.name, { ...row, vsRaw: ratio(row.outsideCompiler, raw[test.name].outsideCompiler, 'lower'), vsRawWeb }];
          }),
      ),
    ]),
  );
}

export function printInstructions(result, summary) {
  const { warmup, requests } = result.settings;
  const lines = [
    `Node server on Node ${result.node}, instructions per request counted by callgrind (keep-alive requests by ab -c 4 after a warm-up on the same route); "vs raw" = raw's count / the server's (lower count is cheaper, 1.00x = as cheap as raw node:http)`,
  ];
  for (const test of instructionCases) {
    const withWeb = Boolean(summary['raw-web']?.[test.name]);
    const rows = Object.entries(summary)
      .filter(([, byCase]) => byCase[test.name])
      .map(([name, byCase]) => {
        const row = byCase[test.name];
        const web = withWeb ? ` ${row.vsRawWeb.toFixed(2)}x |` : '';
        return `| ${labels[name]} | ${Math.round(row.outsideCompiler).toLocaleString('en-US')} | ${row.vsRaw.toFixed(2)}x |${web} ${Math.round(row.total).toLocaleString('en-US')} |`;
      });
    lines.push(
      '',
      `${test.label}: ${Math.round(requests * test.share)} counted after ${Math.round(warmup * test.share)}:`,
      '',
      `| server | instructions/req outside the optimizing compiler | vs raw |${withWeb ? ' vs node:http + web stream |' : ''} all instructions/req |`,
      `|---|---:|---:|${withWeb ? '---:|' : ''}---:|`,
      ...rows,
    );
  }
  lines.push(
    '(nearly the same count on every run, what the load of other jobs cannot move (hello within 1-3%, the stream within 10%: tiering and scavenges vary); the kernel is not counted, the compiler column shows how much tiering up was still going on)',
  );
  return lines.join('\n');
}
