/**
 * App tasks and schedules: beside `fetch`, an app may export `tasks` (named commands such as
 * `setup` or `daemon`) and `schedules` (when a task runs by itself). Every target runs a task the
 * same way, through `runTask`; the wire shape that asks for one is the task event.
 * Dependency-free: this ships inside users' bundles.
 */
import { AdaptError } from './adapt-error.js';
import type { App, Platform } from './contract.js';

/** Like argv: what `adapt run <task> a b` passes. */
export type TaskArgs = readonly string[];

export interface TaskContext {
  readonly platform: Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on shutdown or at the platform's deadline. */
  readonly signal: AbortSignal;
  /** The schedule's name when a schedule fired the task. */
  readonly schedule: string | undefined;
  /** The platform's own objects (the Lambda event and context...). */
  readonly raw: unknown;
}

export type TaskFunction<A = TaskArgs> = (args: A, context: TaskContext) => unknown;

/** The Standard Schema v1 interface (zod, valibot, arktype...), as https://standardschema.dev defines it. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}
export type StandardSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }> };

/**
 * Checks a task's arguments before it runs: a Standard Schema validator, whose output the task
 * receives, or a function that throws on bad arguments (and returns what the task receives, or
 * nothing to pass the arguments on unchanged).
 */
export type TaskArgsValidator<A = TaskArgs> = StandardSchemaV1<unknown, A> | ((args: TaskArgs) => A);

export interface TaskObject<A = TaskArgs> {
  run: TaskFunction<A>;
  /** One line, shown by `adapt run` without a task name. */
  description?: string;
  args?: TaskArgsValidator<A>;
}

/** A task: a function, or an object with `run` (its own argument type is its business). */
export type Task = TaskFunction | TaskObject<any>;

export interface ScheduleDeclaration<TaskName extends string = string> {
  /** Standard 5-field Unix cron (or the platform's own form, accepted only by that platform). Exactly one of cron and rate. */
  cron?: string;
  /** `"<n> minute|minutes|hour|hours|day|days"`. */
  rate?: string;
  /** The task it runs: a key of `tasks`. */
  task: TaskName;
  args?: TaskArgs;
  /** IANA time zone name; default UTC. */
  timezone?: string;
  description?: string;
  /** Default true. */
  enabled?: boolean;
}

/**
 * Types a task whose `args` validator turns the arguments into something else, so that `run`
 * receives that type.
 * @example
 * const resize = defineTask({ args: z.tuple([z.coerce.number()]), run: ([width]) => width * 2 });
 */
export function defineTask<A>(task: TaskObject<A>): TaskObject<A> {
  return task;
}

/** The task event: the one wire shape that asks a handler to run a task. */
export const taskEventKey = 'adapt:task';

export interface TaskEvent {
  name: string;
  args: string[];
  schedule?: string;
}

/** The payload every target's runtime recognises: `{ "adapt:task": { name, args, schedule? } }`. */
export function taskEvent(name: string, args: TaskArgs = [], schedule?: string): { [taskEventKey]: TaskEvent } {
  return { [taskEventKey]: schedule === undefined ? { name, args: [...args] } : { name, args: [...args], schedule } };
}

/**
 * The task a payload asks for, or undefined when it is not a task event (only an object whose
 * top level has exactly the one key `adapt:task` is one). A task event with a bad body throws.
 */
export function readTaskEvent(payload: unknown): TaskEvent | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const keys = Object.keys(payload);
  if (keys.length !== 1 || keys[0] !== taskEventKey) return undefined;
  const { name, args = [], schedule } = ((payload as Record<string, unknown>)[taskEventKey] ?? {}) as Record<string, unknown>;
  if (typeof name !== 'string' || name === '' || !isStringArray(args) || (schedule !== undefined && typeof schedule !== 'string')) {
    throw new AdaptError('BAD_TASK_EVENT', 'a task event is { "adapt:task": { "name": "<task>", "args": ["<string>"...], "schedule"?: "<name>" } }', { exitCode: 2 });
  }
  return schedule === undefined ? { name, args: [...args] } : { name, args: [...args], schedule };
}

