/** What `serve()` resolves with, in a single process and in a cluster's primary alike, and its URL. */
import type { Server } from 'node:http';
import type { ResolvedOptions } from './options.js';

export interface ServerHandle {
  /** Where the server answers: `http://localhost:3000`, or `unix:/path/to.sock`. */
  readonly url: string;
  /** The port listened on (the real one when 0 was asked for); undefined on a unix socket. */
  readonly port: number | undefined;
  /** The Node server. In the primary of a cluster (`workers` > 1) it does not listen: the workers do. */
  readonly server: Server;
  /** Graceful: stop accepting, finish in-flight requests (up to `shutdownTimeout`), run `waitUntil` work and `teardown()`. */
  close(): Promise<void>;
}

/** `http://localhost:3000` (a wildcard host shows as localhost, IPv6 in brackets), or `unix:/path/to.sock`. */
export function serverUrl(options: Pick<ResolvedOptions, 'host' | 'path'>, port: number | undefined): string {
  if (options.path) return `unix:${options.path}`;
  return `http://${displayHost(options.host)}:${port}`;
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
