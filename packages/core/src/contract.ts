/**
 * The adapt contract: an app is a fetch function, or an object with `fetch` and an optional
 * lifecycle, tasks and schedules. Every target delivers a standard `Request` and expects a standard `Response`.
 */
import type { ScheduleDeclaration, Task } from './tasks.js';

/** Where an app runs. Targets outside this list may use their own name. */
export type Platform = 'node' | 'lambda' | 'gcf' | 'app-engine' | 'iisnode' | 'fastcgi' | 'test' | (string & {});

export interface AppContext<Raw = unknown> {
  /** The target that delivered the request. */
  readonly platform: Platform;
  /** Environment variables as the platform exposes them. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The client's address as the platform reports it (after trusted proxies, when configured). */
  readonly remoteAddress: string | undefined;
  /** Keeps the instance alive until `promise` settles; the response does not wait for it. */
  waitUntil(promise: Promise<unknown>): void;
  /** The platform's own objects (Lambda event and context, Node req and res...). */
  readonly raw: Raw;
}

/** The context handed to `setup()`, before any request exists. */
export interface SetupContext {
  readonly platform: Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export type FetchHandler = (request: Request, context: AppContext) => Response | Promise<Response>;

export interface AppObject {
  fetch: FetchHandler;
  /** Runs once per instance, before the first request (a cold start). */
  setup?(context: SetupContext): void | Promise<void>;
  /** Runs once on graceful shutdown. */
  teardown?(): void | Promise<void>;
  /** Named commands run outside HTTP: `adapt run <name>`, a schedule, the daemon (see tasks.ts). */
  tasks?: Record<string, Task>;
  /** When tasks run by themselves: `{ nightly: { cron: '0 3 * * *', task: 'cleanup' } }`. */
  schedules?: Record<string, ScheduleDeclaration>;
}

/** Anything with a compatible `fetch` (Hono, itty-router, h3, Elysia) is an app as it is. */
export type App = FetchHandler | AppObject;

/** Each schedule of T must name one of T's tasks. */
export type CheckedSchedules<T> = T extends { schedules?: infer S }
  ? { schedules?: { [K in keyof S]: ScheduleDeclaration<T extends { tasks?: infer Tasks } ? keyof Tasks & string : never> } }
  : unknown;

/** Types an app (its tasks' arguments and context, and that each schedule names one of its tasks); returns it unchanged. */
export function defineApp<T extends App>(app: T & CheckedSchedules<T>): T {
  return app;
}

/** The app's request handler, whatever form the app takes. */
export function appFetch(app: App): FetchHandler {
  if (typeof app === 'function') return app;
  if (app && typeof app.fetch === 'function') return app.fetch.bind(app);
  throw new TypeError(
    'adapt: the app must be a function (request, context) => Response or an object with a fetch method; ' +
      `got ${describeValue(app)}. Export your app as the module's default export.`,
  );
}

/** Runs `setup` at most once, and remembers a failure so every request reports it. */
export function createLifecycle(app: App, context: SetupContext) {
  let ready: Promise<void> | undefined;
  return {
    setup(): Promise<void> {
      if (!ready) {
        const setup = typeof app === 'object' && app && typeof app.setup === 'function' ? app.setup.bind(app) : undefined;
        ready = setup ? Promise.resolve().then(() => setup(context)) : Promise.resolve();
      }
      return ready;
    },
    async teardown(): Promise<void> {
      if (typeof app === 'object' && app && typeof app.teardown === 'function') await app.teardown();
    },
  };
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name && name !== 'Object' ? `an instance of ${name}` : 'an object';
  }
  return typeof value;
}

/** Collects `waitUntil` promises so a target can wait for them at the right moment. */
export class WaitUntilList {
  readonly #pending = new Set<Promise<unknown>>();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void = (error) => console.error('adapt: waitUntil task failed:', error)) {
    this.#onError = onError;
  }

  add = (promise: Promise<unknown>): void => {
    const tracked = Promise.resolve(promise).then(
      () => undefined,
      (error) => this.#onError(error),
    );
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  };

  get size(): number {
    return this.#pending.size;
  }

  /** Resolves once every task added so far, and any they add meanwhile, has settled. */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }
}
