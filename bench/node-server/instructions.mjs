// Node server, instructions per hello request: each server runs under valgrind's callgrind, which
// counts the instructions the process executes instead of timing them, so the figure is the same
// from one run to the next whatever else the machine is doing. Counting starts after a warm-up
// (callgrind_control -i on), covers a fixed number of keep-alive requests sent by ab, and the work
// of V8's optimizing compiler (still tiering code up under valgrind's slowness) is left out by
// function name: what remains is the server's own work per request, JIT-compiled code, built-ins,
// GC and libc included (the kernel's share, the socket calls, is not counted).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ratio } from '../lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const instructionServers = ['raw', 'adapt', 'hono', 'fastify'];
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

async function countServer(name, { warmup, requests, dir }) {
  const out = join(dir, `${name}.%p`);
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', '--instr-atstart=no', '--smc-check=all-non-file', `--callgrind-out-file=${out}`, process.execPath, join(here, 'server.mjs'), name],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
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
    const url = `http://127.0.0.1:${port}/`;
    run('ab', ['-q', '-k', '-c', '4', '-n', String(warmup), url]);
    run('callgrind_control', ['-i', 'on', String(child.pid)]);
    const report = run('ab', ['-k', '-c', '4', '-n', String(requests), url]);
    run('callgrind_control', ['-i', 'off', String(child.pid)]);
    run('callgrind_control', ['-d', String(child.pid)]);
    const complete = Number(/Complete requests:\s+(\d+)/.exec(report)?.[1]);
    const failed = Number(/Failed requests:\s+(\d+)/.exec(report)?.[1] ?? 0);
    if (complete !== requests || failed > 0) throw new Error(`ab completed ${complete} of ${requests} requests to ${name} (${failed} failed)`);
    // the dump holds the counted span (the file written at exit, nothing)
    const dump = readdirSync(dir)
      .filter((file) => file.startsWith(`${name}.`))
      .map((file) => join(dir, file))
      .sort((a, b) => statSync(b).size - statSync(a).size)[0];
    return parseAnnotate(run('callgrind_annotate', ['--threshold=100', dump]), requests);
  } finally {
    child.kill('SIGKILL');
  }
}

export async function measureInstructions({ warmup, requests, log }) {
  const dir = mkdtempSync(join(tmpdir(), 'adapt-bench-callgrind-'));
  try {
    const servers = [];
    for (const name of instructionServers) {
      log(`instructions per request: ${name} under callgrind (${warmup} requests to warm up, ${requests} counted)`);
      servers.push({ name, ...(await countServer(name, { warmup, requests, dir })) });
    }
    return { settings: { warmup, requests }, servers };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const labels = { raw: 'raw node:http', adapt: 'adapt serve()', hono: '@hono/node-server', fastify: 'fastify' };

export function summarizeInstructions(result) {
  const raw = result.servers.find((server) => server.name === 'raw');
  return Object.fromEntries(result.servers.map((server) => [server.name, { ...server, vsRaw: ratio(server.outsideCompiler, raw.outsideCompiler, 'lower') }]));
}

export function printInstructions(result, summary) {
  const rows = Object.entries(summary).map(
    ([name, row]) =>
      `| ${labels[name]} | ${Math.round(row.outsideCompiler).toLocaleString('en-US')} | ${row.vsRaw.toFixed(2)}x | ${Math.round(row.total).toLocaleString('en-US')} |`,
  );
  return [
    `Node server, instructions per hello request (GET /, "Hello"), counted by callgrind: ${result.settings.requests} keep-alive requests by ab -c 4 after ${result.settings.warmup} to warm up; "vs raw" = raw's count / the server's (lower count is cheaper, 1.00x = as cheap as raw node:http)`,
    '',
    '| server | instructions/req outside the optimizing compiler | vs raw | all instructions/req |',
    '|---|---:|---:|---:|',
    ...rows,
    '(the same count on every run: what the load of other jobs cannot move; the kernel is not counted, the compiler column shows how much tiering up was still going on)',
  ].join('\n');
}
