#!/usr/bin/env node
// FastCGI through nginx against the node target through nginx, in the same run:
//
//   node bench/fastcgi.mjs [--rounds 3] [--seconds 5] [--connections 32] [--json]
//   node bench/fastcgi.mjs --cgi [--runs 30]    the cost of one CGI request (runCgi)
//
// One nginx (one worker) with two sites: `fastcgi_pass` to adapt's serveFastcgi() on a unix socket
// (an upstream with keepalive, `fastcgi_keep_conn on`), and `proxy_pass` to adapt's serve() (an
// upstream with keepalive, HTTP/1.1), the node target's classic deployment. The two apps and nginx
// are pinned to CPU 0, wrk to CPU 1. For each wrk run the app's and nginx's user+system time are
// read from /proc before and after and divided by the requests completed. Rounds interleave the
// two (rotating who goes first); the tables give medians and FastCGI's ratio to the proxy.
// Needs the packages built (npm run build), nginx, wrk and taskset. Standalone: not in bench/run.mjs.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWrk } from './node-server/measure.mjs';
import { cpuPerRequest, processCpu } from './lib/proc.mjs';
import { median, num, percent, ratio, roundOrder, spread, table, times } from './lib/stats.mjs';

const chunk = new Uint8Array(64 * 1024).fill(97);
const cases = [
  { name: 'hello', path: '/', bytes: 5 },
  { name: 'stream-1mib', path: '/stream', bytes: 1024 * 1024 },
];
const labels = { fastcgi: 'serveFastcgi() behind nginx (fastcgi_pass, unix socket)', proxy: 'serve() behind nginx (proxy_pass, TCP)' };

const app = (request) =>
  request.url.endsWith('/stream')
    ? new Response(
        new ReadableStream({
          start() {
            this.sent = 0;
          },
          pull(controller) {
            if (this.sent++ < 16) controller.enqueue(chunk);
            else controller.close();
          },
        }),
        { headers: { 'content-type': 'application/octet-stream' } },
      )
    : new Response('Hello', { headers: { 'content-type': 'text/plain' } });

