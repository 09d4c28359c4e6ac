/**
 * Schedules and tasks on deploy, through Google's real client libraries (Cloud Scheduler v6,
 * Cloud Functions, google-auth-library for Pub/Sub) against the local server in google-api/: jobs
 * created, changed and removed and read back; the tasks function and its topic; bad schedules
 * refused before any call; `adapt run` publishing a task event that the built bundle's tasks
 * function then runs under the real functions-framework.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { v1 } from '@google-cloud/scheduler';
import type { TargetContext, TargetLogger } from '@adapt/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readAppManifest } from '../../cli/src/index.js';
import { runCli, tempProject, type TempProject } from '../../cli/test/helpers.js';
import { googleClients } from '../src/tooling/google.js';
import { createAppEngineTarget, createGcfTarget, resolveGoogleSettings, type GoogleRuntime } from '../src/tooling/index.js';
import { GoogleApi } from './google-api/server.js';
import { send } from './helpers/client.js';
import { startFramework } from './helpers/processes.js';

const project = 'adapt-test-project';
const region = 'europe-west1';
const parent = `projects/${project}/locations/${region}`;
const topic = `projects/${project}/topics/shop-dev-tasks`;

const appSource = (schedules: string) => `export default {
  fetch: () => new Response('http'),
  tasks: {
    hello: (args, context) => ({ args, platform: context.platform, schedule: context.schedule ?? null }),
    fail: () => { throw new Error('fail failed'); },
  },
  schedules: ${schedules},
};
`;

const firstSchedules = `{
  nightly: { cron: '0 3 * * *', task: 'hello', args: ['night'], timezone: 'Europe/Paris' },
  often: { rate: '15 minutes', task: 'hello' },
  resting: { cron: '30 2 * * MON-FRI', task: 'fail', enabled: false },
}`;

let dir: TempProject;
let api: GoogleApi;
let runtime: GoogleRuntime;
const savedEnv = { ...process.env };

function logger(lines: string[]): TargetLogger {
  return {
    info: (message) => lines.push(message),
    warn: (message) => lines.push(message),
    debug: () => undefined,
    step: async (title, run) => {
      lines.push(title);
      return run();
    },
  };
}

function context(target: 'gcf' | 'appengine', lines: string[] = []): TargetContext {
  const ctx: TargetContext = {
    cwd: dir.dir,
    entry: path.join(dir.dir, 'src/app.ts'),
    outDir: path.join(dir.dir, `.adapt/${target}`),
    stage: 'dev',
    settings: { project, region },
    config: {} as never,
    appName: 'shop',
    production: true,
    log: logger(lines),
    readAppManifest: () => readAppManifest(ctx),
  };
  return ctx;
}

const schedules = (text: string) => dir.write('src/app.ts', appSource(text));

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; hint?: string; exitCode?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; hint?: string; exitCode?: number };
  }
  throw new Error('expected a failure');
}

/** The jobs as Cloud Scheduler's own client reads them back (credentials and endpoint as deploy gets them). */
async function readBack(location = parent): Promise<Record<string, any>[]> {
  const clients = await googleClients(resolveGoogleSettings('gcf', context('gcf')), runtime);
  const client = new v1.CloudSchedulerClient(clients.clientOptions as never);
  try {
    const [jobs] = await client.listJobs({ parent: location });
    return JSON.parse(JSON.stringify(jobs)) as Record<string, any>[];
  } finally {
    await client.close();
  }
}

/** What the CLI hands runTask; the Google targets never run a built entry locally, so theirs refuses. */
const runOptions = (task: string, args: string[]) => ({
  task,
  args,
  runBuiltEntry: () => Promise.reject(new Error('the gcf and appengine targets never run a built entry locally')),
});

const decode = (data: string) => JSON.parse(Buffer.from(data, 'base64').toString('utf8'));

