// Node server over real sockets: each server in its own process pinned to CPU 0 (taskset), wrk
// pinned to CPU 1. For every wrk run the server's user and system time are read from /proc before
// and after and divided by the requests wrk completed: CPU per request, which another job on the
// machine disturbs much less than requests per second (it steals time, it does not add work).
// Rounds interleave the servers (rotating who goes first); the tables give medians and ratios to
// raw node:http measured in the same run.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readlinkSync, realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuPerRequest, processCpu } from '../lib/proc.mjs';
import { median, num, percent, ratio, roundOrder, spread, table, times } from '../lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const serverNames = ['raw', 'raw-web', 'adapt', 'hono', 'fastify'];
export const labels = {
  raw: 'raw node:http',
  'raw-web': 'node:http + web stream',
  adapt: 'adapt serve()',
  hono: '@hono/node-server',
  fastify: 'fastify',
};
/** The routes timed; `without` = servers left out of a case (raw-web's hello is raw's). */
export const cases = [
  { name: 'hello', path: '/', bytes: 5, body: 'Hello', without: ['raw-web'], label: 'hello (GET /, "Hello")' },
  { name: 'stream-1mib', path: '/stream', bytes: 1024 * 1024, label: 'stream-1mib (GET /stream, 1 MiB in 16 chunks of 64 KiB)' },
];

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** Why this measure cannot run here, or null. */
export function missingTools() {
  const missing = [];
  if (!has('taskset')) missing.push('taskset (Debian: apt-get install util-linux)');
  if (!has('wrk')) missing.push('wrk (Debian: apt-get install wrk)');
  if (missing.length) return `needs ${missing.join(' and ')}`;
  if (availableParallelism() < 2) return 'needs 2 CPUs (the server on one, wrk on the other)';
  return null;
}

function startServer(name) {
  const child = spawn('taskset', ['-c', '0', process.execPath, join(here, 'server.mjs'), name], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  // kept for the error message when a server fails; its shutdown notice when killed is not shown
  let errors = '';
  child.stderr.on('data', (data) => (errors += data));
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`the ${name} server exited (code ${code}) before listening:\n${errors}`)));
    child.stdout.on('data', (data) => {
      out += data;
      const match = /^port=(\d+)$/m.exec(out);
      if (match) {
        child.removeAllListeners('exit');
        // taskset execs node, so the child's pid is the server's (its executable is this node; its
        // comm is no proof: Node 24 names its main thread "MainThread")
        const exe = readlinkSync(`/proc/${child.pid}/exe`);
        if (exe === realpathSync(process.execPath)) resolve({ name, child, port: Number(match[1]) });
        else reject(new Error(`pid ${child.pid} runs ${exe}, not the node server: its CPU time would not be the server's`));
      }
    });
  });
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}

/** Each case answered right (status, body) before anything is timed. */
async function check(server) {
  for (const test of cases) {
    const response = await fetch(`http://127.0.0.1:${server.port}${test.path}`);
    const body = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200) return `${test.path}: status ${response.status}`;
    if (body.length !== test.bytes) return `${test.path}: ${body.length} bytes, expected ${test.bytes}`;
    if (test.body && body.toString() !== test.body) return `${test.path}: body ${JSON.stringify(body.toString().slice(0, 40))}`;
  }
  return null;
}

/** wrk's completed requests, req/s and whether it saw errors, from its report. */
export function parseWrk(text) {
  const requests = /(\d+) requests in/.exec(text);
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(text);
  if (!requests || !rate) throw new Error(`could not read wrk's report:\n${text}`);
  return { requests: Number(requests[1]), rps: Number(rate[1]), errors: /Non-2xx|Socket errors/.test(text) };
}

function wrk(port, path, seconds, connections) {
  const out = execFileSync('taskset', ['-c', '1', 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, `http://127.0.0.1:${port}${path}`], {
    encoding: 'utf8',
  });
  return parseWrk(out);
}

/** The cases a server takes part in. */
export const casesOf = (name) => cases.filter((test) => !test.without?.includes(name));

