// Cloud Functions: requests per second and server CPU per request through the real
// functions-framework, toGcfHandler(app) against the same app written as a plain Express-style
// handler on the same framework, in the same run. Both functions live in one esbuild bundle; each
// runs in its own framework process (NODE_ENV=production, as deployed). wrk drives one process at
// a time, the kinds interleaved, ROUNDS times; server CPU comes from /proc/<pid>/stat. Medians,
// and the ratio adapt / plain (goal: >= 0.95x). Then the same two functions in-process, without
// sockets or wrk (the framework's own Express app, from its getServer, fed real IncomingMessage and
// ServerResponse objects on sockets that discard bytes): CPU per request with the kernel and the
// load generator left out, which on a shared box are most of the noise. Each in-process sample is
// its own process, kinds interleaved.
//   npx turbo run build --filter @adapt/gcf && node bench/gcf.mjs
// Env: ROUNDS (7), DURATION (seconds per wrk sample, 3), CONNECTIONS (16), N (requests per
// in-process sample, 20000). Needs wrk and Linux /proc.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.argv[2] === 'in-process') {
  await inProcess(process.argv[3], process.argv[4], process.argv[5]);
  process.exit(0);
}
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

const body = jsonBody();
const dir = mkdtempSync(join(tmpdir(), 'adapt-bench-gcf-'));
const servers = [];
try {
  writeFileSync(join(dir, 'entry.mjs'), entry);
  await build({ entryPoints: [join(dir, 'entry.mjs')], outfile: join(dir, 'index.js'), bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'silent' });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', main: 'index.js' }));
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

  console.log(
    `functions-framework ${JSON.parse(readFileSync(join(dirname(dirname(dirname(frameworkMain))), 'package.json'), 'utf8')).version}, node ${process.version}, ${rounds} interleaved rounds of ${duration}s, wrk -c${connections} -t1`,
  );
  console.log('| workload | handler | req/s (median) | server CPU us/req (median) | req/s ratio | CPU ratio |\n|---|---|---:|---:|---:|---:|');
  for (const name of Object.keys(workloads)) {
    const plain = samples[`${name}|plain`];
    for (const kind of kinds) {
      const s = samples[`${name}|${kind}`];
      const rpsRatio = median(s.rps) / median(plain.rps);
      const cpuRatio = median(s.cpu) / median(plain.cpu);
      console.log(
        `| ${name} | ${kind === 'adapt' ? 'toGcfHandler(app)' : 'plain Express handler'} | ${median(s.rps).toFixed(0)} | ${median(s.cpu).toFixed(1)} | ${rpsRatio.toFixed(2)}x | ${cpuRatio.toFixed(2)}x |`,
      );
    }
  }

  for (const server of servers) server.child.kill('SIGKILL');
  servers.length = 0;
  const cpu = {};
  for (let r = 0; r < rounds; r++) {
    for (const name of Object.keys(workloads)) {
      for (const kind of r % 2 === 0 ? kinds : [...kinds].reverse()) {
        const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), 'in-process', dir, kind, name], { encoding: 'utf8' });
        (cpu[`${name}|${kind}`] ??= []).push(Number(out.trim()));
      }
    }
  }
  console.log(`\nin-process (the framework's Express app, no sockets), ${rounds} rounds of ${process.env.N ?? 20000} requests`);
  console.log('| workload | handler | CPU us/req (median) | CPU ratio | samples |\n|---|---|---:|---:|---|');
  for (const name of Object.keys(workloads)) {
    const plain = median(cpu[`${name}|plain`]);
    for (const kind of kinds) {
      const m = median(cpu[`${name}|${kind}`]);
      console.log(
        `| ${name} | ${kind === 'adapt' ? 'toGcfHandler(app)' : 'plain Express handler'} | ${m.toFixed(1)} | ${(m / plain).toFixed(2)}x | ${cpu[`${name}|${kind}`].map((x) => x.toFixed(1)).join(' ')} |`,
      );
    }
  }
} finally {
  for (const server of servers) server.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

function jsonBody() {
  const items = [];
  while (JSON.stringify({ items }).length < 1000) items.push({ id: items.length, name: `item-${items.length}` });
  return JSON.stringify({ items }); // about 1 KiB of valid JSON
}

/** One in-process sample: prints CPU microseconds per request through the framework's Express app. */
async function inProcess(source, kind, workload) {
  process.env.NODE_ENV = 'production';
  const frameworkSrc = dirname(createRequire(join(root, 'packages/gcf/package.json')).resolve('@google-cloud/functions-framework'));
  const { getServer } = createRequire(import.meta.url)(join(frameworkSrc, 'server.js'));
  const { parseOptions } = createRequire(import.meta.url)(join(frameworkSrc, 'options.js'));
  const fn = (await import(join(source, 'index.js')))[kind];
  const express = getServer(fn, { ...parseOptions(['node', 'main', `--target=${kind}`], {}), signatureType: 'http' }).listeners('request')[0];
  class Discard extends Duplex {
    _read() {}
    _write(_chunk, _encoding, callback) {
      callback();
    }
    _writev(_chunks, callback) {
      callback();
    }
  }
  const post = workload.startsWith('POST');
  const payload = Buffer.from(jsonBody());
  const once = () => {
    const socket = new Discard(); // one per request: the framework's on-finished listens on the socket too
    socket.remoteAddress = '127.0.0.1';
    const req = new IncomingMessage(socket);
    req.method = post ? 'POST' : 'GET';
    req.url = post ? '/echo' : '/';
    req.httpVersion = '1.1';
    req.httpVersionMajor = 1;
    req.httpVersionMinor = 1;
    req.rawHeaders = post
      ? ['Host', '127.0.0.1:8080', 'User-Agent', 'wrk', 'Content-Type', 'application/json', 'Content-Length', String(payload.length)]
      : ['Host', '127.0.0.1:8080', 'User-Agent', 'wrk'];
    // req.headers as node's parser fills it (body-parser reads it, not rawHeaders)
    req.headers = Object.fromEntries(Array.from({ length: req.rawHeaders.length / 2 }, (_, i) => [req.rawHeaders[2 * i].toLowerCase(), req.rawHeaders[2 * i + 1]]));
    req.complete = true; // as node's parser leaves it once the whole message is in
    if (post) req.push(payload);
    req.push(null);
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    return new Promise((resolve) => {
      res.on('finish', () => {
        res.detachSocket(socket);
        resolve();
      });
      express(req, res);
    });
  };
  const n = Number(process.env.N ?? 20000);
  for (let i = 0; i < 3000; i++) await once(); // warm up
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await once();
  const used = process.cpuUsage(start);
  console.log(((used.user + used.system) / n).toFixed(3));
}

function median(xs) {
  return [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
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