beforeAll(async () => {
  dir = tempProject(
    {
      'package.json': JSON.stringify({ name: 'shop', type: 'module' }),
      'adapt.config.mjs': `export default { targets: { gcf: { region: '${region}' }, appengine: { region: '${region}' } } };\n`,
      'src/app.ts': appSource(firstSchedules),
    },
    { linkModules: true },
  );
  for (const target of ['gcf', 'appengine']) {
    const result = await runCli(['build', '--target', target], { cwd: dir.dir });
    if (result.code !== 0) throw new Error(`adapt build failed:\n${result.stdout}\n${result.stderr}`);
  }
  api = new GoogleApi();
  api.appLocation = 'europe-west'; // App Engine's name for europe-west1
  const origin = await api.start();
  const adc = path.join(dir.dir, 'adc.json');
  writeFileSync(adc, JSON.stringify({ type: 'authorized_user', client_id: 'test-client', client_secret: 'test-secret', refresh_token: 'test-refresh' }));
  process.env.GOOGLE_APPLICATION_CREDENTIALS = adc;
  process.env.METADATA_SERVER_DETECTION = 'none';
  delete process.env.GOOGLE_CLOUD_PROJECT;
  runtime = { apiEndpoint: origin, pollMs: 5, historyDir: path.join(dir.dir, '.adapt/history') };
}, 180_000);

afterAll(async () => {
  process.env = savedEnv;
  await api?.stop();
  dir?.remove();
});

