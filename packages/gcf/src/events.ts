/** CloudEvents: a function deployed with an event trigger gets `(cloudEvent, callback)` instead of `(req, res)`. */
import { logError, WaitUntilList, type Platform } from '@adapt/core';
import type { CloudEvent, CloudEventCallback } from './types.js';

/** The context an events handler gets. */
export interface GcfEventContext {
  readonly platform: Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Work the answer waits for: Cloud Run gives an instance CPU only while a request is open. */
  waitUntil(promise: Promise<unknown>): void;
}

/** Handles one CloudEvent. Resolving acknowledges it (204, or the value as the body); throwing answers 500, so Eventarc retries when retries are on. */
export type GcfEventHandler = (event: CloudEvent, context: GcfEventContext) => unknown;

/** Runs each event after `setup`, through `handler`, and calls the framework back exactly once. */
export function createEventRunner(handler: GcfEventHandler | undefined, setup: () => Promise<void>): (event: CloudEvent, callback: CloudEventCallback) => void {
  const env = process.env;
  return (event, callback) => {
    if (!handler) {
      const error = new Error(
        `adapt: a CloudEvent (type ${JSON.stringify(String(event?.type ?? 'unknown'))}) reached a function with no events handler. ` +
          'Handle it with toGcfHandler(app, { events: (event, context) => ... }), or deploy the function with an HTTP trigger.',
      );
      logError('CloudEvent', error);
      return callback(error);
    }
    const tasks = new WaitUntilList((error) => logError('waitUntil task failed', error));
    const context: GcfEventContext = { platform: 'gcf', env, waitUntil: tasks.add };
    setup()
      .then(() => handler(event, context))
      .then(
        async (result) => {
          await tasks.settle();
          callback(null, result);
        },
        async (error) => {
          logError(`CloudEvent ${String(event?.type ?? '')} ${String(event?.id ?? '')}`.trim(), error);
          await tasks.settle();
          // the framework answers 500 with this message: it says where to look, not what the app threw
          callback(new Error('adapt: the events handler failed; the log line above says why'));
        },
      );
  };
}
