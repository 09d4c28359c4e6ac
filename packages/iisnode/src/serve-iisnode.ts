/** `serveIisnode(app)`: @adapt/node's `serve()` where iisnode says, with IIS's URL and header rules. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  appFetch,
  createLightweightRequest,
  createLifecycle,
  fromNodeHandler,
  getNodeHandler,
  headersFromFlatList,
  trustRule,
  type App,
  type AppContext,
  type AppObject,
  type NodeHandler,
  type TrustProxy,
} from '@adapt/core';
import { serve, type NodeRaw, type ServeOptions, type ServerHandle } from '@adapt/node';
import { normalizeBasePath, stripBasePath } from './base-path.js';
import { iisnodeClientAddress, promotedNames, readIisnodeHead } from './headers.js';
import { iisnodeListenTarget } from './pipe.js';

export interface IisnodeOptions extends Omit<ServeOptions, 'port' | 'host' | 'path' | 'trustProxy' | 'workers' | 'static'> {
  /**
   * The application's virtual directory in IIS (`/app`): removed from the front of every URL,
   * without regard to case. A URL outside it gets 404. Default: none (the site root).
   */
  basePath?: string;
  /** iisnode's `enableXFF` (or HttpPlatformHandler in front): the client is the last X-Forwarded-For entry. Default false: no forwarding header is trusted. */
  enableXFF?: boolean;
  /**
   * The proxies to trust, by core's client-address rule with IIS as hop 0 (see @adapt/core's
   * `TrustProxy`). Default: `1` (IIS) with `enableXFF`, else `false`. Behind Azure App Service's
   * front end, which appends too, `2`.
   */
  trustProxy?: TrustProxy;
  /** iisnode's `promoteServerVars` (`'AUTH_USER,AUTH_TYPE'` or a list): these arrive on `context.serverVariables`. Default: none. */
  promoteServerVars?: string | readonly string[];
  /** Where to listen instead of `PORT` (then `HTTP_PLATFORM_PORT`): a named pipe, a socket path or a port, as text. */
  listen?: string;
}

/** `context.raw` under iisnode: Node's req and res, and the promoted server variables. */
export interface IisnodeRaw extends NodeRaw {
  serverVariables: Readonly<Record<string, string>>;
}

/** The context an app gets under iisnode. */
export interface IisnodeContext extends AppContext<IisnodeRaw> {
  /** The server variables `promoteServerVars` forwards (`{ AUTH_USER: 'CONTOSO\\ada' }`), iisnode's values only. */
  readonly serverVariables: Readonly<Record<string, string>>;
}

/**
 * Serves `app` under IIS through iisnode: listens on the named pipe in `PORT` (or a socket path or a
 * port), strips `basePath`, believes only the `x-iisnode-*` headers the config promotes (the last of
 * each) and hides all of them from the app. Resolves once listening.
 *
 * @example
 * import { serveIisnode } from '@adapt/iisnode';
 * import app from './app.js';
 * await serveIisnode(app, { basePath: '/app', enableXFF: true, promoteServerVars: ['AUTH_USER'] });
 */
export async function serveIisnode(app: App, options: IisnodeOptions = {}): Promise<ServerHandle> {
  const { basePath, enableXFF, promoteServerVars, listen, trustProxy, ...serveOptions } = options;
  const env = process.env;
  const where =
    listen !== undefined
      ? iisnodeListenTarget(listen, 'listen')
      : env.PORT !== undefined || env.HTTP_PLATFORM_PORT === undefined
        ? iisnodeListenTarget(env.PORT, 'PORT')
        : iisnodeListenTarget(env.HTTP_PLATFORM_PORT, 'HTTP_PLATFORM_PORT');
  const wrapped = iisnodeApp(app, { basePath, enableXFF, promoteServerVars, trustProxy });
  // port: 0 with a path keeps serve() from reading PORT itself (it holds a pipe name, not a number)
  const place = where.path !== undefined ? { path: where.path, port: 0 } : { port: where.port, host: env.HOST || '127.0.0.1' };
  return serve(wrapped, { ...serveOptions, ...place, trustProxy: false });
}

/** The app as iisnode runs it: base path, server variables and client address applied before the app sees the request. */
export function iisnodeApp(app: App, options: Pick<IisnodeOptions, 'basePath' | 'enableXFF' | 'promoteServerVars' | 'trustProxy'> = {}): AppObject {
  const basePath = normalizeBasePath(options.basePath);
  const promoted = promotedNames(options.promoteServerVars);
  const trust = trustRule(options.trustProxy ?? (options.enableXFF ? 1 : false));
  const handler = getNodeHandler(app);
  if (handler) return fromNodeHandler(iisnodeNodeHandler(handler, basePath, promoted));

  const fetch = appFetch(app);
  const lifecycle = createLifecycle(app, { platform: 'iisnode', env: process.env });
  return {
    setup: () => lifecycle.setup(),
    teardown: () => lifecycle.teardown(),
    fetch(request: Request, context: AppContext): Response | Promise<Response> {
      const raw = context.raw as NodeRaw;
      const url = request.url;
      const pathStart = url.indexOf('/', url.indexOf('://') + 3);
      const target = stripBasePath(pathStart === -1 ? '/' : url.slice(pathStart), basePath);
      if (target === undefined) return outsideBasePath(basePath);
      const head = readIisnodeHead(raw.req.rawHeaders, promoted);
      const method = request.method;
      const inner = createLightweightRequest({
        method,
        url: (pathStart === -1 ? url : url.slice(0, pathStart)) + target,
        headers: () => headersFromFlatList(head.rawHeaders),
        body: method === 'GET' || method === 'HEAD' ? null : { stream: () => request.body ?? emptyStream(), bytes: async () => new Uint8Array(await request.arrayBuffer()) },
        signal: () => request.signal,
      });
      const serverVariables = Object.freeze(head.serverVariables);
      const iisnodeContext: IisnodeContext = {
        platform: 'iisnode',
        env: context.env,
        remoteAddress: iisnodeClientAddress(head, trust, raw.req.socket.remoteAddress),
        waitUntil: context.waitUntil,
        raw: { req: raw.req, res: raw.res, serverVariables },
        serverVariables,
      };
      return fetch(inner, iisnodeContext);
    },
  };
}

/** A Node `(req, res)` app (Express...) gets the same URL and headers, through its own req. */
function iisnodeNodeHandler(handler: NodeHandler, basePath: string, promoted: Map<string, string>): NodeHandler {
  return (req: IncomingMessage, res: ServerResponse) => {
    const target = stripBasePath(req.url ?? '/', basePath);
    if (target === undefined) {
      const body = 'Not Found\n';
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(body.length) });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    req.url = target;
    const head = readIisnodeHead(req.rawHeaders, promoted);
    if (head.rawHeaders.length !== req.rawHeaders.length) {
      req.rawHeaders = head.rawHeaders;
      for (const name of Object.keys(req.headers)) if (name.startsWith('x-iisnode-')) delete req.headers[name];
    }
    (req as IncomingMessage & { serverVariables?: Record<string, string> }).serverVariables = head.serverVariables;
    return handler(req, res);
  };
}

function outsideBasePath(basePath: string): Response {
  return new Response(`Not Found: this application serves ${basePath}/ only\n`, { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}
