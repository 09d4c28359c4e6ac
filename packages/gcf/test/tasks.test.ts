/**
 * Tasks at run time, through the real functions-framework (the `adaptTasks` function with
 * --signature-type=cloudevent, handed Pub/Sub CloudEvents as Eventarc pushes them) and the App
 * Engine server run as App Engine runs it. A task event from anywhere else never runs a task.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, sendJson, text } from './helpers/client.js';
import { buildBundle, startAppEngine, startFramework, type RunningServer } from './helpers/processes.js';

const taskData = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64');

/** A Pub/Sub message as Eventarc delivers it to a Cloud Run function (binary content mode). */
function pubsubEvent(data: string, type = 'google.cloud.pubsub.topic.v1.messagePublished'): { headers: Array<[string, string]>; body: string } {
  return {
    headers: [
      ['content-type', 'application/json'],
      ['ce-specversion', '1.0'],
      ['ce-id', 'message-1'],
      ['ce-source', '//pubsub.googleapis.com/projects/adapt-test-project/topics/shop-dev-tasks'],
      ['ce-type', type],
    ],
    body: JSON.stringify({
      message: { data, messageId: 'message-1', publishTime: '2026-01-01T00:00:00Z' },
      subscription: 'projects/adapt-test-project/subscriptions/eventarc-sub',
    }),
  };
}

let gcfBundle: Awaited<ReturnType<typeof buildBundle>>;
let gaeBundle: Awaited<ReturnType<typeof buildBundle>>;

beforeAll(async () => {
  gcfBundle = await buildBundle('tasks-entry.ts');
  gaeBundle = await buildBundle('tasks-app-engine-entry.ts');
}, 60_000);
afterAll(() => {
  gcfBundle?.remove();
  gaeBundle?.remove();
});

describe('the adaptTasks function under functions-framework (cloudevent)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startFramework(gcfBundle.dir, 'adaptTasks', { args: ['--signature-type=cloudevent'] });
  });
  afterAll(() => server?.stop());

  it('runs the task a Pub/Sub message carries, after setup(), and logs its result as one JSON line', async () => {
    const event = pubsubEvent(taskData({ 'adapt:task': { name: 'hello', args: ['a', 'b'], schedule: 'nightly' } }));
    const answer = await send(server.url, '/', { method: 'POST', headers: event.headers, body: event.body });
    expect(answer.status).toBe(200);
    const output = await server.waitForOutput('"adapt:task":"hello"');
    const line = output.split('\n').find((item) => item.includes('"adapt:task":"hello"'))!;
    expect(JSON.parse(line)).toMatchObject({ severity: 'INFO', result: { args: ['a', 'b'], platform: 'gcf', schedule: 'nightly', setups: 1, runs: 1 } });
  });

  it('an unknown task fails the delivery, naming the known tasks', async () => {
    const event = pubsubEvent(taskData({ 'adapt:task': { name: 'helo', args: [] } }));
    const answer = await send(server.url, '/', { method: 'POST', headers: event.headers, body: event.body });
    expect(answer.status).toBe(500);
    expect(await server.waitForOutput('known tasks: hello, fail')).toContain('unknown task "helo"');
  });

  it('a task that throws fails the delivery and logs why', async () => {
    const event = pubsubEvent(taskData({ 'adapt:task': { name: 'fail', args: [] } }));
    const answer = await send(server.url, '/', { method: 'POST', headers: event.headers, body: event.body });
    expect(answer.status).toBe(500);
    expect(await server.waitForOutput('the fail task failed on purpose')).toContain('task fail');
  });

  it('refuses a message that is not a task event, and any CloudEvent that is not a Pub/Sub message', async () => {
    const notTask = pubsubEvent(taskData({ name: 'hello' }));
    expect((await send(server.url, '/', { method: 'POST', headers: notTask.headers, body: notTask.body })).status).toBe(500);
    expect(await server.waitForOutput('is not a task event')).toContain('Publish it with adapt run');
    const storage = pubsubEvent(taskData({ 'adapt:task': { name: 'hello', args: [] } }), 'google.cloud.storage.object.v1.finalized');
    expect((await send(server.url, '/', { method: 'POST', headers: storage.headers, body: storage.body })).status).toBe(500);
    expect(await server.waitForOutput('only runs Pub/Sub messages')).toContain('google.cloud.storage.object.v1.finalized');
    // neither ran the task: the next run is the second one
    const event = pubsubEvent(taskData({ 'adapt:task': { name: 'hello', args: [] } }));
    expect((await send(server.url, '/', { method: 'POST', headers: event.headers, body: event.body })).status).toBe(200);
    await server.waitForOutput('"runs":2');
  });
});

