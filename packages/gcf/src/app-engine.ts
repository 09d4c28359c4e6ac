/**
 * @adapt/gcf/appengine: App Engine standard (and any platform that runs a plain server on $PORT).
 * `serve()` from @adapt/node with App Engine's own rules: the client address and country from the
 * X-Appengine-* headers App Engine sets (only when GAE_ENV=standard: anywhere else a client could
 * send them), the warm-up request answered, the app's tasks run for Cloud Scheduler at `/_adapt/tasks/<task>`
 * (app-engine-tasks.ts), and a graceful stop on SIGTERM within App Engine's window.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fromNodeHandler, getNodeHandler, type App, type AppContext, type AppObject, type NodeHandler, type TrustRule } from '@adapt/core';
import { remoteAddressOf, serve, type NodePlatform, type NodeRaw, type ServeOptions, type ServerHandle } from '@adapt/node';
import { answerTaskRequest, isTaskPath, nodeTaskRequest, taskAnswerResponse, writeTaskAnswer } from './app-engine-tasks.js';
import { createGoogleRequest } from './request.js';

/**
 * Milliseconds a graceful stop waits for requests in flight. App Engine standard sends SIGTERM
 * and kills the instance a few seconds later; finishing within 3 seconds keeps teardown() inside it.
 */
export const APP_ENGINE_SHUTDOWN_TIMEOUT = 3_000;

/**
 * Milliseconds an idle keep-alive connection stays open: longer than the 60 s the proxy in front of
 * the app keeps its upstream connections, so the app never closes one the proxy is about to reuse
 * (which the client would see as a 502).
 */
export const APP_ENGINE_KEEP_ALIVE_TIMEOUT = 65_000;

/** The path of App Engine's warm-up request (`inbound_services: [warmup]` in app.yaml). */
export const WARMUP_PATH = '/_ah/warmup';

export interface AppEngineOptions extends Omit<ServeOptions, 'platform'> {
  /** Answer `/_ah/warmup` with 200 once `setup()` has run, before the app sees it. Default: true. */
  warmup?: boolean;
}

/** `context` on App Engine: the Node context plus the country App Engine derived from the client's address. */
export interface AppEngineContext extends AppContext<NodeRaw> {
  /** X-Appengine-Country (ISO 3166-1 alpha-2, `ZZ` when unknown) on App Engine; undefined elsewhere. */
  readonly country: string | undefined;
}

/**
 * Serves `app` the way App Engine standard runs it: `npm start` runs this, listening on $PORT.
 * Runs `setup()` before listening, so the warm-up request finds the instance ready.
 *
 * @example
 * // server.mjs, started by "start": "node server.mjs"
 * import { serveAppEngine } from '@adapt/gcf/appengine';
 * import app from './app.js';
 * await serveAppEngine(app);
 */
export function serveAppEngine(app: App, options: AppEngineOptions = {}, env: Record<string, string | undefined> = process.env): Promise<ServerHandle> {
  const { warmup = true, ...serveOptions } = options;
  const onAppEngine = env.GAE_ENV === 'standard';
  const routed = withTaskRoute(app, onAppEngine, env);
  return serve(warmup ? withWarmup(routed) : routed, {
    shutdownTimeout: APP_ENGINE_SHUTDOWN_TIMEOUT,
    keepAliveTimeout: APP_ENGINE_KEEP_ALIVE_TIMEOUT,
    ...serveOptions,
    platform: appEnginePlatform(onAppEngine),
  });
}

/** The App Engine platform: on App Engine the address and country come from its headers; elsewhere the plain Node rules apply. */
export function appEnginePlatform(onAppEngine: boolean): NodePlatform {
  return {
    name: 'app-engine',
    createRequest: createGoogleRequest,
    createContext: (req, res, trust, env, waitUntil) => new GaeContext(req, res, onAppEngine, trust, env, waitUntil),
  };
}