// child mode: one app server
if (process.argv[2] === 'serve-fastcgi') {
  const { serveFastcgi } = await import('../packages/fastcgi/dist/index.js');
  await serveFastcgi(app, { socket: process.argv[3], socketMode: 0o666 });
  console.log('ready');
} else if (process.argv[2] === 'serve-node') {
  const { serve } = await import('../packages/node/dist/index.js');
  await serve(app, { port: Number(process.argv[3]), host: '127.0.0.1', handleSignals: false });
  console.log('ready');
} else {
  await main();
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const at = args.indexOf(`--${name}`);
    return at === -1 ? fallback : Number(args[at + 1]);
  };
  if (args.includes('--help')) {
    console.log('node bench/fastcgi.mjs [--rounds 3] [--seconds 5] [--connections 32] [--json]\nFastCGI through nginx against the node target through nginx, same run.');
    return;
  }
  if (args.includes('--cgi')) return measureCgi(option('runs', 30));
  const settings = { rounds: option('rounds', 3), seconds: option('seconds', 5), connections: option('connections', 32) };
  const json = args.includes('--json');
  const log = (line) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  const missing = ['nginx', 'wrk', 'taskset'].filter((command) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0);
  if (missing.length || availableParallelism() < 2) {
    console.error(`bench/fastcgi.mjs needs ${missing.length ? missing.join(', ') : '2 CPUs'} (Debian: apt-get install nginx-light wrk util-linux)`);
    process.exitCode = 1;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'adapt-bench-fcgi-'));
  execFileSync('chmod', ['755', dir]);
  const children = [];
  try {
    const socket = join(dir, 'app.sock');
    const [nodePort, fcgiFront, proxyFront] = await freePorts(3);
    children.push(await startChild([process.execPath, fileURLToPath(import.meta.url), 'serve-fastcgi', socket], 'fastcgi'));
    children.push(await startChild([process.execPath, fileURLToPath(import.meta.url), 'serve-node', String(nodePort)], 'proxy'));
    const nginx = await startNginx(dir, socket, nodePort, fcgiFront, proxyFront);
    children.push(nginx);
    const workers = readFileSync(`/proc/${nginx.child.pid}/task/${nginx.child.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
    const fronts = [
      { name: 'fastcgi', port: fcgiFront, app: children[0].child.pid },
      { name: 'proxy', port: proxyFront, app: children[1].child.pid },
    ];
    for (const front of fronts) {
      for (const test of cases) {
        const response = await fetch(`http://127.0.0.1:${front.port}${test.path}`);
        const body = await response.arrayBuffer();
        if (response.status !== 200 || body.byteLength !== test.bytes)
          throw new Error(`${labels[front.name]} answered ${test.path} with ${response.status}, ${body.byteLength} bytes`);
        wrk(front.port, test.path, 1, settings.connections); // warm-up
      }
    }
    const samples = Object.fromEntries(fronts.map((front) => [front.name, Object.fromEntries(cases.map((test) => [test.name, []]))]));
    for (let round = 0; round < settings.rounds; round++) {
      log(`fastcgi bench: round ${round + 1}/${settings.rounds}`);
      for (const test of cases) {
        for (const front of roundOrder(fronts, round)) {
          const before = { app: processCpu(front.app), nginx: workers.map(processCpu) };
          const run = wrk(front.port, test.path, settings.seconds, settings.connections);
          const after = { app: processCpu(front.app), nginx: workers.map(processCpu) };
          const appCpu = cpuPerRequest(before.app, after.app, run.requests).total;
          const nginxCpu = workers.reduce((sum, _, i) => sum + cpuPerRequest(before.nginx[i], after.nginx[i], run.requests).total, 0);
          samples[front.name][test.name].push({ rps: run.rps, appUs: appCpu, nginxUs: nginxCpu, latencyMs: run.latencyMs, p99Ms: run.p99Ms, errors: run.errors });
        }
      }
    }
    const summary = summarize(samples);
    if (json) console.log(JSON.stringify({ settings, node: process.version, samples, summary }, null, 2));
    else print(settings, summary);
  } finally {
    for (const { child } of children.reverse()) await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One CGI request is one process: start Node, import the app and @adapt/fastcgi, answer, exit.
 * Wall time per request, median of `runs` sequential runs, beside `node -e` (Node's own start)
 * and a script that writes the same answer by hand (start + the smallest possible answer).
 */
function measureCgi(runs) {
  const dir = mkdtempSync(join(tmpdir(), 'adapt-bench-cgi-'));
  try {
    const dist = new URL('../packages/fastcgi/dist/index.js', import.meta.url).href;
    const adaptScript = join(dir, 'adapt.mjs');
    writeFileSync(adaptScript, `import { runCgi } from ${JSON.stringify(dist)};\nawait runCgi(() => new Response('Hello', { headers: { 'content-type': 'text/plain' } }));\n`);
    const handScript = join(dir, 'hand.mjs');
    writeFileSync(handScript, `process.stdout.write('Status: 200 OK\\r\\ncontent-type: text/plain\\r\\ncontent-length: 5\\r\\n\\r\\nHello');\n`);
    const env = { PATH: process.env.PATH, GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: 'GET', REQUEST_URI: '/hello', HTTP_HOST: 'cgi.test', REMOTE_ADDR: '127.0.0.1', SERVER_NAME: 'cgi.test', SERVER_PORT: '80' };
    const time = (args) => {
      const samples = [];
      for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        const result = spawnSync(process.execPath, args, { env, input: '' });
        samples.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (result.status !== 0 || !String(result.stdout).endsWith('Hello')) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
      }
      return { median: median(samples), spread: spread(samples) };
    };
    time([adaptScript]); // warm the file cache
    const rows = [
      ['node -e (Node starts, writes 5 bytes, exits)', time(['-e', 'process.stdout.write("Hello")'])],
      ['a hand-written CGI answer', time([handScript])],
      ['runCgi(app) from @adapt/fastcgi', time([adaptScript])],
    ];
    console.log(`\nOne CGI request, process start to exit (${runs} sequential runs, Node ${process.version})\n`);
    console.log(table([{ title: 'script', align: 'left' }, { title: 'ms per request (median)', align: 'right' }, { title: 'spread', align: 'right' }], rows.map(([name, r]) => [name, num(r.median), percent(r.spread)])));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarize(samples) {
  const rows = [];
  for (const test of cases) {
    const pick = (name, key) => median(samples[name][test.name].map((sample) => sample[key]));
    const row = { case: test.name };
    for (const name of ['fastcgi', 'proxy']) {
      row[name] = {
        rps: pick(name, 'rps'),
        rpsSpread: spread(samples[name][test.name].map((sample) => sample.rps)),
        appUs: pick(name, 'appUs'),
        nginxUs: pick(name, 'nginxUs'),
        latencyMs: pick(name, 'latencyMs'),
        p99Ms: pick(name, 'p99Ms'),
        errors: samples[name][test.name].some((sample) => sample.errors),
      };
    }
    row.ratios = {
      rps: ratio(row.fastcgi.rps, row.proxy.rps),
      appCpu: ratio(row.fastcgi.appUs, row.proxy.appUs, 'lower'),
      totalCpu: ratio(row.fastcgi.appUs + row.fastcgi.nginxUs, row.proxy.appUs + row.proxy.nginxUs, 'lower'),
      latency: ratio(row.fastcgi.latencyMs, row.proxy.latencyMs, 'lower'),
    };
    rows.push(row);
  }
  return rows;
}

function print(settings, summary) {
  console.log(
    `\nFastCGI through nginx vs the node target through nginx (${settings.rounds} rounds of ${settings.seconds} s, ${settings.connections} connections, Node ${process.version}); ratios are FastCGI's, above 1 is better\n`,
  );
  const columns = ['case', 'front', 'req/s', 'spread', 'app CPU us/req', 'nginx CPU us/req', 'latency avg ms', 'p99 ms'].map((title, i) => ({
    title,
    align: i < 2 ? 'left' : 'right',
  }));
  const rows = [];
  for (const row of summary) {
    for (const name of ['fastcgi', 'proxy']) {
      const r = row[name];
      rows.push([row.case, `${name}${r.errors ? ' (errors)' : ''}`, num(r.rps), percent(r.rpsSpread), num(r.appUs), num(r.nginxUs), num(r.latencyMs), num(r.p99Ms)]);
    }
    rows.push([row.case, '**FastCGI / proxy**', times(row.ratios.rps), '', times(row.ratios.appCpu), `total ${times(row.ratios.totalCpu)}`, times(row.ratios.latency), '']);
  }
  console.log(table(columns, rows));
}

function wrk(port, path, seconds, connections) {
  const out = execFileSync('taskset', ['-c', '1', 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', `http://127.0.0.1:${port}${path}`], { encoding: 'utf8' });
  const toMs = (value, unit) => Number(value) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1);
  const avg = /Latency\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  return { ...parseWrk(out), latencyMs: avg ? toMs(avg[1], avg[2]) : null, p99Ms: p99 ? toMs(p99[1], p99[2]) : null };
}

function startChild(command, name) {
  const child = spawn('taskset', ['-c', '0', ...command], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
  let errors = '';
  child.stderr.on('data', (data) => (errors += data));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the ${name} app exited (${code}): ${errors}`)));
    child.stdout.on('data', (data) => {
      if (String(data).includes('ready')) {
        child.removeAllListeners('exit');
        resolve({ child });
      }
    });
  });
}

async function startNginx(dir, socket, nodePort, fcgiFront, proxyFront) {
  mkdirSync(join(dir, 'logs'));
  const config = join(dir, 'nginx.conf');
  const params = [
    'QUERY_STRING $query_string',
    'REQUEST_METHOD $request_method',
    'CONTENT_TYPE $content_type',
    'CONTENT_LENGTH $content_length',
    'REQUEST_URI $request_uri',
    'REQUEST_SCHEME $scheme',
    'HTTPS $https if_not_empty',
    'REMOTE_ADDR $remote_addr',
    'SERVER_PORT $server_port',
    'SERVER_NAME $server_name',
  ]
    .map((param) => `      fastcgi_param ${param};`)
    .join('\n');
  writeFileSync(
    config,
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream app_fastcgi { server unix:${socket}; keepalive 64; }
  upstream app_node { server 127.0.0.1:${nodePort}; keepalive 64; }
  server {
    listen 127.0.0.1:${fcgiFront};
    location / {
${params}
      fastcgi_pass app_fastcgi;
      fastcgi_keep_conn on;
    }
  }
  server {
    listen 127.0.0.1:${proxyFront};
    location / {
      proxy_pass http://app_node;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`,
  );
  const args = ['-p', dir, '-e', `${dir}/logs/error.log`, '-c', config];
  execFileSync('nginx', [...args, '-t'], { stdio: 'pipe' });
  const child = spawn('taskset', ['-c', '0', 'nginx', ...args, '-g', 'daemon off;'], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 400; attempt++) {
    if (await canConnect(proxyFront)) {
      // taskset execs nginx: the child's pid is the master's
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { child };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('nginx did not start');
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    }).once('error', () => resolve(false));
  });
}

async function freePorts(count) {
  const { createServer } = await import('node:net');
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve) => {
          const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((server) => server.address().port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill(child.spawnargs.includes('nginx') ? 'SIGQUIT' : 'SIGKILL');
  });
}
