/**
 * The options of toLambdaHandler(app, options) and the handler's public types, with the checks
 * that turn the two options which need one (`basePath`, `timeoutMargin`) into the values kept.
 */
import type { BinaryRuleOptions, TrustProxy } from '@adapt/core';
import type { LambdaContext } from './types.js';

export interface LambdaHandlerOptions extends BinaryRuleOptions {
  /** A custom-domain base path to remove from every path, such as `/api`. */
  basePath?: string;
  /** Remove an HTTP API named stage (`/prod`) from the front of the path. Default true. */
  stripStage?: boolean;
  /**
   * Proxies in front of the platform whose X-Forwarded-For entries are believed (core's
   * client-address rule: false, true, a number of hops, or addresses and CIDRs). The platform
   * itself is always trusted: by default `context.remoteAddress` is the address it saw
   * (API Gateway's and Function URLs' `sourceIp`, the last X-Forwarded-For entry on ALB and
   * Lattice). Default false.
   */
  trustProxy?: TrustProxy;
  /**
   * Answer through Lambda response streaming (`awslambda.streamifyResponse`): Function URLs with
   * invoke mode RESPONSE_STREAM and REST APIs with response transfer mode STREAM. Other sources
   * still get their buffered result.
   */
  streaming?: boolean;
  /** Handles events that are not HTTP (SQS, S3, schedules...). Without it they are refused. */
  events?: (event: unknown, context: LambdaContext) => unknown;
  /** `request.signal` aborts this many ms before the invocation times out. Default 1000. */
  timeoutMargin?: number;
  /** Put stack traces in error answers (never in production). Default false. */
  dev?: boolean;
  /**
   * Methods answered 405 before the app runs, such as `['TRACE', 'TRACK']`. Default: none (a Node
   * `(req, res)` app gets every method the event carries; a fetch app cannot get CONNECT, TRACE or
   * TRACK, which the standard Request refuses).
   */
  refuseMethods?: string[];
  /** Keep Lambda's default of waiting for an empty event loop before freezing. Default false. */
  waitForEmptyEventLoop?: boolean;
  /** Largest buffered result in bytes. Default 6 MB, Lambda's limit. */
  maxResponseBytes?: number;
  /**
   * Install core's lightweight `Response` as `globalThis.Response` (it behaves like the standard
   * class, and the adapter reads its body back without a stream). Default true.
   */
  lightweightResponse?: boolean;
}

export type LambdaHandler = (event: any, context: LambdaContext) => Promise<any>;

export interface LambdaRaw {
  event: unknown;
  context: LambdaContext;
}

export function normalizeBasePath(basePath: string | undefined): string {
  if (!basePath || basePath === '/') return '';
  const withSlash = basePath.startsWith('/') ? basePath : '/' + basePath;
  return withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}

export function validMargin(margin: number | undefined): number {
  if (margin === undefined) return 1000;
  if (!Number.isFinite(margin) || margin < 0) {
    throw new TypeError(`adapt: options.timeoutMargin must be a number of milliseconds >= 0; got ${String(margin)}`);
  }
  return margin;
}
