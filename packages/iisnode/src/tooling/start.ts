/**
 * `adapt start --target iisnode`: runs the build as IIS would. The app runs in a child process that
 * loads index.cjs with require() (as iisnode's interceptor does) and listens on a fresh unix socket
 * given in PORT (iisnode's named pipe); in front, on --port, a small proxy plays IIS's part: it
 * forwards each request over the socket with its original URL, appends the client to
 * X-Forwarded-For when enableXFF is on, and sends the promoted server variables it knows
 * (REMOTE_ADDR, REMOTE_PORT, HTTPS, SERVER_PORT, REQUEST_METHOD...) as x-iisnode-<NAME>, after the
 * client's headers. In httpPlatform mode the app gets a port in HTTP_PLATFORM_PORT instead.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StartOptions, TargetContext } from '@adapt/core';
import { targetError } from './errors.js';
import { iisnodeSettings, type IisnodeTargetSettings } from './settings.js';
import { entryFile } from './web-config.js';

const loader = 'require(process.argv[1])'; // what iisnode's interceptor does with the entry

export async function startIisnode(context: TargetContext, options: StartOptions): Promise<void> {
  const entry = join(context.outDir, entryFile);
  if (!existsSync(entry)) throw targetError('NOT_BUILT', `${entry} does not exist`, 'build it first: adapt build --target iisnode');
  const settings = iisnodeSettings(context);
  const socketDir = mkdtempSync(join(tmpdir(), 'adapt-iisnode-'));
  const upstream = settings.mode === 'iisnode' ? { socketPath: join(socketDir, 'iisnode.sock') } : { port: await freePort() };
  const child = spawn(process.execPath, ['-e', loader, entry], {
    cwd: context.outDir,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: process.env.NODE_ENV ?? (settings.development ? 'development' : 'production'),
      ...settings.env,
      ...(upstream.socketPath ? { PORT: upstream.socketPath } : { PORT: String(upstream.port), HTTP_PLATFORM_PORT: String(upstream.port) }),
    },
  });
  const sink = options.stdout === 'stderr' ? process.stderr : process.stdout;
  const stopSignals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  const proxy = createServer((req, res) => forward(req, res, upstream, settings));
  return new Promise<void>((resolve, reject) => {
    let stopping = false;
    const stop = () => {
      stopping = true;
      proxy.close();
      proxy.closeAllConnections();
      child.kill('SIGTERM');
    };
    for (const signal of stopSignals) process.on(signal, stop);
    const cleanup = () => {
      for (const signal of stopSignals) process.off(signal, stop);
      proxy.close();
      rmSync(socketDir, { recursive: true, force: true });
    };
    let announced = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      sink.write(chunk);
      if (announced || !chunk.toString('utf8').includes('listening on')) return;
      announced = true;
      proxy.once('error', (error: NodeJS.ErrnoException) => {
        stop();
        reject(targetError('START_FAILED', `cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`, 'choose another port with --port'));
      });
      proxy.listen(options.port, options.host, () => {
        const { port } = proxy.address() as AddressInfo;
        const url = `http://${options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host}:${port}${settings.basePath}/`;
        sink.write(
          `adapt: IIS stand-in listening on ${url} (${settings.mode === 'iisnode' ? `iisnode: index.cjs require()d, PORT=${upstream.socketPath}` : `HttpPlatformHandler: HTTP_PLATFORM_PORT=${upstream.port}`})\n`,
        );
        options.onListening?.(url);
      });
    });
    child.once('close', (code, signal) => {
      cleanup();
      if (stopping || code === 0) return resolve();
      reject(
        targetError(
          'START_FAILED',
          `the app exited with ${signal ? `signal ${signal}` : `code ${code}`}`,
          'its own error is printed above; fix it, rebuild with adapt build --target iisnode, and start again',
        ),
      );
    });
  });
}

/** One request, as IIS hands it to iisnode: original URL, the client appended to X-Forwarded-For, promoted variables last. */
function forward(req: IncomingMessage, res: ServerResponse, upstream: { socketPath?: string; port?: number }, settings: IisnodeTargetSettings): void {
  const headers: string[] = [];
  const client = req.socket.remoteAddress ?? '';
  let appended = false;
  const xff = settings.mode === 'httpPlatform' || settings.enableXFF;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    let value = req.rawHeaders[i + 1];
    if (xff && !appended && name.toLowerCase() === 'x-forwarded-for') {
      value = `${value}, ${client}`;
      appended = true;
    }
    headers.push(name, value);
  }
  if (xff && !appended) headers.push('X-Forwarded-For', client);
  if (settings.mode === 'iisnode') {
    const known: Record<string, string> = {
      REMOTE_ADDR: client,
      REMOTE_HOST: client,
      REMOTE_PORT: String(req.socket.remotePort ?? ''),
      HTTPS: 'off',
      SERVER_PORT: String(req.socket.localPort ?? ''),
      SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
      REQUEST_METHOD: req.method ?? 'GET',
      URL: (req.url ?? '/').split('?')[0],
      QUERY_STRING: (req.url ?? '').split('?')[1] ?? '',
      AUTH_TYPE: '',
      AUTH_USER: '',
      LOGON_USER: '',
    };
    for (const name of settings.promoteServerVars) {
      const value = known[name.toUpperCase()];
      if (value !== undefined) headers.push(`X-iisnode-${name}`, value);
    }
  }
  // an object (not the flat list) so that node:http sees Content-Length and does not add chunking
  const grouped: Record<string, string | string[]> = {};
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i].toLowerCase();
    const existing = grouped[name];
    grouped[name] = existing === undefined ? headers[i + 1] : [...(Array.isArray(existing) ? existing : [existing]), headers[i + 1]];
  }
  const outgoing = httpRequest({ ...upstream, method: req.method, path: req.url, headers: grouped }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders as unknown as Record<string, string>);
    answer.pipe(res);
  });
  outgoing.on('error', (error) => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`502 Bad Gateway: the app did not answer (${(error as NodeJS.ErrnoException).code ?? error.message})\n`);
    } else res.destroy();
  });
  // iisnode reads the request entity and then writes it to the pipe; an app that answers without
  // reading the body must not make the write fail halfway (EPIPE), so the body goes in one piece
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => outgoing.end(chunks.length ? Buffer.concat(chunks) : undefined));
  req.on('error', () => outgoing.destroy());
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}
