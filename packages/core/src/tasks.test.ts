import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { isAdaptError } from './adapt-error.js';
import { appManifest } from './app-manifest.js';
import { defineApp } from './contract.js';
import { defineTask, readTaskEvent, runTask, taskEvent, type TaskArgs, type TaskContext } from './tasks.js';

const fetch = () => new Response('ok');

const app = defineApp({
  fetch,
  tasks: {
    hello: (args, context) => ({ hello: args[0] ?? 'world', platform: context.platform, schedule: context.schedule }),
    double: defineTask({
      description: 'doubles a number',
      args: z.tuple([z.coerce.number().int()]),
      run: ([value]) => value * 2,
    }),
    checked: {
      args: (args: TaskArgs) => {
        if (args.length !== 1) throw new Error('expected exactly one argument, the user id');
        return args;
      },
      run: (args: TaskArgs) => `user ${args[0]}`,
    },
    boom: () => {
      throw new Error('the task broke');
    },
  },
  schedules: {
    nightly: { cron: '0 3 * * *', task: 'hello', args: ['night'] },
    often: { rate: '5 minutes', task: 'double', args: ['21'], timezone: 'Europe/Paris', enabled: false, description: 'every five minutes' },
  },
});

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isAdaptError(error)) throw new Error(`expected an AdaptError, got ${String(error)}`);
  return { code: error.code, message: error.message, hint: error.hint, exitCode: error.exitCode };
}

describe('runTask', () => {
  it('runs a task with its arguments and a context', async () => {
    expect(await runTask(app, 'hello', ['ada'], { platform: 'test', schedule: 'nightly' })).toEqual({ hello: 'ada', platform: 'test', schedule: 'nightly' });
  });

  it('hands a Standard Schema validator output to the task', async () => {
    expect(await runTask(app, 'double', ['21'], { platform: 'test' })).toBe(42);
  });

  it('refuses arguments that fail a Standard Schema validator, with its message (exit 2)', async () => {
    const error = await failure(runTask(app, 'double', ['many'], { platform: 'test' }));
    expect(error).toMatchObject({ code: 'BAD_TASK_ARGS', exitCode: 2 });
    expect(error.message).toMatch(/^task "double": bad arguments: 0: .*number/i);
  });

  it('refuses arguments a validator function throws on (exit 2)', async () => {
    expect(await runTask(app, 'checked', ['7'], { platform: 'test' })).toBe('user 7');
    expect(await failure(runTask(app, 'checked', [], { platform: 'test' }))).toMatchObject({
      code: 'BAD_TASK_ARGS',
      message: 'task "checked": bad arguments: expected exactly one argument, the user id',
      exitCode: 2,
    });
  });

  it('names the known tasks for an unknown one (exit 2)', async () => {
    expect(await failure(runTask(app, 'helo', [], { platform: 'test' }))).toEqual({
      code: 'UNKNOWN_TASK',
      message: 'unknown task "helo"; known tasks: hello, double, checked, boom',
      hint: 'run one of the known tasks, or declare it under tasks in the app',
      exitCode: 2,
    });
    expect(await failure(runTask({ fetch }, 'setup', [], { platform: 'test' }))).toMatchObject({ message: 'unknown task "setup"; the app declares no tasks', exitCode: 2 });
    // inherited properties are not tasks
    expect(await failure(runTask(app, 'toString', [], { platform: 'test' }))).toMatchObject({ code: 'UNKNOWN_TASK' });
  });

  it("rejects with the task's own error when it throws", async () => {
    await expect(runTask(app, 'boom', [], { platform: 'test' })).rejects.toThrow('the task broke');
  });

  it('gives the task an abort signal', async () => {
    const controller = new AbortController();
    const seen = runTask({ fetch, tasks: { wait: (_args, context) => new Promise((resolve) => context.signal.addEventListener('abort', () => resolve('stopped'))) } }, 'wait', [], {
      platform: 'test',
      signal: controller.signal,
    });
    controller.abort();
    expect(await seen).toBe('stopped');
  });

  it('refuses a malformed tasks export', async () => {
    expect(await failure(runTask({ fetch, tasks: { broken: 42 } } as never, 'broken', [], { platform: 'test' }))).toMatchObject({
      code: 'BAD_TASKS',
      message: 'task "broken": expected tasks: { name: (args, context) => result, or { run, description?, args? } }',
    });
  });
});