/** Runs the measure; returns { servers: { name: { case: [samples] } }, settings }. */
export async function measureNodeServer({ rounds, seconds, connections = 32, log }) {
  const servers = [];
  try {
    for (const name of serverNames) servers.push(await startServer(name));
    const wrong = {};
    for (const server of servers) {
      const problem = await check(server);
      if (problem) {
        wrong[server.name] = problem;
        log(`WRONG ${labels[server.name]}: ${problem} (not timed)`);
      }
    }
    const live = servers.filter((server) => !wrong[server.name]);
    const samples = Object.fromEntries(live.map((server) => [server.name, Object.fromEntries(casesOf(server.name).map((test) => [test.name, []]))]));
    for (const server of live) for (const test of casesOf(server.name)) wrk(server.port, test.path, 1, connections); // warm-up
    for (let round = 0; round < rounds; round++) {
      log(`node server: round ${round + 1}/${rounds}`);
      for (const test of cases) {
        for (const server of roundOrder(live, round)) {
          if (!samples[server.name][test.name]) continue;
          const before = processCpu(server.child.pid);
          const run = wrk(server.port, test.path, seconds, connections);
          const after = processCpu(server.child.pid);
          const cpu = cpuPerRequest(before, after, run.requests);
          samples[server.name][test.name].push({ cpuUs: cpu.total, userUs: cpu.user, rps: run.rps, errors: run.errors });
        }
      }
    }
    return { settings: { rounds, seconds, connections }, wrong, samples };
  } finally {
    await Promise.all(servers.map((server) => stop(server.child)));
  }
}

/** Medians and ratios to raw, per server and case. */
export function summarizeNodeServer(result) {
  const rows = {};
  for (const [name, byCase] of Object.entries(result.samples)) {
    rows[name] = {};
    for (const test of casesOf(name)) {
      const list = byCase[test.name];
      const raw = result.samples.raw?.[test.name] ?? [];
      const rawWeb = result.samples['raw-web']?.[test.name];
      const pick = (values, key) => values.map((sample) => sample[key]);
      const cpuUs = median(pick(list, 'cpuUs'));
      const userUs = median(pick(list, 'userUs'));
      const rps = median(pick(list, 'rps'));
      rows[name][test.name] = {
        cpuUs,
        cpuSpread: spread(pick(list, 'cpuUs')),
        cpuVsRaw: ratio(cpuUs, median(pick(raw, 'cpuUs')), 'lower'),
        cpuVsRawWeb: rawWeb ? ratio(cpuUs, median(pick(rawWeb, 'cpuUs')), 'lower') : undefined,
        userUs,
        userVsRaw: ratio(userUs, median(pick(raw, 'userUs')), 'lower'),
        rps,
        rpsSpread: spread(pick(list, 'rps')),
        rpsVsRaw: ratio(rps, median(pick(raw, 'rps'))),
        errors: list.some((sample) => sample.errors),
      };
    }
  }
  return rows;
}

export function printNodeServer(result, summary) {
  const { rounds, seconds, connections } = result.settings;
  const lines = [
    `Node server over real sockets: server CPU per request (user+system from /proc, us; lower is better) and req/s; server on CPU 0, wrk -t1 -c${connections} -d${seconds}s on CPU 1; median of ${rounds} interleaved rounds; "vs raw" = raw's cost / the server's (above 1.00x is cheaper than raw)`,
  ];
  for (const test of cases) {
    lines.push('', `${test.label}:`, '');
    const withWeb = Boolean(summary['raw-web']?.[test.name]);
    const rows = Object.entries(summary)
      .filter(([, byCase]) => byCase[test.name])
      .map(([name, byCase]) => {
        const row = byCase[test.name];
        return [
          labels[name],
          `${num(row.cpuUs)} (${percent(row.cpuSpread)})`,
          times(row.cpuVsRaw),
          num(row.userUs),
          times(row.userVsRaw),
          `${num(row.rps)} (${percent(row.rpsSpread)})${row.errors ? ' errors!' : ''}`,
          times(row.rpsVsRaw),
          ...(withWeb ? [row.cpuVsRawWeb === undefined ? '' : times(row.cpuVsRawWeb)] : []),
        ];
      });
    const columns = [
      { title: 'server', align: 'left' },
      { title: 'CPU us/req' },
      { title: 'vs raw' },
      { title: 'user us/req' },
      { title: 'vs raw' },
      { title: 'req/s' },
      { title: 'vs raw' },
    ];
    if (withWeb) columns.push({ title: 'CPU vs node:http + web stream' });
    lines.push(table(columns, rows));
  }
  for (const [name, problem] of Object.entries(result.wrong)) lines.push(`WRONG ${labels[name]}: ${problem} (not timed)`);
  return lines.join('\n');
}
