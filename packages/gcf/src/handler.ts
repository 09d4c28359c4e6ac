/** `toGcfHandler(app)`: the function functions-framework calls, for HTTP requests and CloudEvents. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { appFetch, errorAnswer, getNodeHandler, logError, type App, type AppContext } from '@adapt/core';
import { createListener, type NodePlatform } from '@adapt/node';
import { gcfRemoteAddress } from './client-address.js';
import { createEventRunner, type GcfEventHandler } from './events.js';
import { createGoogleRequest } from './request.js';
import type { CloudEvent, CloudEventCallback, GcfRaw, GcfRequest, GcfResponse } from './types.js';

/** The largest request Cloud Run functions accept (32 MiB); a larger body gets 413 from adapt. */
export const GCF_BODY_LIMIT = 32 * 1024 * 1024;

/**
 * The name a bundle exports its function under, and so the `--target` (locally) and
 * `--entry-point` (on deploy) to give: `export const adapt = toGcfHandler(app)`.
 */
export const gcfFunctionName = 'adapt';

export interface GcfHandlerOptions {
  /** Largest request body, in bytes (after the framework inflated it); a larger one gets 413. Default: `GCF_BODY_LIMIT`. */
  bodyLimit?: number;
  /** Development: stack traces in 500 answers. Default: `NODE_ENV === 'development'`. */
  dev?: boolean;
  /** Handles CloudEvents (a function deployed with an event trigger, `--signature-type=cloudevent`). Without it they are refused. */
  events?: GcfEventHandler;
}

/** The exported function: `(req, res)` for HTTP, `(cloudEvent, callback)` for CloudEvents (functions-framework picks by signature type). */
export interface GcfFunction {
  (req: GcfRequest, res: GcfResponse): void;
  (event: CloudEvent, callback: CloudEventCallback): void;
}

/**
 * The function for functions-framework (Cloud Run functions, formerly Cloud Functions 2nd gen).
 * `setup()` runs once, before the first request or event is handled. Errors are answered here (500, 413...), never thrown at the framework.
 *
 * @example
 * // the bundle's entry: functions-framework --target=adapt --source=.
 * import { toGcfHandler } from '@adapt/gcf';
 * import app from './app.js';
 * export const adapt = toGcfHandler(app);
 */
export function toGcfHandler(app: App, options: GcfHandlerOptions = {}): GcfFunction {
  const bodyLimit = options.bodyLimit ?? GCF_BODY_LIMIT;
  if (typeof bodyLimit !== 'number' || Number.isNaN(bodyLimit) || bodyLimit < 0) {
    throw new TypeError(`adapt: option "bodyLimit" must be a number of bytes (0 or more); got ${JSON.stringify(options.bodyLimit)}`);
  }
  const dev = options.dev ?? process.env.NODE_ENV === 'development';
  const listenerOptions = { bodyLimit, dev, platform: gcfPlatform };
  const listener = createListener(app, listenerOptions);
  // A Node handler app (fromNodeHandler) gets the framework's req as it is, unless body-parser has
  // drained its body: then it runs through the fetch path, which hands it a fresh req carrying the
  // bytes body-parser kept (the app's own body parser would otherwise wait on an ended stream).
  const drained = getNodeHandler(app) ? createListener({ fetch: appFetch(app) }, listenerOptions) : undefined;
  const handle = drained ? (req: GcfRequest, res: GcfResponse) => (Buffer.isBuffer(req.rawBody) ? drained : listener)(req, res) : listener;
  // setup() starts with the first call: a bundle may export several functions, and only the one
  // --target names runs. A failure is remembered; every request reports it (a 500 and a log line).
  let setup: Promise<void> | undefined;
  let ready = false;
  const startSetup = (): Promise<void> => {
    if (!setup) {
      setup = listener.setup();
      setup.then(
        () => (ready = true),
        () => {},
      );
    }
    return setup;
  };
  const runEvent = createEventRunner(options.events, startSetup);

  function adapt(first: GcfRequest | CloudEvent, second: GcfResponse | CloudEventCallback): void {
    if (typeof second === 'function') return runEvent(first as CloudEvent, second);
    if (typeof (second as Partial<GcfResponse> | undefined)?.writeHead !== 'function') throw legacyEventError();
    const req = first as GcfRequest;
    if (ready) return handle(req, second);
    startSetup().then(
      () => handle(req, second),
      (error) => answerSetupFailure(req, second, error, dev),
    );
  }
  return adapt as GcfFunction;
}

/** Cloud Functions: the body from the framework's body-parser, the address Google appended to X-Forwarded-For. */
const gcfPlatform: NodePlatform = {
  name: 'gcf',
  createRequest: createGoogleRequest,
  createContext: (req, res, _trustProxy, env, waitUntil) => new GcfContext(req, res, env, waitUntil),
};

/** `context` on Cloud Functions: plain own properties; the address is read at once. */
class GcfContext implements AppContext<GcfRaw> {
  readonly platform: 'gcf';
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly remoteAddress: string | undefined;
  readonly waitUntil: (promise: Promise<unknown>) => void;
  readonly raw: GcfRaw;

  constructor(req: IncomingMessage, res: ServerResponse, env: Record<string, string | undefined>, waitUntil: (promise: Promise<unknown>) => void) {
    this.platform = 'gcf';
    this.env = env;
    this.remoteAddress = gcfRemoteAddress(req);
    this.waitUntil = waitUntil;
    this.raw = { req, res };
  }
}

/** A setup() that failed: every request gets the 500 (the stack only in dev) and a log line; the instance keeps serving. */
function answerSetupFailure(req: GcfRequest, res: GcfResponse, error: unknown, dev: boolean): void {
  logError(`${req.method} ${(req.url ?? '').slice(0, 200)}: setup() failed`, error);
  const answer = errorAnswer(error, { dev });
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) });
  res.end(req.method === 'HEAD' ? undefined : answer.body);
}

function legacyEventError(): Error {
  return new Error(
    'adapt: toGcfHandler got a background event (the legacy "event" signature of 1st gen functions). ' +
      'Deploy the function as a 2nd gen (Cloud Run) function with an event trigger, which delivers CloudEvents ' +
      '(functions-framework --signature-type=cloudevent), and handle them with toGcfHandler(app, { events }).',
  );
}