describe('the task event', () => {
  it('is an object with exactly the one key adapt:task', () => {
    expect(taskEvent('hello', ['a'], 'nightly')).toEqual({ 'adapt:task': { name: 'hello', args: ['a'], schedule: 'nightly' } });
    expect(readTaskEvent({ 'adapt:task': { name: 'hello', args: ['a'] } })).toEqual({ name: 'hello', args: ['a'] });
    expect(readTaskEvent({ 'adapt:task': { name: 'hello' } })).toEqual({ name: 'hello', args: [] });
    expect(readTaskEvent(taskEvent('hello', [], 'nightly'))).toEqual({ name: 'hello', args: [], schedule: 'nightly' });
  });

  it('is never an HTTP event or anything with another key beside it', () => {
    for (const payload of [
      undefined,
      null,
      'adapt:task',
      [{ 'adapt:task': { name: 'x' } }],
      { version: '2.0', rawPath: '/', requestContext: {} },
      { httpMethod: 'GET', path: '/', 'adapt:task': { name: 'hello' } },
      { body: JSON.stringify(taskEvent('hello')) },
    ]) {
      expect(readTaskEvent(payload)).toBeUndefined();
    }
  });

  it('refuses a task event with a bad body', () => {
    for (const body of ['hello', null, { name: 3 }, { name: '' }, { name: 'x', args: [1] }, { name: 'x', args: 'a' }, { name: 'x', schedule: 5 }]) {
      expect(() => readTaskEvent({ 'adapt:task': body })).toThrow('a task event is { "adapt:task": { "name": "<task>", "args": ["<string>"...], "schedule"?: "<name>" } }');
    }
  });
});

describe('appManifest', () => {
  it('lists tasks and schedules with their defaults', () => {
    expect(appManifest(app)).toEqual({
      tasks: [{ name: 'hello' }, { name: 'double', description: 'doubles a number' }, { name: 'checked' }, { name: 'boom' }],
      schedules: [
        { name: 'nightly', cron: '0 3 * * *', task: 'hello', args: ['night'], timezone: 'UTC', enabled: true },
        { name: 'often', rate: '5 minutes', task: 'double', args: ['21'], timezone: 'Europe/Paris', enabled: false, description: 'every five minutes' },
      ],
    });
    expect(appManifest(fetch)).toEqual({ tasks: [], schedules: [] });
  });

  it.each([
    [{ a: { cron: '* * * * *', task: 'nope' } }, 'schedule "a": task "nope" is not one of the app\'s tasks (run)'],
    [{ a: { task: 'run' } }, 'schedule "a": give exactly one of cron and rate'],
    [{ a: { cron: '* * * * *', rate: '1 minute', task: 'run' } }, 'schedule "a": give exactly one of cron and rate'],
    [{ a: { cron: '', task: 'run' } }, 'schedule "a": cron must be a non-empty string'],
    [{ a: { rate: 5, task: 'run' } }, 'schedule "a": rate must be a non-empty string'],
    [{ a: { cron: '* * * * *', task: 'run', args: [1] } }, 'schedule "a": args must be an array of strings'],
    [{ a: { cron: '* * * * *', task: 'run', enabled: 'yes' } }, 'schedule "a": enabled must be true or false'],
    [{ a: 'daily' }, 'schedule "a" must be an object'],
    [[], '"schedules" must be an object'],
  ])('refuses schedules %j', (schedules, message) => {
    expect(() => appManifest({ fetch, tasks: { run: () => 1 }, schedules } as never)).toThrow(message);
  });
});

describe('defineApp types', () => {
  it('types task arguments and context, and checks schedule task names', () => {
    defineApp({
      fetch,
      tasks: {
        plain: (args, context) => {
          expectTypeOf(args).toEqualTypeOf<TaskArgs>();
          expectTypeOf(context).toEqualTypeOf<TaskContext>();
        },
        sized: defineTask({ args: z.tuple([z.coerce.number()]), run: (args) => expectTypeOf(args).toEqualTypeOf<[number]>() }),
      },
      schedules: { ok: { cron: '0 * * * *', task: 'sized' } },
    });
    defineApp({
      fetch,
      tasks: { plain: () => 1 },
      // @ts-expect-error: a schedule must name one of the app's tasks
      schedules: { wrong: { cron: '0 * * * *', task: 'missing' } },
    });
    expect(appManifest(defineApp({ fetch, tasks: { plain: () => 1 } })).tasks).toEqual([{ name: 'plain' }]);
  });
});
