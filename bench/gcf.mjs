// Cloud Functions: requests per second and server CPU per request through the real
// functions-framework, toGcfHandler(app) against the same app written as a plain Express-style
// handler on the same framework, in the same run. Both functions live in one esbuild bundle; each
// runs in its own framework process (NODE_ENV=production, as deployed). wrk drives one process at
// a time, the kinds interleaved, ROUNDS times; server CPU comes from /proc/<pid>/stat. Medians,
// and the ratio adapt / plain (goal: >= 0.95x).
//   npx turbo run build --filter @adapt/gcf && node bench/gcf.mjs
// Env: ROUNDS (7), DURATION (seconds per sample, 3), CONNECTIONS (16). Needs wrk and Linux /proc.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const rounds = Number(process.env.ROUNDS ?? 7);
const duration = Number(process.env.DURATION ?? 3);
const connections = Number(process.env.CONNECTIONS ?? 16);
const require = createRequire(join(root, 'packages/gcf/package.json'));
const frameworkMain = join(dirname(require.resolve('@google-cloud/functions-framework')), 'main.js');
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

const entry = `
import { toGcfHandler } from ${JSON.stringify(join(root, 'packages/gcf/dist/index.js'))};
const hello = 'Hello from the bench\\n';
// the app, against the fetch contract
export const adapt = toGcfHandler(async (request) => {
  if (request.method === 'POST') return new Response(await request.arrayBuffer(), { headers: { 'content-type': 'application/json' } });
  return new Response(hello, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
});
// the same app as a plain Express handler on the framework
export const plain = (req, res) => {
  if (req.method === 'POST') return res.status(200).set('content-type', 'application/json').send(req.rawBody);
  res.status(200).set('content-type', 'text/plain; charset=utf-8').send(hello);
};
`;

const workloads = {
  'GET hello': { path: '/', script: undefined },
  'POST 1 KiB JSON echo': { path: '/echo', script: 'post.lua' },
};

const dir = mkdtempSync(join(tmpdir(), 'adapt-bench-gcf-'));
const servers = [];
try {
  writeFileSync(join(dir, 'entry.mjs'), entry);
  await build({ entryPoints: [join(dir, 'entry.mjs')], outfile: join(dir, 'index.js'), bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'silent' });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', main: 'index.js' }));
  const items = [];
  while (JSON.stringify({ items }).length < 1000) items.push({ id: items.length, name: `item-${items.length}` });
  const body = JSON.stringify({ items }); // about 1 KiB of valid JSON
  writeFileSync(join(dir, 'post.lua'), `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["Content-Type"] = "application/json"\n`);

  const kinds = ['plain', 'adapt'];
  for (const kind of kinds) servers.push({ kind, ...(await startFramework(kind)) });

  const samples = {};
  for (const name of Object.keys(workloads)) for (const kind of kinds) samples[`${name}|${kind}`] = { rps: [], cpu: [] };
  for (const server of servers) for (const [, load] of Object.entries(workloads)) wrk(server.port, load, 1); // warm up
  for (let r = 0; r < rounds; r++) {
    for (const [name, load] of Object.entries(workloads)) {
      for (const server of r % 2 === 0 ? servers : [...servers].reverse()) {
        const before = cpuSeconds(server.child.pid);
        const { requests, seconds } = wrk(server.port, load, duration);
        const cpu = cpuSeconds(server.child.pid) - before;
        samples[`${name}|${server.kind}`].rps.push(requests / seconds);
        samples[`${name}|${server.kind}`].cpu.push((cpu * 1e6) / requests);
      }
    }
  }

  const median = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
  console.log(`functions-framework ${JSON.parse(readFileSync(join(frameworkMain, '../../../package.json'), 'utf8')).version}, node ${process.version}, ${rounds} interleaved rounds of ${duration}s, wrk -c${connections} -t1`);
  console.log('| workload | handler | req/s (median) | server CPU us/req (median) | req/s ratio | CPU ratio |\n|---|---|---:|---:|---:|---:|');
  for (const name of Object.keys(workloads)) {
    const plain = samples[`${name}|plain`];
    for (const kind of kinds) {
      const s = samples[`${name}|${kind}`];
      const rpsRatio = median(s.rps) / median(plain.rps);
      const cpuRatio = median(s.cpu) / median(plain.cpu);
      console.log(`| ${name} | ${kind === 'adapt' ? 'toGcfHandler(app)' : 'plain Express handler'} | ${median(s.rps).toFixed(0)} | ${median(s.cpu).toFixed(1)} | ${rpsRatio.toFixed(2)}x | ${cpuRatio.toFixed(2)}x |`);
    }
  }
} finally {
  for (const server of servers) server.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

function wrk(port, load, seconds) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`];
  if (load.script) args.push('-s', join(dir, load.script));
  const out = execFileSync('wrk', [...args, `http://127.0.0.1:${port}${load.path}`], { encoding: 'utf8' });
  const match = /(\d+) requests in ([\d.]+)(ms|s|m)/.exec(out);
  if (!match) throw new Error(`wrk printed no request count:\n${out}`);
  if (/Non-2xx/.test(out)) throw new Error(`wrk saw errors:\n${out}`);
  const unit = { ms: 1e-3, s: 1, m: 60 }[match[3]];
  return { requests: Number(match[1]), seconds: Number(match[2]) * unit };
}

function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond; // utime, stime
}

async function startFramework(target) {
  const port = await freePort();
  const child = spawn(process.execPath, [frameworkMain, `--target=${target}`, `--source=${dir}`, `--port=${port}`], {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`functions-framework --target=${target} exited (${child.exitCode})`);
    if (await answers(port)) return { child, port };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function answers(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