describe('adapt deploy --target gcf with tasks and schedules', { timeout: 90_000 }, () => {
  const target = () => createGcfTarget(runtime);
  const prefix = `${parent}/jobs/adapt--gcf--shop-dev--`;

  test('a bad schedule is refused before any call to Google: nothing is created', async () => {
    for (const [text, message] of [
      [`{ bad: { cron: '0 25 * * *', task: 'hello' } }`, 'hour'],
      [`{ bad: { rate: '7 minutes', task: 'hello' } }`, 'no exact Cloud Scheduler schedule'],
      [`{ bad: { cron: 'cron(0 3 * * ? *)', task: 'hello' } }`, 'EventBridge Scheduler syntax'],
      [`{ bad: { cron: '0 3 * * *', task: 'hello', timezone: 'Mars/Olympus' } }`, 'not a known IANA timezone'],
    ] as const) {
      schedules(text);
      api.calls.length = 0;
      const error = await failure(target().deploy!(context('gcf'), { dryRun: false }));
      expect(error.code).toBe('SCHEDULE_SYNTAX');
      expect(error.message).toContain('schedule "bad"');
      expect(error.message).toContain(message);
      expect(error.hint).toBeTruthy();
      expect(api.calls).toEqual([]);
    }
    expect(api.functions.size).toBe(0);
    expect(api.jobs.size).toBe(0);
  });

  test('--dry-run shows the jobs it would create, and creates nothing', async () => {
    schedules(firstSchedules);
    const lines: string[] = [];
    const result = (await target().deploy!(context('gcf', lines), { dryRun: true })) as Record<string, any>;
    expect(result.schedules.map((change: any) => `${change.action} ${change.job}`)).toEqual([
      'create adapt--gcf--shop-dev--nightly',
      'create adapt--gcf--shop-dev--often',
      'create adapt--gcf--shop-dev--resting',
      'pause adapt--gcf--shop-dev--resting',
    ]);
    expect(result.calls.map((call: any) => call.call)).toContain('pubsub topics.create');
    expect(lines).toContain('  create adapt--gcf--shop-dev--often  */15 * * * * (UTC), task hello');
    expect(api.callLines().every((line) => line.startsWith('GET '))).toBe(true);
    expect(api.jobs.size + api.functions.size + api.topics.size).toBe(0);
  });

  test('a deploy creates the topic, the tasks function and the jobs; read back through Cloud Scheduler', async () => {
    const result = (await target().deploy!(context('gcf'), { dryRun: false })) as Record<string, any>;
    expect(result.tasksFunction).toEqual({ name: 'shop-dev-tasks', topic, action: 'create' });
    expect(api.topics.has(topic)).toBe(true);
    const tasksFn = api.functions.get(`${parent}/functions/shop-dev-tasks`)!;
    expect(tasksFn.buildConfig).toMatchObject({ entryPoint: 'adaptTasks', source: api.functions.get(`${parent}/functions/shop-dev`)!.buildConfig.source });
    // the REST transport sends enums as numbers ($alt=json;enum-encoding=int): 2 is ALLOW_INTERNAL_ONLY, 1 RETRY_POLICY_DO_NOT_RETRY
    expect(tasksFn.serviceConfig.ingressSettings).toBe(2);
    expect(tasksFn.eventTrigger).toMatchObject({ eventType: 'google.cloud.pubsub.topic.v1.messagePublished', pubsubTopic: topic, retryPolicy: 1 });
    const jobs = await readBack();
    expect(jobs.map((job) => [job.name, job.schedule, job.timeZone, job.state])).toEqual([
      [`${prefix}nightly`, '0 3 * * *', 'Europe/Paris', 'ENABLED'],
      [`${prefix}often`, '*/15 * * * *', 'UTC', 'ENABLED'],
      [`${prefix}resting`, '30 2 * * MON-FRI', 'UTC', 'PAUSED'],
    ]);
    expect(jobs[0]!.pubsubTarget.topicName).toBe(topic);
    expect(decode(jobs[0]!.pubsubTarget.data)).toEqual({ 'adapt:task': { name: 'hello', args: ['night'], schedule: 'nightly' } });
    expect(jobs[0]!.retryConfig).toMatchObject({ retryCount: 3 });
  });

  test('--list shows the jobs beside the function: state, cron, time zone and the task each runs; reads only', async () => {
    api.calls.length = 0;
    const lines: string[] = [];
    const listed = (await target().list!(context('gcf', lines), {})) as Record<string, any>;
    expect(listed.schedules).toEqual([
      { job: 'adapt--gcf--shop-dev--nightly', state: 'ENABLED', schedule: '0 3 * * *', timeZone: 'Europe/Paris', task: 'hello', args: ['night'] },
      { job: 'adapt--gcf--shop-dev--often', state: 'ENABLED', schedule: '*/15 * * * *', timeZone: 'UTC', task: 'hello' },
      { job: 'adapt--gcf--shop-dev--resting', state: 'PAUSED', schedule: '30 2 * * MON-FRI', timeZone: 'UTC', task: 'fail' },
    ]);
    expect(api.callLines().filter((line) => !line.startsWith('GET '))).toEqual([]);
    expect(lines).toContain('  nightly              ENABLED   0 3 * * *            Europe/Paris       -> task hello night');
  });

  test('the same deploy again changes no job and no tasks function', async () => {
    const before = api.callLines().length;
    const result = (await target().deploy!(context('gcf'), { dryRun: false })) as Record<string, any>;
    expect(result.schedules).toEqual([]);
    expect(result.tasksFunction.action).toBe('none');
    expect(
      api
        .callLines()
        .slice(before)
        .filter((line) => !line.startsWith('GET ')),
    ).toEqual([]);
  });

  test('a changed cron is updated, a removed schedule deleted, a re-enabled one resumed; --dry-run first shows exactly that', async () => {
    schedules(`{
      nightly: { cron: '0 4 * * *', task: 'hello', args: ['night'], timezone: 'Europe/Paris' },
      resting: { cron: '30 2 * * MON-FRI', task: 'fail' },
    }`);
    const dry = (await target().deploy!(context('gcf'), { dryRun: true })) as Record<string, any>;
    const diff = dry.schedules.map((change: any) => `${change.action} ${change.job} ${change.detail}`);
    expect(diff).toEqual([
      'update adapt--gcf--shop-dev--nightly schedule',
      'resume adapt--gcf--shop-dev--resting enabled again',
      'delete adapt--gcf--shop-dev--often no longer declared',
    ]);
    expect((await readBack()).map((job) => job.schedule)).toEqual(['0 3 * * *', '*/15 * * * *', '30 2 * * MON-FRI']);
    const result = (await target().deploy!(context('gcf'), { dryRun: false })) as Record<string, any>;
    expect(result.schedules.map((change: any) => `${change.action} ${change.job} ${change.detail}`)).toEqual(diff);
    expect((await readBack()).map((job) => [job.name, job.schedule, job.state])).toEqual([
      [`${prefix}nightly`, '0 4 * * *', 'ENABLED'],
      [`${prefix}resting`, '30 2 * * MON-FRI', 'ENABLED'],
    ]);
  });

  test('a job call failing mid-way says what was already applied; the next deploy finishes the rest', async () => {
    schedules(`{ one: { cron: '0 1 * * *', task: 'hello' }, two: { cron: '0 2 * * *', task: 'hello' } }`);
    api.faults.push({
      match: /^POST \/v1\/projects\/[^/]+\/locations\/[^/]+\/jobs$/,
      skip: 1,
      status: 503,
      grpcStatus: 'UNAVAILABLE',
      message: 'The service is currently unavailable.',
    });
    const error = await failure(target().deploy!(context('gcf'), { dryRun: false }));
    expect(error.message).toContain('Cloud Scheduler create adapt--gcf--shop-dev--two failed (UNAVAILABLE)');
    expect(error.message).toContain('Already applied: create adapt--gcf--shop-dev--one. The other jobs are unchanged.');
    expect(error.hint).toContain('adapt deploy');
    await target().deploy!(context('gcf'), { dryRun: false });
    expect((await readBack()).map((job) => job.name.replace(prefix, ''))).toEqual(['one', 'two']);
  });

  test('adapt run --target gcf publishes the task event; the built tasks function runs it under functions-framework', async () => {
    schedules(firstSchedules);
    await target().deploy!(context('gcf'), { dryRun: false });
    const lines: string[] = [];
    const result = await target().runTask!(context('gcf', lines), runOptions('hello', ['from', 'cli']));
    expect(result).toMatchObject({ result: null, delivered: 'pubsub', topic, function: 'shop-dev-tasks' });
    expect(result.logs).toBe(`gcloud functions logs read shop-dev-tasks --region ${region} --project ${project}`);
    expect(lines.some((line) => line.includes('Pub/Sub brings no answer back'))).toBe(true);
    // a scheduled run: Cloud Scheduler's jobs.run publishes the job's message
    expect(api.runJob(`${prefix}nightly`)).toBeUndefined();
    const [published, scheduled] = api.topics.get(topic)!.messages;
    expect(published!.messageId).toBe(result.messageId);
    const framework = await startFramework(path.join(dir.dir, '.adapt/gcf'), 'adaptTasks', { args: ['--signature-type=cloudevent'] });
    try {
      for (const message of [published!, scheduled!]) {
        const answer = await send(framework.url, '/', {
          method: 'POST',
          headers: [
            ['content-type', 'application/json'],
            ['ce-specversion', '1.0'],
            ['ce-id', message.messageId],
            ['ce-source', `//pubsub.googleapis.com/${topic}`],
            ['ce-type', 'google.cloud.pubsub.topic.v1.messagePublished'],
          ],
          body: JSON.stringify({ message, subscription: `projects/${project}/subscriptions/eventarc` }),
        });
        expect(answer.status).toBe(200);
      }
      await framework.waitForOutput('"schedule":"nightly"');
      const results = framework
        .output()
        .split('\n')
        .filter((line) => line.includes('"adapt:task":"hello"'))
        .map((line) => JSON.parse(line).result);
      expect(results).toEqual([
        { args: ['from', 'cli'], platform: 'gcf', schedule: null },
        { args: ['night'], platform: 'gcf', schedule: 'nightly' },
      ]);
    } finally {
      await framework.stop();
    }
  });

  test('adapt run with an unknown task: exit code 2, the known tasks, nothing published', async () => {
    const before = api.topics.get(topic)!.messages.length;
    const error = await failure(target().runTask!(context('gcf'), runOptions('helo', [])));
    expect(error).toMatchObject({ code: 'UNKNOWN_TASK', exitCode: 2, message: 'unknown task "helo"; known tasks: hello, fail' });
    expect(api.topics.get(topic)!.messages.length).toBe(before);
  });
});

