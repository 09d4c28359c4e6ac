/**
 * `adapt deploy --target lambda` with the app's schedules, against moto's EventBridge Scheduler
 * and IAM through the real SDK: schedules created, changed and removed, each read back; --dry-run
 * showing the diff and changing nothing; a schedule EventBridge would refuse stopping the deploy
 * before any call. moto 5.2.1 stores schedules without validating expressions, timezones or
 * roles and never fires them: the validation under test is adapt's own, before any call.
 */
import { GetRoleCommand, GetRolePolicyCommand, ListRolesCommand, type IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { GetScheduleCommand, GetScheduleGroupCommand, ListScheduleGroupsCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { isAdaptError, type AdaptConfig } from '@adapt/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LambdaDeployResult, LambdaListResult } from '../src/tooling/index.js';
import { requireComponent } from '../../../test/components.js';
import { fastTarget, queueSmokeAnswer, readers, region, useLocalCredentials } from './deploy/aws.js';
import { buildFixture } from './deploy/build.js';
import { fixtureProject, recordingLogger, type FixtureProject } from './deploy/context.js';
import { startMoto, type Moto } from './deploy/moto.js';
import { startFaultProxy, type FaultProxy } from './deploy/proxy.js';

const target = fastTarget();
const readOnly = /^(Get|List|iam:Get|iam:List)/;
const fn = 'fixture-app-prod';
const group = 'adapt-fixture-app-prod';

function appWith(schedules: Record<string, unknown>): string {
  return [
    'export default {',
    "  async fetch(request) { return new Response('ok ' + new URL(request.url).pathname); },",
    '  tasks: { report: (args) => ({ report: args }), cleanup: () => "clean" },',
    `  schedules: ${JSON.stringify(schedules)},`,
    '};',
    '',
  ].join('\n');
}

describe('schedules on EventBridge Scheduler (moto)', { timeout: 120_000 }, () => {
  const motoHere = requireComponent('moto');
  let moto: Moto;
  let proxy: FaultProxy;
  let project: FixtureProject;
  let lambda: LambdaClient;
  let iam: IAMClient;
  let scheduler: SchedulerClient;
  let config: AdaptConfig;

  const ctx = (log = recordingLogger()) => project.context({ config, stage: 'prod', log });
  async function deploy(schedules: Record<string, unknown>, options: { dryRun?: boolean; log?: ReturnType<typeof recordingLogger> } = {}) {
    await project.writeApp(appWith(schedules));
    const context = ctx(options.log);
    await buildFixture(context);
    if (!options.dryRun) await queueSmokeAnswer(target, context, (results) => moto.queueInvokeResults(results));
    proxy.clear();
    return (await target.deploy!(context, { dryRun: options.dryRun ?? false })) as LambdaDeployResult;
  }
  const read = (name: string) => scheduler.send(new GetScheduleCommand({ GroupName: group, Name: name }));
  const names = async () => ((await scheduler.send(new ListSchedulesCommand({ GroupName: group }))).Schedules ?? []).map((s) => s.Name).sort();
  const groups = async () => ((await scheduler.send(new ListScheduleGroupsCommand({}))).ScheduleGroups ?? []).map((g) => g.Name).sort();

  beforeAll(async () => {
    if (!motoHere) return;
    useLocalCredentials();
    moto = await startMoto();
    proxy = await startFaultProxy(moto.endpoint);
    ({ lambda, iam } = readers(moto.endpoint));
    scheduler = new SchedulerClient({ region, endpoint: moto.endpoint });
    project = await fixtureProject(appWith({}));
    config = { stages: { prod: {} }, targets: { lambda: { region, endpoint: proxy.endpoint, timeout: 10 } } };
  });

  afterAll(async () => {
    lambda?.destroy();
    iam?.destroy();
    scheduler?.destroy();
    await proxy?.close();
    await moto?.stop();
    await project?.remove();
  });

  test.each([
    [
      { bad: { cron: '0 3 1 * MON', task: 'report' } },
      'SCHEDULE_SYNTAX',
      'schedule "bad": cron "0 3 1 * MON" fires on day-of-month 1 or day-of-week MON; EventBridge cannot restrict both day fields',
    ],
    [{ bad: { cron: 'cron(0 3 * * * *)', task: 'report' } }, 'SCHEDULE_SYNTAX', 'one of day-of-month and day-of-week must be ? and the other set (neither is ?)'],
    [{ bad: { cron: '0 25 * * *', task: 'report' } }, 'SCHEDULE_SYNTAX', 'schedule "bad": cron "0 25 * * *": hour 25 in "25" is out of range 0-23'],
    [{ bad: { rate: '30 seconds', task: 'report' } }, 'SCHEDULE_SYNTAX', 'the shortest rate is 1 minute'],
    [{ bad: { rate: '1 hour', task: 'report', timezone: 'Mars/Olympus' } }, 'SCHEDULE_SYNTAX', 'schedule "bad": timezone "Mars/Olympus" is not a known IANA timezone'],
    [{ bad: { rate: '1 hour', task: 'nope' } }, 'BAD_SCHEDULES', 'schedule "bad": task "nope" is not one of the app\'s tasks (report, cleanup)'],
    [{ bad: { cron: '0 3 * * *', rate: '1 hour', task: 'report' } }, 'BAD_SCHEDULES', 'schedule "bad": give exactly one of cron and rate'],
    [{ bad: { task: 'report' } }, 'BAD_SCHEDULES', 'schedule "bad": give exactly one of cron and rate'],
    [
      { ok: { rate: '1 hour', task: 'report' }, one: { cron: '0 0 * * 8', task: 'report' }, two: { rate: '2 hour', task: 'cleanup' } },
      'SCHEDULE_SYNTAX',
      '2 schedules cannot run on EventBridge Scheduler:\n  schedule "one": cron "0 0 * * 8": day-of-week 8 in "8" is out of range 0-7\n  schedule "two": rate "2 hour": write "2 hours" (plural above 1)',
    ],
  ])('a schedule EventBridge refuses stops the deploy before any call: %j', async (schedules, code, message) => {
    if (!motoHere) return;
    const error = await deploy(schedules).catch((caught: unknown) => caught);
    expect(isAdaptError(error) && error.code).toBe(code);
    expect(isAdaptError(error) && error.message).toContain(message);
    expect(isAdaptError(error) && error.hint).toMatch(/\S/);
    expect(proxy.names()).toEqual([]);
    await expect(lambda.send(new GetFunctionCommand({ FunctionName: fn }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((role) => role.RoleName)).toEqual([]);
    expect(await groups()).toEqual(['default']);
  });

  test('a first deploy creates the group, the scheduler role and each schedule, targeting the alias with the task event', async () => {
    if (!motoHere) return;
    const log = recordingLogger();
    const result = await deploy(
      {
        nightly: { cron: '0 3 * * *', task: 'report', args: ['daily', '--full'], timezone: 'Europe/Paris', description: 'the nightly report' },
        often: { rate: '15 minutes', task: 'cleanup' },
        paused: { cron: '*/10 8-18 * * MON-FRI', task: 'cleanup', enabled: false },
      },
      { log },
    );
    expect(result.schedules).toEqual({
      group,
      role: 'fixture-app-prod-scheduler',
      changes: [
        { name: 'nightly', action: 'create', expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Paris', task: 'report' },
        { name: 'often', action: 'create', expression: 'rate(15 minutes)', timezone: 'UTC', task: 'cleanup' },
        { name: 'paused', action: 'create', expression: 'cron(0/10 8-18 ? * 2-6 *)', timezone: 'UTC', task: 'cleanup' },
      ],
    });
    const aliasArn = result.aliasArn as string;
    expect(aliasArn).toMatch(/:function:fixture-app-prod:live$/);

    const nightly = await read('nightly');
    expect(nightly).toMatchObject({
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      Description: 'the nightly report',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: aliasArn, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } },
    });
    expect(JSON.parse(nightly.Target?.Input ?? '')).toEqual({ 'adapt:task': { name: 'report', args: ['daily', '--full'], schedule: 'nightly' } });
    expect((await read('often')).ScheduleExpression).toBe('rate(15 minutes)');
    expect((await read('paused')).State).toBe('DISABLED');
    expect(await names()).toEqual(['nightly', 'often', 'paused']);
    expect((await scheduler.send(new GetScheduleGroupCommand({ Name: group }))).Name).toBe(group);

    const role = await iam.send(new GetRoleCommand({ RoleName: 'fixture-app-prod-scheduler' }));
    expect(nightly.Target?.RoleArn).toBe(role.Role?.Arn);
    const trust = JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '')) as { Statement: { Principal: unknown; Condition: unknown }[] };
    expect(trust.Statement[0]?.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(trust.Statement[0]?.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': aliasArn.split(':')[4] } });
    const policy = await iam.send(new GetRolePolicyCommand({ RoleName: 'fixture-app-prod-scheduler', PolicyName: 'adapt-invoke-alias' }));
    expect(JSON.parse(decodeURIComponent(policy.PolicyDocument ?? ''))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: aliasArn }],
    });
    // the schedules change only after the smoke test passed
    const calls = proxy.names();
    expect(calls.indexOf('CreateScheduleGroup')).toBeGreaterThan(calls.indexOf('Invoke'));
    expect(calls.filter((call) => call === 'CreateSchedule')).toHaveLength(3);
    expect(log.text()).toContain('+ nightly (create)  cron(0 3 * * ? *) Europe/Paris -> task report');
  });

  test('the same schedules again: nothing written', async () => {
    if (!motoHere) return;
    const result = await deploy({
      nightly: { cron: '0 3 * * *', task: 'report', args: ['daily', '--full'], timezone: 'Europe/Paris', description: 'the nightly report' },
      often: { rate: '15 minutes', task: 'cleanup' },
      paused: { cron: '*/10 8-18 * * MON-FRI', task: 'cleanup', enabled: false },
    });
    expect(result.schedules?.changes.map((change) => change.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(proxy.names().filter((call) => !readOnly.test(call))).toEqual(['Invoke']);
  });

  test("--list shows the stage's schedules beside the versions: state, expression, time zone and task", async () => {
    if (!motoHere) return;
    const log = recordingLogger();
    const listed = (await target.list!(ctx(log), {})) as LambdaListResult;
    expect(listed.schedules?.group).toBe(group);
    const rows = (listed.schedules?.schedules ?? []).map((item) => [item.name, item.state, item.expression, item.timezone, item.task]).sort();
    expect(rows).toEqual([
      ['nightly', 'ENABLED', 'cron(0 3 * * ? *)', 'Europe/Paris', 'report'],
      ['often', 'ENABLED', 'rate(15 minutes)', 'UTC', 'cleanup'],
      ['paused', 'DISABLED', 'cron(0/10 8-18 ? * 2-6 *)', 'UTC', 'cleanup'],
    ]);
    expect(log.text()).toContain(`schedules in the group ${group}:`);
    expect(log.text()).toMatch(/nightly +ENABLED +cron\(0 3 \* \* \? \*\) +Europe\/Paris +-> task report/);
  });

  const changed = {
    nightly: { cron: '30 4 * * 1-5', task: 'report', args: ['weekday'], timezone: 'America/New_York', description: 'the nightly report' },
    paused: { cron: '*/10 8-18 * * MON-FRI', task: 'cleanup', enabled: false },
    monthly: { cron: 'cron(0 8 ? * 2#1 *)', task: 'report' },
  };

  test('--dry-run shows create, update and delete per schedule and changes nothing', async () => {
    if (!motoHere) return;
    const log = recordingLogger();
    const result = await deploy(changed, { dryRun: true, log });
    expect(result.dryRun).toBe(true);
    expect(result.schedules?.changes).toEqual([
      {
        name: 'nightly',
        action: 'update',
        expression: 'cron(30 4 ? * 2-6 *)',
        timezone: 'America/New_York',
        task: 'report',
        fields: [
          { field: 'ScheduleExpression', from: 'cron(0 3 * * ? *)', to: 'cron(30 4 ? * 2-6 *)' },
          { field: 'ScheduleExpressionTimezone', from: 'Europe/Paris', to: 'America/New_York' },
          {
            field: 'Target.Input',
            from: '{"adapt:task":{"name":"report","args":["daily","--full"],"schedule":"nightly"}}',
            to: '{"adapt:task":{"name":"report","args":["weekday"],"schedule":"nightly"}}',
          },
        ],
      },
      { name: 'paused', action: 'unchanged', expression: 'cron(0/10 8-18 ? * 2-6 *)', timezone: 'UTC', task: 'cleanup' },
      { name: 'monthly', action: 'create', expression: 'cron(0 8 ? * 2#1 *)', timezone: 'UTC', task: 'report' },
      { name: 'often', action: 'delete' },
    ]);
    expect(result.calls?.filter((call) => call.call.startsWith('scheduler:'))).toEqual([
      { call: 'scheduler:UpdateSchedule', detail: `${group}/nightly` },
      { call: 'scheduler:CreateSchedule', detail: `${group}/monthly` },
      { call: 'scheduler:DeleteSchedule', detail: `${group}/often` },
    ]);
    expect(log.text()).toContain('- often (delete)');
    expect(log.text()).toContain('      ScheduleExpression: "cron(0 3 * * ? *)" -> "cron(30 4 ? * 2-6 *)"');
    expect(proxy.names().filter((call) => !readOnly.test(call))).toEqual([]);
    expect(await names()).toEqual(['nightly', 'often', 'paused']);
    expect((await read('nightly')).ScheduleExpression).toBe('cron(0 3 * * ? *)');
  });

  test('the deploy makes those changes: updated, created and removed, read back', async () => {
    if (!motoHere) return;
    await deploy(changed);
    expect(await names()).toEqual(['monthly', 'nightly', 'paused']);
    expect(await read('nightly')).toMatchObject({ ScheduleExpression: 'cron(30 4 ? * 2-6 *)', ScheduleExpressionTimezone: 'America/New_York' });
    expect(JSON.parse((await read('nightly')).Target?.Input ?? '')).toEqual({ 'adapt:task': { name: 'report', args: ['weekday'], schedule: 'nightly' } });
    expect((await read('monthly')).ScheduleExpression).toBe('cron(0 8 ? * 2#1 *)');
    await expect(read('often')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    const writes = proxy.names().filter((call) => !readOnly.test(call));
    expect(writes.filter((call) => /Schedule/.test(call))).toEqual(['UpdateSchedule', 'CreateSchedule', 'DeleteSchedule']);
  });

  test('a scheduler role IAM has not propagated yet: CreateSchedule is retried; a refused delete says what was done', async () => {
    if (!motoHere) return;
    const schedules = { ...changed, extra: { rate: '1 day', task: 'cleanup' } };
    await project.writeApp(appWith(schedules));
    const context = ctx();
    await buildFixture(context);
    await queueSmokeAnswer(target, context, (results) => moto.queueInvokeResults(results));
    proxy.clear();
    proxy.inject({
      call: 'CreateSchedule',
      error: { status: 400, type: 'ValidationException', message: 'The execution role you provide must allow AWS EventBridge Scheduler to assume the role.' },
    });
    await target.deploy!(context, { dryRun: false });
    expect(proxy.calls.filter((call) => call.name === 'CreateSchedule').map((call) => call.status)).toEqual([400, 200]);
    expect((await read('extra')).ScheduleExpression).toBe('rate(1 day)');

    await project.writeApp(appWith(changed));
    await buildFixture(context);
    await queueSmokeAnswer(target, context, (results) => moto.queueInvokeResults(results));
    proxy.clear();
    proxy.inject({ call: 'DeleteSchedule', error: { status: 403, type: 'AccessDeniedException', message: 'not allowed' } });
    const error = await target.deploy!(context, { dryRun: false }).catch((caught: unknown) => caught);
    expect(isAdaptError(error) && error.message).toBe('Deleting the schedule extra failed: scheduler:DeleteSchedule answered AccessDeniedException: not allowed');
    expect(isAdaptError(error) && error.hint).toContain('No schedule was changed.');
    expect((await read('extra')).ScheduleExpression).toBe('rate(1 day)');
    proxy.clear();
    await queueSmokeAnswer(target, context, (results) => moto.queueInvokeResults(results));
    await target.deploy!(context, { dryRun: false });
    await expect(read('extra')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  test('removing every schedule removes them and the group', async () => {
    if (!motoHere) return;
    const result = await deploy({});
    expect(result.schedules?.changes.map((change) => [change.name, change.action])).toEqual([
      ['monthly', 'delete'],
      ['nightly', 'delete'],
      ['paused', 'delete'],
    ]);
    expect(await groups()).toEqual(['default']);
    // the next deploy finds no group and writes nothing to Scheduler
    const again = await deploy({});
    expect(again.schedules).toEqual({ group, changes: [] });
    expect(proxy.names().filter((call) => /Schedule/.test(call))).toEqual(['GetScheduleGroup']);
  });
});
