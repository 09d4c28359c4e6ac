/**
 * The task event through the real handler (buffered and streaming): the task's result is the
 * invocation's result, a throwing task is a function error with its message, an unknown task
 * names the known ones. No HTTP event ever reaches a task, whatever its path, query or body say.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { taskEvent, type App, type TaskContext } from '@adapt/core';
import { toLambdaHandler } from '@adapt/lambda';
import { toLambdaHandler as toBufferedHandler } from '@adapt/lambda/buffered';
import { loadFixtures } from './helpers/fixtures.js';
import { buildEvent, lambdaContext, resultToResponse, type SourceKind } from './helpers/sources.js';
import { stubAwslambda, type StreamedOutput } from './helpers/streaming.js';

beforeAll(() => stubAwslambda());
afterEach(() => vi.restoreAllMocks());

const ran: Array<{ name: string; args: readonly string[]; schedule: string | undefined }> = [];
let setups = 0;
const app = {
  fetch: (request: Request) => new Response(`http ${new URL(request.url).pathname}`),
  setup: () => {
    setups++;
  },
  tasks: {
    migrate: (args: readonly string[], context: TaskContext) => {
      ran.push({ name: 'migrate', args, schedule: context.schedule });
      const raw = context.raw as { context: { awsRequestId: string } };
      return { migrated: args.length, platform: context.platform, requestId: raw.context.awsRequestId, setups };
    },
    quiet: () => undefined,
    wait: (_args: readonly string[], context: TaskContext) =>
      new Promise((resolve) => context.signal.addEventListener('abort', () => resolve(`aborted: ${String(context.signal.reason)}`))),
    boom: () => {
      throw new TypeError('the migration broke');
    },
  },
} satisfies App;

const handler = toBufferedHandler(app) as (event: unknown, context: unknown) => Promise<any>;

describe('the task event on Lambda', () => {
  it('runs the task after setup and answers with its result', async () => {
    ran.length = 0;
    expect(await handler(taskEvent('migrate', ['a', 'b'], 'nightly'), lambdaContext())).toEqual({
      migrated: 2,
      platform: 'lambda',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      setups: 1,
    });
    expect(ran).toEqual([{ name: 'migrate', args: ['a', 'b'], schedule: 'nightly' }]);
    expect(await handler(taskEvent('quiet'), lambdaContext())).toBeNull();
  });

  it('is a function error for an unknown task, naming the known ones', async () => {
    // the code as the error's name: Lambda's errorType, which `adapt run --target lambda` reads for its exit code
    await expect(handler(taskEvent('migrat'), lambdaContext())).rejects.toMatchObject({
      name: 'UNKNOWN_TASK',
      message: 'unknown task "migrat"; known tasks: migrate, quiet, wait, boom',
    });
  });

  it("is a function error with the task's own message when it throws", async () => {
    await expect(handler(taskEvent('boom'), lambdaContext())).rejects.toThrow(new TypeError('the migration broke'));
  });

  it('is a function error for a malformed task event', async () => {
    await expect(handler({ 'adapt:task': { name: 'migrate', args: [1] } }, lambdaContext())).rejects.toMatchObject({
      name: 'BAD_TASK_EVENT',
      message: expect.stringMatching(/^a task event is \{ "adapt:task"/),
    });
  });

  it("aborts the task's signal before the invocation's deadline", async () => {
    expect(await handler(taskEvent('wait'), lambdaContext(1_200))).toMatch(/^aborted: TimeoutError: the Lambda invocation times out in \d+ ms$/);
  });

  it('answers on the streaming handler too, as JSON on the stream', async () => {
    const streamed = toLambdaHandler(app, { streaming: true }) as unknown as (event: unknown, context: unknown) => Promise<StreamedOutput>;
    const out = await streamed(taskEvent('migrate', ['x']), lambdaContext());
    expect(JSON.parse(out.body.toString())).toMatchObject({ migrated: 1, platform: 'lambda' });
  });
});

describe('a task is never reachable through HTTP', () => {
  const sources: SourceKind[] = ['apigw-v1', 'apigw-v2', 'function-url', 'alb', 'alb-multi', 'lattice-v1', 'lattice-v2'];
  const body = JSON.stringify(taskEvent('boom'));
  for (const source of sources) {
    it(`${source}: a request naming a task in its path, query and body is an HTTP request`, async () => {
      ran.length = 0;
      const event = buildEvent(source, {
        method: 'POST',
        path: '/adapt:task/boom?adapt:task=boom',
        headers: [
          ['content-type', 'application/json'],
          ['adapt-task', 'boom'],
        ],
        body,
      });
      const response = resultToResponse(source, await handler(event, lambdaContext()));
      expect(response.status).toBe(200);
      expect(Buffer.from(response.body).toString()).toBe('http /adapt:task/boom');
      expect(ran).toEqual([]);
    });
  }

  it('an HTTP event with an "adapt:task" key beside its own is still HTTP', async () => {
    const event = { ...buildEvent('function-url', { method: 'GET', path: '/x' }), 'adapt:task': { name: 'boom' } };
    expect(resultToResponse('function-url', await handler(event, lambdaContext())).status).toBe(200);
  });

  it("none of AWS's sample events is a task event", async () => {
    const { eventTask } = await import('../src/task-event.js');
    const fixtures = loadFixtures();
    expect(fixtures.length).toBeGreaterThan(80);
    for (const fixture of fixtures) expect(eventTask(fixture.event), fixture.file).toBeUndefined();
  });
});
