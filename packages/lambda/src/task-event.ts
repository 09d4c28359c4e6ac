/**
 * The task event (`{ "adapt:task": { name, args, schedule? } }`, sent by `adapt run --target
 * lambda` and by schedules): checked before any HTTP event detection, it runs the app's task and
 * answers with the task's return value. A task that throws is the invocation's function error,
 * with the task's message. No HTTP event can be one: only a payload whose top level has exactly
 * the one key `adapt:task` is a task event.
 */
import { isAdaptError, isHttpError, readTaskEvent, runTask, taskEventKey, type TaskEvent } from '@adapt/core';
import { startDeadline } from './deadline.js';
import type { Runtime } from './runtime.js';
import type { LambdaContext } from './types.js';

/** The task an event asks for, or undefined for any other event (a malformed task event throws). */
export function eventTask(event: unknown): TaskEvent | undefined {
  try {
    return typeof event === 'object' && event !== null && taskEventKey in event ? readTaskEvent(event) : undefined;
  } catch (error) {
    return refusal('')(error);
  }
}

/** Runs the task (after the app's setup), its signal aborted near the deadline; resolves with its result, as JSON. */
export async function taskEventResult(runtime: Runtime, task: TaskEvent, event: unknown, context: LambdaContext): Promise<unknown> {
  const deadline = startDeadline(context, runtime.margin);
  try {
    if (runtime.setup !== undefined) await runtime.setup;
    const running = runTask(runtime.app, task.name, task.args, {
      platform: 'lambda',
      env: runtime.env,
      signal: deadline?.signal(),
      schedule: task.schedule,
      raw: { event, context },
    });
    const result = await (deadline === undefined ? running : deadline.race(running)).catch(refusal(task.name));
    // the Runtime API sends JSON: undefined becomes null
    return result === undefined ? null : result;
  } finally {
    deadline?.clear();
  }
}

/** An unknown task or bad arguments get their code as the error's name (Lambda's errorType), for `adapt run`'s exit code. */
function refusal(name: string) {
  return (error: unknown): never => {
    if (isHttpError(error) && error.code === 'TIMEOUT') throw new Error(`adapt: task "${name}" did not finish before the Lambda invocation timed out`);
    if (isAdaptError(error) && error.exitCode === 2) error.name = error.code;
    throw error;
  };
}
