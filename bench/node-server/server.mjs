// One server of the Node-server measure, in its own process:  node server.mjs <raw|raw-web|adapt|hono|fastify>
// Listens on 127.0.0.1 on a free port and prints `port=<n>` on stdout. Routes, the same on every
// server: GET / answers `Hello` (text/plain); GET /stream answers 1 MiB as 16 chunks of 64 KiB,
// produced on demand (a web ReadableStream for the fetch servers, node's own stream or writes with
// backpressure for the others).
import http from 'node:http';
import { Readable } from 'node:stream';
import { importPeer } from '../lib/peers.mjs';

const chunk = Buffer.alloc(64 * 1024, 'a');
const chunks = 16;
const host = '127.0.0.1';
const binary = { 'content-type': 'application/octet-stream' };

function chunkStream() {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ < chunks) controller.enqueue(chunk);
      else controller.close();
    },
  });
}

/** The app the fetch-based servers (adapt, @hono/node-server) run. */
const fetchApp = (request) =>
  request.url.endsWith('/stream') ? new Response(chunkStream(), { headers: binary }) : new Response('Hello', { headers: { 'content-type': 'text/plain' } });

const listenHttp = (server) => new Promise((resolve) => server.listen(0, host, () => resolve(server.address().port)));

const servers = {
  /** node:http by hand: the floor. */
  raw() {
    return listenHttp(
      http.createServer((req, res) => {
        if (req.url !== '/stream') {
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5' });
          res.end('Hello');
          return;
        }
        res.writeHead(200, binary);
        let sent = 0;
        const more = () => {
          while (sent < chunks) {
            sent++;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
          res.end();
        };
        more();
      }),
    );
  },
  /**
   * node:http by hand writing the same web ReadableStream the fetch servers get: the floor for a
   * web-stream body (what Node's web streams cost, whoever reads them). Its hello is raw's.
   */
  'raw-web'() {
    return listenHttp(
      http.createServer((req, res) => {
        if (req.url !== '/stream') {
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5' });
          res.end('Hello');
          return;
        }
        res.writeHead(200, binary);
        const reader = chunkStream().getReader();
        const write = (result) => {
          if (result.done) res.end();
          else if (res.write(result.value)) next();
          else res.once('drain', next);
        };
        const next = () => reader.read().then(write);
        next();
      }),
    );
  },
  async adapt() {
    const { serve } = await import('../../packages/node/dist/index.js');
    const handle = await serve(fetchApp, { port: 0, host });
    return handle.port;
  },
  async hono() {
    const { serve } = await importPeer('@hono/node-server');
    return new Promise((resolve) => serve({ fetch: fetchApp, port: 0, hostname: host }, (info) => resolve(info.port)));
  },
  async fastify() {
    const fastify = (await importPeer('fastify')).default({ logger: false });
    fastify.get('/', async () => 'Hello');
    fastify.get('/stream', (_request, reply) => {
      let sent = 0;
      const body = new Readable({
        read() {
          this.push(sent++ < chunks ? chunk : null);
        },
      });
      reply.type(binary['content-type']).send(body);
    });
    await fastify.listen({ port: 0, host });
    return fastify.server.address().port;
  },
};

const name = process.argv[2];
if (!servers[name]) {
  console.error(`server.mjs: unknown server ${JSON.stringify(name)}; one of ${Object.keys(servers).join(', ')}`);
  process.exit(2);
}
const port = await servers[name]();
process.stdout.write(`port=${port}\n`);
