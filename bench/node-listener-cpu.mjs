// CPU time per request of a request listener, in-process, against raw node:http and
// @hono/node-server in the same run: the same hello request (real IncomingMessage and
// ServerResponse, written to a socket that discards bytes) through each listener, so only what
// the adapter adds is measured, without the kernel and the load generator that make wrk numbers
// noisy on a shared box. Each listener runs in its own process (Hono replaces the global
// Request/Response), one after the other, ROUNDS times; medians are reported.
//   node bench/node-listener-cpu.mjs          (build first: npx tsc -b packages/node)
// Env: ROUNDS (7), N (requests per sample, 30000), PEERS_DIR (/tmp/bench-peers).
import { execFileSync } from 'node:child_process';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';

const kinds = ['raw', 'adapt', 'hono'];
const [, , kind] = process.argv;

if (!kind) {
  const rounds = Number(process.env.ROUNDS ?? 7);
  const samples = Object.fromEntries(kinds.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const k of kinds) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), k], { encoding: 'utf8' });
      samples[k].push(Number(out.trim()));
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
  const min = (xs) => Math.min(...xs);
  const raw = median(samples.raw);
  const rawMin = min(samples.raw);
  console.log(`CPU per hello request, in-process, ${rounds} rounds (lower is better; the minimum is the least disturbed by other load)`);
  console.log('| listener | median us/req | over raw | min us/req | over raw | samples |\n|---|---:|---:|---:|---:|---|');
  for (const k of kinds) {
    const m = median(samples[k]);
    const low = min(samples[k]);
    console.log(`| ${k} | ${m.toFixed(2)} | +${(m - raw).toFixed(2)} | ${low.toFixed(2)} | +${(low - rawMin).toFixed(2)} | ${samples[k].map((x) => x.toFixed(2)).join(' ')} |`);
  }
  process.exit(0);
}

class Discard extends Duplex {
  _read() {}
  _write(chunk, encoding, callback) {
    callback();
  }
  _writev(chunks, callback) {
    callback();
  }
}
const socket = new Discard();
socket.remoteAddress = '127.0.0.1';
const app = (request) => (request.url.endsWith('/stream') ? null : new Response('Hello', { headers: { 'content-type': 'text/plain' } }));

let handler;
if (kind === 'raw') {
  handler = (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 5 });
    res.end('Hello');
  };
} else if (kind === 'adapt') {
  const { createListener } = await import('../packages/node/dist/index.js');
  handler = createListener(app);
  await handler.setup();
} else if (kind === 'hono') {
  const peers = process.env.PEERS_DIR ?? '/tmp/bench-peers';
  const { getRequestListener } = await import(pathToFileURL(`${peers}/node_modules/@hono/node-server/dist/index.mjs`).href);
  handler = getRequestListener(app);
}

function once() {
  const req = new IncomingMessage(socket);
  req.method = 'GET';
  req.url = '/';
  req.httpVersion = '1.1';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.rawHeaders = ['Host', '127.0.0.1:3000', 'User-Agent', 'wrk'];
  req.complete = true;
  req.push(null);
  const res = new ServerResponse(req);
  res.assignSocket(socket);
  return new Promise((resolve) => {
    res.on('finish', () => {
      res.detachSocket(socket);
      resolve();
    });
    handler(req, res);
  });
}

const n = Number(process.env.N ?? 30000);
for (let i = 0; i < 5000; i++) await once(); // warm up
const start = process.cpuUsage();
for (let i = 0; i < n; i++) await once();
const used = process.cpuUsage(start);
console.log(((used.user + used.system) / n).toFixed(3));