/** The app's tasks (an empty object when it declares none). Throws on a malformed `tasks`. */
export function appTasks(app: App): Readonly<Record<string, Task>> {
  const tasks = typeof app === 'object' && app !== null ? (app as { tasks?: unknown }).tasks : undefined;
  if (tasks === undefined) return {};
  const bad = Object.entries(tasks ?? 0).find(([, task]) => typeof task !== 'function' && typeof task?.run !== 'function');
  if (typeof tasks !== 'object' || tasks === null || Array.isArray(tasks) || bad) {
    throw new AdaptError('BAD_TASKS', `${bad ? `task "${bad[0]}"` : 'tasks'}: expected tasks: { name: (args, context) => result, or { run, description?, args? } }`);
  }
  return tasks as Record<string, Task>;
}

/** Where a task runs: what `runTask` builds its TaskContext from. */
export interface RunTaskContext {
  platform: Platform;
  env?: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  schedule?: string;
  raw?: unknown;
}

/**
 * Runs one task of the app: unknown names and arguments that fail the task's validator are
 * AdaptErrors with exit code 2 (the message lists the known tasks, or says what failed); a task
 * that throws rejects with its own error.
 */
export async function runTask(app: App, name: string, args: TaskArgs, context: RunTaskContext): Promise<unknown> {
  const task = findTask(app, name);
  if (!isStringArray(args)) throw new AdaptError('BAD_TASK_ARGS', `task "${name}": arguments must be strings`, { exitCode: 2 });
  const run: TaskFunction<unknown> = typeof task === 'function' ? (task as TaskFunction<unknown>) : task.run.bind(task);
  const value = typeof task === 'function' || task.args === undefined ? args : await validateArgs(name, task.args, args);
  return run(value, {
    platform: context.platform,
    env: context.env ?? {},
    signal: context.signal ?? new AbortController().signal,
    schedule: context.schedule,
    raw: context.raw,
  });
}

/** The app's task of that name; an AdaptError listing the known ones (exit code 2) when there is none. */
export function findTask(app: App, name: string): Task {
  const tasks = appTasks(app);
  const task = Object.hasOwn(tasks, name) ? tasks[name] : undefined;
  if (task === undefined) throw unknownTask(name, Object.keys(tasks));
  return task;
}

function unknownTask(name: string, known: string[]): AdaptError {
  return new AdaptError('UNKNOWN_TASK', `unknown task "${name}"; ${known.length ? `known tasks: ${known.join(', ')}` : 'the app declares no tasks'}`, {
    hint: known.length
      ? 'run one of the known tasks, or declare it under tasks in the app'
      : 'declare tasks beside fetch: export default { fetch, tasks: { setup: (args, context) => ... } }',
    exitCode: 2,
  });
}

async function validateArgs(name: string, validator: TaskArgsValidator<unknown>, args: TaskArgs): Promise<unknown> {
  if (typeof validator === 'function') {
    let value: unknown;
    try {
      value = await validator(args);
    } catch (error) {
      throw badArgs(name, error instanceof Error ? error.message : String(error), error);
    }
    return value === undefined ? args : value;
  }
  const result = await validator['~standard'].validate(args);
  if (result.issues) {
    throw badArgs(
      name,
      result.issues
        .map((issue) => {
          const path = (issue.path ?? []).map((part) => String(typeof part === 'object' && part !== null ? part.key : part)).join('.');
          return path ? `${path}: ${issue.message}` : issue.message;
        })
        .join('; '),
    );
  }
  return result.value;
}

function badArgs(name: string, message: string, cause?: unknown): AdaptError {
  return new AdaptError('BAD_TASK_ARGS', `task "${name}": bad arguments: ${message}`, { exitCode: 2, cause });
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
