/**
 * Tasks on Cloud Run functions. An HTTP function cannot tell a scheduler's call from the public's,
 * so tasks never go through it: `adapt deploy` deploys a second function from the same build,
 * `toGcfTaskHandler(app)` exported as `adaptTasks`, with a Pub/Sub trigger (Eventarc), internal
 * ingress and no public invoker. Cloud Scheduler jobs and `adapt run` publish the task event to its
 * topic; the function gets it as a CloudEvent (functions-framework's `cloudevent` signature).
 */
import { createLifecycle, isAdaptError, readTaskEvent, runTask, type App, type TaskEvent } from '@adapt/core';
import type { CloudEvent, CloudEventCallback } from './types.js';

/** The name a gcf bundle exports the task function under: its `--entry-point` on deploy. */
export const gcfTaskFunctionName = 'adaptTasks';

/** The CloudEvent type Eventarc delivers a Pub/Sub message as. */
export const PUBSUB_MESSAGE_PUBLISHED = 'google.cloud.pubsub.topic.v1.messagePublished';

/** What `context.raw` holds for a task run on Cloud Run functions. */
export interface GcfTaskRaw {
  event: CloudEvent;
}

/**
 * The CloudEvent function that runs the app's tasks: each Pub/Sub message whose data is a task
 * event (`{ "adapt:task": { name, args, schedule? } }`) runs that task after `setup()`. Its result
 * goes to the log as one JSON line (a Pub/Sub push carries no answer back). Any other event, a
 * message that is not a task event, an unknown task or a task that throws fails the delivery with a
 * message saying why (the function is deployed without retries, so it is not redelivered).
 *
 * @example
 * // index.mjs, as adapt build --target gcf writes it
 * export const adapt = toGcfHandler(app);
 * export const adaptTasks = toGcfTaskHandler(app);
 */
export function toGcfTaskHandler(app: App): (event: CloudEvent, callback: CloudEventCallback) => void {
  const env = process.env;
  const lifecycle = createLifecycle(app, { platform: 'gcf', env });
  let shutdown: AbortController | undefined;
  return (event, callback) => {
    // registered with the first event, so that a bundle loaded by anything but the framework keeps Node's own SIGTERM rule
    if (!shutdown) {
      const controller = new AbortController();
      process.once('SIGTERM', () => controller.abort(new Error('the instance is shutting down (SIGTERM)')));
      shutdown = controller;
    }
    const signal = shutdown.signal;
    let task: TaskEvent;
    try {
      task = taskOf(event);
    } catch (error) {
      return fail(callback, `CloudEvent ${String(event?.id ?? '')}`.trim(), error);
    }
    lifecycle
      .setup()
      .then(() => runTask(app, task.name, task.args, { platform: 'gcf', env, signal, schedule: task.schedule, raw: { event } satisfies GcfTaskRaw }))
      .then(
        (result) => {
          console.log(JSON.stringify({ severity: 'INFO', message: `adapt: task ${task.name} finished`, 'adapt:task': task.name, result: result ?? null }));
          callback(null, result);
        },
        (error) => fail(callback, `task ${task.name}`, error),
      );
  };
}

/** The task event a Pub/Sub CloudEvent carries; throws an AdaptError saying what is wrong with anything else. */
export function taskOf(event: CloudEvent): TaskEvent {
  if (event?.type !== PUBSUB_MESSAGE_PUBLISHED) {
    throw new TypeError(
      `adapt: the task function only runs Pub/Sub messages (CloudEvent type ${PUBSUB_MESSAGE_PUBLISHED}); got type ${JSON.stringify(String(event?.type ?? 'none'))}. ` +
        'Trigger it with the topic adapt deploy created, and publish task events there (adapt run <task> --target gcf).',
    );
  }
  const data = (event.data as { message?: { data?: unknown } } | undefined)?.message?.data;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(String(data ?? ''), 'base64').toString('utf8'));
  } catch {
    payload = undefined;
  }
  const task = readTaskEvent(payload);
  if (!task)
    throw new TypeError(
      'adapt: the Pub/Sub message is not a task event: its data must be the JSON { "adapt:task": { "name": "<task>", "args": [] } }. Publish it with adapt run <task> --target gcf.',
    );
  return task;
}

function fail(callback: CloudEventCallback, where: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const hint = isAdaptError(error) && error.hint ? ` (${error.hint})` : '';
  console.error(`adapt: ${where}: ${isAdaptError(error) ? message : error instanceof Error ? (error.stack ?? message) : message}${hint}`);
  callback(new Error(`adapt: ${where} failed: ${message}${hint}`));
}
