/**
 * The dev server: one http.Server whose request handler points at the current version of the app.
 * `swap()` changes the pointer; a request keeps the version that accepted it until it finishes,
 * and a replaced version's teardown runs once its last request is done.
 *
 * While the newest change does not build, the last good version keeps serving. Every response then
 * carries `x-adapt-build-error`, and HTML pages of fetch apps get a banner with the error appended.
 * Before any version has built, every request gets the error page itself (500).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appFetch, getNodeHandler, type App, type AppObject, type DevListener, type DevServing } from '@adapt/core';
import type { Output } from '../../output.js';

interface Version {
  number: number;
  app: App;
  listener: DevListener;
  inFlight: number;
  retired: boolean;
}

export interface DevServerOptions {
  /** The target's way of serving one version (AdaptTarget.dev). */
  serving: DevServing;
  output: Output;
}

export class DevServer {
  readonly #options: DevServerOptions;
  readonly #server: Server;
  #current: Version | undefined;
  #buildError: string | undefined;
  #buildErrorSummary = '';

  constructor(options: DevServerOptions) {
    this.#options = options;
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  get hasVersion(): boolean {
    return this.#current !== undefined;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        const shown = host.includes(':') ? `[${host}]` : host;
        resolve(`http://${shown}:${this.port}`);
      });
    });
  }

  /** `message` goes on pages, `summary` (one line) in the x-adapt-build-error header. */
  setBuildError(message: string, summary: string): void {
    this.#buildError = message;
    this.#buildErrorSummary = summary;
  }

  /**
   * Serves `app` from now on, once its setup() has run; the old version finishes its requests,
   * then tears down. Throws (and keeps the old version) when the new one cannot start.
   */
  async swap(app: App, number: number): Promise<void> {
    const withBanner = decorateForBuildErrors(app, () => this.#buildError);
    const listener = this.#options.serving(withBanner);
    await listener.setup?.();
    const previous = this.#current;
    this.#current = { number, app, listener, inFlight: 0, retired: false };
    this.#buildError = undefined;
    if (previous) {
      previous.retired = true;
      if (previous.inFlight === 0) void this.#teardown(previous);
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeIdleConnections();
      setTimeout(() => this.#server.closeAllConnections(), 2000).unref();
    });
    if (this.#current) await this.#teardown(this.#current);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const version = this.#current;
    if (!version) return this.#serveBuildError(req, res);
    version.inFlight++;
    res.once('close', () => {
      version.inFlight--;
      if (version.retired && version.inFlight === 0) void this.#teardown(version);
    });
    if (this.#buildError) res.setHeader('x-adapt-build-error', headerSafe(this.#buildErrorSummary));
    version.listener(req, res);
  }

  async #teardown(version: Version): Promise<void> {
    try {
      if (version.listener.teardown) await version.listener.teardown();
      else if (typeof version.app === 'object' && typeof version.app.teardown === 'function') await version.app.teardown();
    } catch (error) {
      this.#options.output.warn(`teardown of version ${version.number} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #serveBuildError(req: IncomingMessage, res: ServerResponse): void {
    const message = this.#buildError ?? 'The first build is still running.';
    const html = (req.headers.accept ?? '').includes('text/html');
    const body = html ? errorPage(message) : `adapt dev: the app does not build yet:\n\n${message}\n`;
    res.writeHead(this.#buildError ? 500 : 503, {
      'content-type': html ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

/**
 * Wraps a fetch app so HTML answers get the build-error banner while the newest change is broken.
 * Apps made by fromNodeHandler are left as they are, so the Node target still hands them the real
 * req/res (they get the header, not the banner).
 */
function decorateForBuildErrors(app: App, currentError: () => string | undefined): App {
  if (getNodeHandler(app)) return app;
  const fetch = appFetch(app);
  const object = typeof app === 'object' ? (app as AppObject) : undefined;
  return {
    fetch: async (request, context) => {
      const response = await fetch(request, context);
      const error = currentError();
      const type = response.headers.get('content-type') ?? '';
      // a compressed body cannot take appended text
      if (!error || !response.body || !type.includes('text/html') || response.headers.has('content-encoding')) return response;
      const headers = new Headers(response.headers);
      headers.delete('content-length');
      headers.delete('etag');
      const banner = new TextEncoder().encode(bannerHtml(error));
      const body = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          flush(controller) {
            controller.enqueue(banner);
          },
        }),
      );
      return new Response(body, { status: response.status, statusText: response.statusText, headers });
    },
    ...(object?.setup ? { setup: object.setup.bind(object) } : {}),
    ...(object?.teardown ? { teardown: object.teardown.bind(object) } : {}),
  };
}

/** One line of printable ASCII: what a header value may hold. */
function headerSafe(summary: string): string {
  return (summary.split('\n')[0] || 'build failed').replace(/[^\x20-\x7e]/g, '?').slice(0, 300);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function bannerHtml(message: string): string {
  return (
    '\n<div id="adapt-build-error" style="position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;z-index:2147483647;' +
    'margin:0;padding:12px 16px;background:#2b0b0e;color:#ffd7d7;font:13px/1.4 ui-monospace,monospace;border-top:3px solid #e5484d">' +
    '<strong>adapt dev: the latest change does not build; this page comes from the last good version.</strong>' +
    `<pre style="white-space:pre-wrap;margin:8px 0 0">${escapeHtml(message)}</pre></div>\n`
  );
}

function errorPage(message: string): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8"><title>Build error - adapt dev</title></head>' +
    '<body style="margin:0;padding:24px;background:#1a1a1a;color:#eee;font:14px/1.5 ui-monospace,monospace">' +
    '<h1 style="color:#ff6b6b;font-size:18px">adapt dev: the app does not build</h1>' +
    `<pre style="white-space:pre-wrap">${escapeHtml(message)}</pre>` +
    '<p style="color:#999">Fix the error and save; this page does not reload by itself.</p></body></html>\n'
  );
}