class GaeContext implements AppEngineContext {
  readonly platform: 'app-engine';
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly remoteAddress: string | undefined;
  readonly country: string | undefined;
  readonly waitUntil: (promise: Promise<unknown>) => void;
  readonly raw: NodeRaw;

  constructor(
    req: IncomingMessage,
    res: ServerResponse,
    onAppEngine: boolean,
    trust: TrustRule,
    env: Record<string, string | undefined>,
    waitUntil: (promise: Promise<unknown>) => void,
  ) {
    this.platform = 'app-engine';
    this.env = env;
    this.remoteAddress = (onAppEngine ? header(req, 'x-appengine-user-ip') : undefined) ?? remoteAddressOf(req, trust);
    this.country = onAppEngine ? header(req, 'x-appengine-country') : undefined;
    this.waitUntil = waitUntil;
    this.raw = { req, res };
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? text : undefined;
}

/** The app with `/_ah/warmup` answered first; a Node handler app stays a Node handler app (no conversion). */
function withWarmup(app: App): App {
  const nodeHandler = getNodeHandler(app);
  if (nodeHandler) return { ...fromNodeHandler(warmupFirst(nodeHandler)), setup: setupOf(app), teardown: teardownOf(app) };
  const fetch = typeof app === 'function' ? app : app?.fetch?.bind(app);
  if (typeof fetch !== 'function') return app; // serve() reports what is wrong with it
  return {
    fetch(request, context) {
      if (isWarmup((context.raw as NodeRaw).req)) return warmupResponse();
      return fetch(request, context);
    },
    setup: setupOf(app),
    teardown: teardownOf(app),
  };
}

/** The app with `/_adapt/tasks/` answered first: tasks for App Engine's own requests, a 404 for anyone else. */
function withTaskRoute(app: App, onAppEngine: boolean, env: Record<string, string | undefined>): App {
  const nodeHandler = getNodeHandler(app);
  if (nodeHandler) {
    const handler: NodeHandler = (req, res) => {
      if (!isTaskPath(req.url)) return nodeHandler(req, res);
      answerTaskRequest(app, nodeTaskRequest(req, res), onAppEngine, env).then((answer) => writeTaskAnswer(res, answer));
    };
    return { ...fromNodeHandler(handler), setup: setupOf(app), teardown: teardownOf(app), ...tasksOf(app) };
  }
  const fetch = typeof app === 'function' ? app : app?.fetch?.bind(app);
  if (typeof fetch !== 'function') return app;
  return {
    async fetch(request, context) {
      const { req, res } = context.raw as NodeRaw;
      if (!isTaskPath(req.url)) return fetch(request, context);
      return taskAnswerResponse(await answerTaskRequest(app, nodeTaskRequest(req, res), onAppEngine, env));
    },
    setup: setupOf(app),
    teardown: teardownOf(app),
    ...tasksOf(app),
  };
}

/** The app's tasks and schedules, carried over to a wrapped app. */
function tasksOf(app: App): Pick<AppObject, 'tasks' | 'schedules'> {
  if (typeof app !== 'object' || app === null) return {};
  const { tasks, schedules } = app as AppObject;
  return { ...(tasks ? { tasks } : {}), ...(schedules ? { schedules } : {}) };
}

function warmupFirst(handler: NodeHandler): NodeHandler {
  return (req, res) => {
    if (!isWarmup(req)) return handler(req, res);
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': '10', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : 'warmed up\n');
  };
}

function isWarmup(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  return url === WARMUP_PATH || url.startsWith(`${WARMUP_PATH}?`);
}

function warmupResponse(): Response {
  return new Response('warmed up\n', { headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
}

function setupOf(app: App): AppObject['setup'] {
  return typeof app === 'object' && typeof app?.setup === 'function' ? app.setup.bind(app) : undefined;
}

function teardownOf(app: App): AppObject['teardown'] {
  return typeof app === 'object' && typeof app?.teardown === 'function' ? app.teardown.bind(app) : undefined;
}