describe('through the CLI (adapt deploy --dry-run --json, adapt run --target gcf)', { timeout: 90_000 }, () => {
  const cli = (args: string[]) => runCli(args, { cwd: dir.dir });
  beforeAll(() => {
    dir.write('adapt.config.mjs', `export default { targets: { gcf: { region: '${region}', project: '${project}', apiEndpoint: '${api.origin}' } } };\n`);
  });
  afterAll(() => {
    dir.write('adapt.config.mjs', `export default { targets: { gcf: { region: '${region}' }, appengine: { region: '${region}' } } };\n`);
  });

  test('adapt deploy --target gcf --dry-run --json: the jobs diff in the JSON, nothing changed', async () => {
    schedules(`{ nightly: { cron: '0 5 * * *', task: 'hello', args: ['night'], timezone: 'Europe/Paris' } }`);
    const jobsBefore = JSON.stringify([...api.jobs.values()]);
    const run = await cli(['deploy', '--target', 'gcf', '--dry-run', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    // adapt deploy builds first: the app changed, so both functions would get the new source
    expect(result).toMatchObject({ target: 'gcf', dryRun: true, action: 'update', tasksFunction: { name: 'shop-dev-tasks', action: 'update' } });
    expect(result.schedules.map((change: any) => `${change.action} ${change.job} ${change.detail}`)).toEqual([
      'update adapt--gcf--shop-dev--nightly schedule',
      'delete adapt--gcf--shop-dev--often no longer declared',
      'delete adapt--gcf--shop-dev--resting no longer declared',
    ]);
    expect(JSON.stringify([...api.jobs.values()])).toBe(jobsBefore);
  });

  test('adapt run hello --target gcf --json prints the message id and where the result is logged; an unknown task exits 2', async () => {
    const before = api.topics.get(topic)!.messages.length;
    const run = await cli(['run', 'hello', 'x', '--target', 'gcf', '--json']);
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(answer).toMatchObject({ ok: true, task: 'hello', args: ['x'], target: 'gcf', result: null, delivered: 'pubsub', topic });
    const message = api.topics.get(topic)!.messages[before]!;
    expect(message.messageId).toBe(answer.messageId);
    expect(decode(message.data)).toEqual({ 'adapt:task': { name: 'hello', args: ['x'] } });
    const unknown = await cli(['run', 'helo', '--target', 'gcf', '--json']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TASK', message: 'unknown task "helo"; known tasks: hello, fail' } });
  });

  test('adapt deploy --target gcf with a cron Cloud Scheduler rejects: exit 1, the schedule named, no call made', async () => {
    schedules(`{ nightly: { cron: '0 3 * * 8', task: 'hello' } }`);
    api.calls.length = 0;
    const run = await cli(['deploy', '--target', 'gcf']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('schedule "nightly"');
    expect(api.callLines()).toEqual([]);
  });
});

describe('adapt deploy --target appengine with schedules', { timeout: 90_000 }, () => {
  const target = () => createAppEngineTarget(runtime);
  const prefix = `${parent}/jobs/adapt--appengine--shop-dev--`;

  test("jobs are App Engine HTTP targets: POST /_adapt/tasks/<task> with the task event, routed to the app's service", async () => {
    schedules(firstSchedules);
    const result = (await target().deploy!(context('appengine'), { dryRun: false })) as Record<string, any>;
    expect(result.schedules.filter((change: any) => change.action === 'create')).toHaveLength(3);
    const jobs = (await readBack()).filter((job) => job.name.startsWith(prefix));
    expect(jobs.map((job) => job.name.replace(prefix, ''))).toEqual(['nightly', 'often', 'resting']);
    expect(jobs[0]!.appEngineHttpTarget).toMatchObject({
      httpMethod: 'POST',
      relativeUri: '/_adapt/tasks/hello',
      appEngineRouting: { service: 'default' },
      headers: { 'Content-Type': 'application/json' },
    });
    expect(decode(jobs[0]!.appEngineHttpTarget.body)).toEqual({ 'adapt:task': { name: 'hello', args: ['night'], schedule: 'nightly' } });
    // the gcf target's jobs are its own: untouched
    expect((await readBack()).filter((job) => job.name.includes('--gcf--'))).toHaveLength(3);
    // and --list shows this target's jobs only
    const listed = (await target().list!(context('appengine'), {})) as Record<string, any>;
    expect(listed.schedules.map((job: any) => [job.job, job.task])).toEqual([
      ['adapt--appengine--shop-dev--nightly', 'hello'],
      ['adapt--appengine--shop-dev--often', 'hello'],
      ['adapt--appengine--shop-dev--resting', 'fail'],
    ]);
  });

  test('adapt run --target appengine runs the schedule that has the same task and arguments (jobs.run); anything else is refused with why', async () => {
    api.calls.length = 0;
    const result = await target().runTask!(context('appengine'), runOptions('hello', ['night']));
    expect(result).toMatchObject({ result: null, delivered: 'cloud-scheduler', job: 'adapt--appengine--shop-dev--nightly', schedule: 'nightly' });
    expect(api.callLines()).toEqual([`GET /v1/apps/${project}`, `POST /v1/${prefix}nightly:run`]);
    const error = await failure(target().runTask!(context('appengine'), runOptions('hello', ['other'])));
    expect(error).toMatchObject({ code: 'NOT_SUPPORTED', exitCode: 2 });
    expect(error.message).toContain('App Engine runs a task only for its own requests');
    expect(error.hint).toContain('adapt run hello');
  });
});

describe('adapt deploy --target gcf once the app declares no tasks', { timeout: 90_000 }, () => {
  test('the tasks function adapt made is deleted (a dry run first only says so); the topic stays; the next deploy finds nothing to delete', async () => {
    const target = createGcfTarget(runtime);
    const tasksName = `${parent}/functions/shop-dev-tasks`;
    expect(api.functions.has(tasksName)).toBe(true);
    dir.write('src/app.ts', "export default { fetch: () => new Response('http') };\n");
    const dry = (await target.deploy!(context('gcf'), { dryRun: true })) as Record<string, any>;
    expect(dry.tasksFunction).toEqual({ name: 'shop-dev-tasks', topic, action: 'delete' });
    expect(dry.calls.map((call: any) => call.call)).toContain('DeleteFunction');
    expect(api.functions.has(tasksName)).toBe(true);
    const lines: string[] = [];
    const result = (await target.deploy!(context('gcf', lines), { dryRun: false })) as Record<string, any>;
    expect(result.tasksFunction).toEqual({ name: 'shop-dev-tasks', topic, action: 'delete' });
    expect(api.functions.has(tasksName)).toBe(false);
    expect(api.topics.has(topic)).toBe(true);
    expect(lines).toContain(`The topic ${topic} stays; delete it once nothing uses it: gcloud pubsub topics delete shop-dev-tasks --project ${project}`);
    // the schedules went with the tasks: no job of this app and stage is left
    expect((await readBack()).filter((job) => job.name.includes('adapt--gcf--shop-dev--'))).toEqual([]);
    const again = (await target.deploy!(context('gcf'), { dryRun: false })) as Record<string, any>;
    expect(again.tasksFunction).toBeUndefined();
  });
});
