/** `serve(app)`: a plain Node HTTP server for an adapt app, with limits and graceful shutdown. */
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeHttp, type App } from '@adapt/core';
import { servePrimary } from './cluster.js';
import { inheritedListenFd } from './listen-fd.js';
import { createListener } from './listener.js';
import { resolveOptions, type ResolvedOptions, type ServeOptions } from './options.js';
import { serverUrl, type ServerHandle } from './server-handle.js';
import { onShutdownSignals } from './signals.js';

/**
 * Serves `app` over HTTP. Runs the app's `setup()` before listening; resolves once listening.
 *
 * @example
 * import { serve } from '@adapt/node';
 * const server = await serve((request) => new Response('Hello'), { port: 3000 });
 * console.log(`listening on ${server.url}`);
 */
export async function serve(app: App, options: ServeOptions = {}): Promise<ServerHandle> {
  const resolved = resolveOptions(options);
  if ((resolved.workers > 1 || resolved.supervise) && cluster.isPrimary) return servePrimary(resolved);
  const listener = createListener(app, resolved);
  await listener.setup();

  const headersTimeout = resolved.requestTimeout > 0 ? Math.min(resolved.headersTimeout, resolved.requestTimeout) : resolved.headersTimeout;
  const shortest = Math.min(headersTimeout || Infinity, resolved.requestTimeout || Infinity);
  const server = nodeHttp().createServer(
    {
      headersTimeout,
      requestTimeout: resolved.requestTimeout,
      keepAliveTimeout: resolved.keepAliveTimeout,
      maxHeaderSize: resolved.maxHeaderSize,
      // how often Node checks those timeouts: often enough that a slow client is cut near its deadline
      connectionsCheckingInterval: Number.isFinite(shortest) ? Math.max(50, Math.min(30_000, Math.floor(shortest / 4))) : 30_000,
    },
    listener,
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // malformed requests, oversized heads, timeouts: one line, a clear status, the server keeps serving
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') {
      console.error(`adapt: bad request from ${(socket as { remoteAddress?: string }).remoteAddress ?? 'a client'}: ${status} ${error.code ?? ''}: ${error.message}`);
    }
    if (socket.writable && !(socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
      const body = `${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\n`;
      socket.end(`HTTP/1.1 ${status} ${body.slice(4, -1)}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
    } else {
      socket.destroy();
    }
  });

  await listen(server, resolved);
  const address = server.address();
  const port = typeof address === 'object' && address ? (address as AddressInfo).port : undefined;
  const url = serverUrl(resolved, port);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      listener.closing = true; // every answer from now on carries Connection: close
      // Stop accepting, but keep idle keep-alive connections for a moment: a client may be sending
      // its next request on one right now, and closing it would lose that request. Requests that
      // do come are answered (with Connection: close); connections still quiet after the grace
      // period are closed, and whatever is left after shutdownTimeout is cut.
      const closeIdle = server.closeIdleConnections;
      server.closeIdleConnections = () => {};
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections = closeIdle;
      const grace = Math.min(1000, resolved.shutdownTimeout / 2);
      let sweep: NodeJS.Timeout | undefined;
      const start = setTimeout(() => {
        server.closeIdleConnections();
        sweep = setInterval(() => server.closeIdleConnections(), 100);
        sweep.unref();
      }, grace);
      const force = setTimeout(() => server.closeAllConnections(), resolved.shutdownTimeout);
      start.unref();
      force.unref();
      try {
        await closed;
      } finally {
        clearTimeout(start);
        clearInterval(sweep);
        clearTimeout(force);
      }
      await listener.teardown();
      removeSignals();
    })();
    return closing;
  };

  const removeSignals = resolved.handleSignals ? onShutdownSignals(close) : () => {};
  if (cluster.isWorker) {
    process.on('message', (message: unknown) => {
      if ((message as { adapt?: string })?.adapt === 'shutdown')
        void close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
    });
  }
  return { url, port, server, close };
}

function listen(server: Server, options: ResolvedOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const where = options.path ? `socket ${options.path}` : `port ${options.port} on ${options.host}`;
      if (error.code === 'EADDRINUSE') {
        reject(
          new Error(
            `adapt: ${where} is already in use. Stop the other server, or choose another with the PORT variable or the "port" option${options.path ? ' (or remove a stale socket file)' : ''}.`,
            { cause: error },
          ),
        );
      } else if (error.code === 'EACCES') {
        reject(new Error(`adapt: no permission to listen on ${where}. Ports below 1024 need privileges; use a higher port.`, { cause: error }));
      } else {
        reject(error);
      }
    };
    server.once('error', onError);
    const done = () => {
      server.off('error', onError);
      resolve();
    };
    const fd = inheritedListenFd();
    if (fd !== undefined) server.listen({ fd }, done);
    else if (options.path) server.listen(options.path, done);
    else server.listen(options.port, options.host, done);
  });
}