describe('the HTTP function never runs a task', () => {
  it('a task event POSTed to the public function is a request for the app', async () => {
    const server = await startFramework(gcfBundle.dir, 'adapt');
    try {
      const body = JSON.stringify({ 'adapt:task': { name: 'hello', args: [] } });
      const answer = await send(server.url, '/', { method: 'POST', headers: [['content-type', 'application/json']], body });
      expect(answer.status).toBe(200);
      expect(text(answer.body)).toBe(`fetch POST / ${body}`);
      expect(server.output()).not.toContain('"adapt:task":"hello"');
    } finally {
      await server.stop();
    }
  });
});

describe('App Engine: /_adapt/tasks/<task>', () => {
  const event = JSON.stringify({ 'adapt:task': { name: 'hello', args: ['x'], schedule: 'nightly' } });
  const cron: [string, string] = ['x-appengine-cron', 'true'];
  const json: [string, string] = ['content-type', 'application/json'];

  describe('on App Engine (GAE_ENV=standard)', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startAppEngine(gaeBundle.dir);
    });
    afterAll(() => server?.stop());

    it("runs the task for App Engine's own requests (X-Appengine-Cron, X-AppEngine-QueueName) and answers its result", async () => {
      const first = await sendJson(server.url, '/_adapt/tasks/hello', { method: 'POST', headers: [json, cron], body: event });
      expect(first).toMatchObject({ status: 200, json: { result: { args: ['x'], platform: 'app-engine', schedule: 'nightly', setups: 1, runs: 1 } } });
      const queued = await sendJson(server.url, '/_adapt/tasks/hello', { method: 'POST', headers: [json, ['x-appengine-queuename', '__cron']], body: event });
      expect(queued).toMatchObject({ status: 200, json: { result: { runs: 2 } } });
    });

    it('anyone else gets a 404 on that path, and the app never sees it', async () => {
      const answer = await send(server.url, '/_adapt/tasks/hello', { method: 'POST', headers: [json, ['x-cloudscheduler', 'true']], body: event });
      expect(answer.status).toBe(404);
      expect(text(answer.body)).not.toContain('fetch');
      // the rest of the app is untouched
      expect(text((await send(server.url, '/other')).body)).toBe('fetch GET /other ');
    });

    it('an unknown task, a body that is not a task event, a path that names another task: 400 with why; GET: 405', async () => {
      const unknown = await sendJson(server.url, '/_adapt/tasks/nope', {
        method: 'POST',
        headers: [json, cron],
        body: JSON.stringify({ 'adapt:task': { name: 'nope', args: [] } }),
      });
      expect(unknown).toMatchObject({ status: 400, json: { error: 'unknown task "nope"; known tasks: hello, fail' } });
      const notEvent = await sendJson(server.url, '/_adapt/tasks/hello', { method: 'POST', headers: [json, cron], body: '{"name":"hello"}' });
      expect(notEvent.status).toBe(400);
      expect(notEvent.json.error).toContain('not a task event');
      const other = await sendJson(server.url, '/_adapt/tasks/fail', { method: 'POST', headers: [json, cron], body: event });
      expect(other).toMatchObject({ status: 400, json: { error: 'the path names task "fail" but the body names "hello"' } });
      const get = await send(server.url, '/_adapt/tasks/hello', { headers: [cron] });
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
    });

    it('a task that throws: 500 (Cloud Scheduler retries it), the message in the log only', async () => {
      const answer = await sendJson(server.url, '/_adapt/tasks/fail', {
        method: 'POST',
        headers: [json, cron],
        body: JSON.stringify({ 'adapt:task': { name: 'fail', args: [] } }),
      });
      expect(answer.status).toBe(500);
      expect(JSON.stringify(answer.json)).not.toContain('on purpose');
      await server.waitForOutput('the fail task failed on purpose');
    });
  });

  it('elsewhere (no GAE_ENV) nothing strips X-Appengine-* headers, so a forged one is refused: 404', async () => {
    const server = await startAppEngine(gaeBundle.dir, { GAE_ENV: '' });
    try {
      const answer = await send(server.url, '/_adapt/tasks/hello', { method: 'POST', headers: [json, cron], body: event });
      expect(answer.status).toBe(404);
      expect(server.output()).not.toContain('"adapt:task":"hello"');
    } finally {
      await server.stop();
    }
  });
});
