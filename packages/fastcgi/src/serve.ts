/**
 * `serveFastcgi(app)`: a FastCGI 1.0 responder for an adapt app, on a unix socket, a TCP port, or
 * the listening socket a spawning web server passes on fd 0 (mod_fcgid, lighttpd's `bin-path`,
 * spawn-fcgi).
 */
import { chmodSync, existsSync, fstatSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { App } from '@adapt/core';
import { Connection } from './connection.js';
import { createHandler, type HandlerOptions } from './handler.js';

export interface FastcgiOptions extends HandlerOptions {
  /** A unix socket path to listen on (nginx `fastcgi_pass unix:/run/app.sock`). */
  socket?: string;
  /** Permissions of the unix socket: the web server's user must be able to connect. Default 0o660. */
  socketMode?: number;
  /** A TCP port (nginx `fastcgi_pass 127.0.0.1:9000`); 0 picks a free one. */
  port?: number;
  /** The address for `port`. Default `127.0.0.1`: a FastCGI port is for the web server, not the world. */
  host?: string;
  /**
   * A listening socket already open on this file descriptor, as spawning web servers pass it on
   * fd 0. Without `socket`, `port` and `fd`, fd 0 is used when it is a listening socket.
   */
  fd?: number;
  /** Largest params block (the request head) of one request, in bytes; a larger one closes the connection. Default 1 MiB. */
  maxParamsBytes?: number;
}

export interface FastcgiServer {
  /** Where it listens: `unix:/path`, `127.0.0.1:9000`, or `fd:0`. */
  address: string;
  /** The TCP port, when listening on one. */
  port: number | undefined;
  /** Stops accepting, lets the requests in flight finish, then runs the app's `teardown()`. */
  close(): Promise<void>;
}

/**
 * Serves `app` over FastCGI until `close()`.
 *
 * @example
 * import { serveFastcgi } from '@adapt/fastcgi';
 * import app from './app.js';
 * await serveFastcgi(app, { socket: '/run/my-app/fcgi.sock', socketMode: 0o666 });
 * // nginx: location / { include fastcgi_params; fastcgi_param REQUEST_URI $request_uri; fastcgi_pass unix:/run/my-app/fcgi.sock; }
 */
export async function serveFastcgi(app: App, options: FastcgiOptions = {}): Promise<FastcgiServer> {
  const handler = createHandler(app, 'fastcgi', options);
  const maxParamsBytes = options.maxParamsBytes ?? 1024 * 1024;
  const connections = new Set<Connection>();
  await handler.setup();
  const server = createServer({ noDelay: true }, (socket: Socket) => {
    const connection = new Connection(socket, handler, { maxParamsBytes, maxConns: 1024 });
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
  });
  server.on('error', (error) => console.error(`adapt: FastCGI server error: ${error.message}`));
  const address = await listen(server, options);
  const port = typeof server.address() === 'object' ? (server.address() as AddressInfo | null)?.port : undefined;

  let closing: Promise<void> | undefined;
  return {
    address,
    port,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const connection of connections) connection.drain();
        await closed;
        await handler.teardown();
      })();
      return closing;
    },
  };
}

async function listen(server: Server, options: FastcgiOptions): Promise<string> {
  const given = [options.socket !== undefined && 'socket', options.port !== undefined && 'port', options.fd !== undefined && 'fd'].filter(Boolean);
  if (given.length > 1) throw new TypeError(`adapt: serveFastcgi takes one of socket, port and fd; got ${given.join(' and ')}`);
  if (options.socket !== undefined) {
    await removeStaleSocket(options.socket);
    await listenOn(server, { path: options.socket }, `unix socket ${options.socket}`);
    chmodSync(options.socket, options.socketMode ?? 0o660);
    return `unix:${options.socket}`;
  }
  if (options.port !== undefined) {
    const host = options.host ?? '127.0.0.1';
    await listenOn(server, { port: options.port, host }, `${host}:${options.port}`);
    const { port } = server.address() as AddressInfo;
    return `${host.includes(':') ? `[${host}]` : host}:${port}`;
  }
  const fd = options.fd ?? 0;
  if (options.fd === undefined && !isSocket(0)) {
    throw new TypeError(
      'adapt: serveFastcgi needs an address: { socket: "/run/app.sock" } or { port: 9000 }; or start it from a web server that passes a listening socket on fd 0 (mod_fcgid, lighttpd bin-path, spawn-fcgi). fd 0 is not a socket here.',
    );
  }
  // listen(2) refuses a socket that is connected (a pipe-like stdin) with EINVAL: only a listening one passes
  await listenOn(server, { fd }, `the socket on fd ${fd}`);
  return `fd:${fd}`;
}

function listenOn(server: Server, target: { path: string } | { port: number; host: string } | { fd: number }, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === 'EADDRINUSE'
          ? 'another process listens there: stop it or pick another address'
          : error.code === 'EACCES'
            ? 'this user may not listen there: pick a folder it owns, or a port above 1023'
            : error.code === 'EINVAL' && 'fd' in target
              ? 'it is not a listening socket: give { socket } or { port } instead'
              : 'check the address';
      reject(new Error(`adapt: cannot listen on ${what}: ${error.code ?? error.message} (${hint})`));
    };
    server.once('error', onError);
    server.listen(target, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function isSocket(fd: number): boolean {
  try {
    return fstatSync(fd).isSocket();
  } catch {
    return false;
  }
}

/** A socket file no process listens on (left by a crash) is removed; one in use is an error. */
async function removeStaleSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  if (!lstatSync(path).isSocket()) throw new Error(`adapt: cannot listen on unix socket ${path}: a file that is not a socket is there (remove it, or pick another path)`);
  const inUse = await new Promise<boolean>((resolve) => {
    const probe = connect(path, () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (inUse) throw new Error(`adapt: cannot listen on unix socket ${path}: another process is serving on it (stop it, or pick another path)`);
  unlinkSync(path);
}
