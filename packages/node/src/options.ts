/** `serve()` options: explicit values, then environment variables, then defaults; checked at startup. */
import { availableParallelism } from 'node:os';
import { parsePort, parseTrustProxy, portRule, trustRule, type TrustProxy } from '@adapt/core';
import type { NodePlatform } from './listener.js';
import type { StaticOptions } from './static.js';

export interface ServeOptions {
  /** TCP port. Default: env `PORT`, else 3000. `0` picks a free port (see `handle.port`). */
  port?: number;
  /** Interface to listen on. Default: env `HOST`, else `0.0.0.0`. */
  host?: string;
  /** A unix socket (or Windows named pipe) path to listen on instead of a port. */
  path?: string;
  /**
   * Which proxies in front (nginx, a load balancer) to believe: their X-Forwarded-Proto and -Host
   * when the socket's peer is trusted, and X-Forwarded-For walked from the right by core's
   * client-address rule. `false`, `true` (every hop), a number of hops, or a list of addresses
   * and CIDRs (`['loopback', '10.0.0.0/8']`). Off by default: a client could send the headers
   * itself. Default: env `TRUST_PROXY` (`1`/`true`, `0`/`false`, a hop count, or a comma list).
   */
  trustProxy?: TrustProxy;
  /** Largest request body, in bytes; a larger one gets 413. Default: `defaultBodyLimit` (1 MiB). `Infinity` for none. */
  bodyLimit?: number;
  /** A folder of static files served before the app (GET and HEAD), or its options. */
  static?: string | StaticOptions;
  /** Worker processes (node:cluster); `'auto'` is one per CPU. Default: 1 (no cluster). */
  workers?: number | 'auto';
  /** Development: stack traces in 500 answers. Default: `NODE_ENV === 'development'`. */
  dev?: boolean;
  /**
   * Methods answered 405 before the app runs, such as `['TRACE', 'TRACK']`. Default: none (a Node
   * `(req, res)` app gets every method node:http delivers; a fetch app cannot get CONNECT, TRACE
   * or TRACK, which the standard Request refuses).
   */
  refuseMethods?: string[];
  /** Close gracefully on SIGTERM and SIGINT, then exit; a second signal exits at once. Default: true. */
  handleSignals?: boolean;
  /**
   * Run as a cluster primary that holds the listening socket even with one worker, so that SIGHUP
   * replaces the workers one at a time with freshly loaded code and no request is lost (what
   * `adapt restart` sends). Default: false; always on with `workers` above 1.
   */
  supervise?: boolean;
  /** Milliseconds a graceful close waits for in-flight requests before closing their sockets. Default: 10 000. */
  shutdownTimeout?: number;
  /** Milliseconds to receive a request's headers (cuts off slowloris clients). Default: 20 000. */
  headersTimeout?: number;
  /** Milliseconds to receive a whole request, body included. Default: 300 000. */
  requestTimeout?: number;
  /** Milliseconds an idle keep-alive connection stays open. Default: 5 000. */
  keepAliveTimeout?: number;
  /** Largest request head (request line and headers), in bytes; a larger one gets 431. Default: 16 384. */
  maxHeaderSize?: number;
  /** For adapters built on `serve()` (App Engine): the platform's name, request and context. Default: the plain Node server. */
  platform?: NodePlatform;
}

export const defaultBodyLimit = 1024 * 1024;
export const defaultPort = 3000;
export const defaultHost = '0.0.0.0';
export const defaultShutdownTimeout = 10_000;
export const defaultHeadersTimeout = 20_000;
export const defaultRequestTimeout = 300_000;
export const defaultKeepAliveTimeout = 5_000;
export const defaultMaxHeaderSize = 16 * 1024;

export interface ResolvedOptions {
  port: number;
  host: string;
  path: string | undefined;
  trustProxy: TrustProxy;
  bodyLimit: number;
  static: StaticOptions | undefined;
  workers: number;
  dev: boolean;
  refuseMethods: string[] | undefined;
  handleSignals: boolean;
  supervise: boolean;
  shutdownTimeout: number;
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  maxHeaderSize: number;
  platform: NodePlatform | undefined;
}

/** The options `createListener` reads (the rest concern the server). */
export type ListenerOptions = Pick<ServeOptions, 'trustProxy' | 'bodyLimit' | 'static' | 'dev' | 'refuseMethods' | 'platform'>;

/** Options with env fallbacks and defaults applied; throws a TypeError naming the option or variable. */
export function resolveOptions(options: ServeOptions = {}, env: Record<string, string | undefined> = process.env): ResolvedOptions {
  const port = options.port === undefined ? (env.PORT ? parseEnvPort(env.PORT) : defaultPort) : parsePort(options.port);
  if (port === undefined) throw new TypeError(`adapt: option "port" must be ${portRule}; got ${JSON.stringify(options.port)}`);
  const workers = options.workers === 'auto' ? availableParallelism() : (options.workers ?? 1);
  if (!Number.isInteger(workers) || workers < 1) {
    throw new TypeError(`adapt: option "workers" must be a positive integer or 'auto'; got ${JSON.stringify(options.workers)}`);
  }
  return {
    port,
    host: options.host ?? env.HOST ?? defaultHost,
    path: options.path,
    trustProxy: checkedTrust(options.trustProxy ?? parseTrustProxy(env.TRUST_PROXY) ?? false),
    bodyLimit: positive('bodyLimit', options.bodyLimit, defaultBodyLimit, true),
    static: normalizeStatic(options.static),
    workers,
    dev: options.dev ?? env.NODE_ENV === 'development',
    refuseMethods: options.refuseMethods,
    handleSignals: options.handleSignals ?? true,
    supervise: options.supervise ?? false,
    shutdownTimeout: positive('shutdownTimeout', options.shutdownTimeout, defaultShutdownTimeout),
    headersTimeout: positive('headersTimeout', options.headersTimeout, defaultHeadersTimeout),
    requestTimeout: positive('requestTimeout', options.requestTimeout, defaultRequestTimeout),
    keepAliveTimeout: positive('keepAliveTimeout', options.keepAliveTimeout, defaultKeepAliveTimeout),
    maxHeaderSize: positive('maxHeaderSize', options.maxHeaderSize, defaultMaxHeaderSize),
    platform: options.platform,
  };
}

export function normalizeStatic(option: string | StaticOptions | undefined): StaticOptions | undefined {
  if (option === undefined) return undefined;
  const value = typeof option === 'string' ? { root: option } : option;
  if (!value || typeof value.root !== 'string' || value.root === '') {
    throw new TypeError('adapt: option "static" must be a folder path or { root: "folder" }');
  }
  return value;
}

function positive(name: string, value: number | undefined, fallback: number, allowInfinity = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (!allowInfinity && !Number.isFinite(value))) {
    throw new TypeError(
      `adapt: option "${name}" must be a number of ${name === 'bodyLimit' || name === 'maxHeaderSize' ? 'bytes' : 'milliseconds'} (0 or more); got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function parseEnvPort(text: string): number {
  const port = parsePort(text.trim());
  if (port === undefined) throw new TypeError(`adapt: environment variable PORT must be a port number, ${portRule}; got ${JSON.stringify(text)}`);
  return port;
}

/** Throws the TypeError naming the option now, at startup, rather than on the first request. */
function checkedTrust(setting: TrustProxy): TrustProxy {
  trustRule(setting);
  return setting;
}
