/**
 * The app's schedules as EventBridge Scheduler schedules in one group per app and stage
 * (schedule-specs.ts names it): the plan reads the group and diffs it with the specs (create,
 * update, delete, unchanged per schedule); the apply step makes exactly those calls. A schedule in
 * the group that the app no longer declares is deleted; with none left, the group goes too.
 * The SDK (@aws-sdk/client-scheduler) is imported here, only when a deploy gets this far.
 */
import { importSdk, isAdaptError } from '@adapt/core';
import type { GetScheduleCommandOutput, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { AwsClients } from '../aws.js';
import { awsErrorName, awsStepError } from '../errors.js';
import { withRetry, type BackoffOptions, type Sleep } from '../retry.js';
import { isNotFound } from './_state.js';
import { scheduleRetryPolicy, type ScheduleSpec } from './schedule-specs.js';

export type SchedulerSdk = typeof import('@aws-sdk/client-scheduler');

export interface Scheduler {
  sdk: SchedulerSdk;
  client: SchedulerClient;
}

export interface ScheduleFieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface ScheduleChange {
  name: string;
  action: 'create' | 'update' | 'delete' | 'unchanged';
  expression?: string;
  timezone?: string;
  task?: string;
  /** With update: what differs. */
  fields?: ScheduleFieldChange[];
}

export interface SchedulePlan {
  group: string;
  groupExists: boolean;
  /** No schedule left: the group is deleted after its schedules. */
  deleteGroup: boolean;
  changes: ScheduleChange[];
}

/** Imports the Scheduler SDK; undefined when it is absent and not needed (the app has no schedules). */
export async function loadScheduler(clients: AwsClients, needed: boolean): Promise<Scheduler | undefined> {
  let sdk: SchedulerSdk;
  try {
    sdk = await importSdk('@aws-sdk/client-scheduler', () => import('@aws-sdk/client-scheduler'), {
      purpose: 'The app declares schedules, and deploying them',
      install: 'npm install --save-dev @aws-sdk/client-scheduler (nothing was changed)',
    });
  } catch (error) {
    if (!needed && isAdaptError(error) && error.code === 'SDK_MISSING') return undefined;
    throw error;
  }
  const client = new sdk.SchedulerClient({ region: clients.region, ...(clients.endpoint ? { endpoint: clients.endpoint } : {}) });
  return { sdk, client };
}

async function readGroup(scheduler: Scheduler, group: string): Promise<Map<string, GetScheduleCommandOutput> | undefined> {
  const { sdk, client } = scheduler;
  try {
    await client.send(new sdk.GetScheduleGroupCommand({ Name: group }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw awsStepError('Reading the schedule group', 'scheduler:GetScheduleGroup', error, 'Nothing was changed.');
  }
  const names: string[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await client.send(new sdk.ListSchedulesCommand({ GroupName: group, NextToken: token }));
      for (const item of page.Schedules ?? []) if (item.Name && (item.GroupName ?? group) === group) names.push(item.Name);
      token = page.NextToken;
    } while (token);
  } catch (error) {
    throw awsStepError('Listing the schedules', 'scheduler:ListSchedules', error, 'Nothing was changed.');
  }
  const schedules = new Map<string, GetScheduleCommandOutput>();
  for (const name of names) {
    try {
      schedules.set(name, await client.send(new sdk.GetScheduleCommand({ GroupName: group, Name: name })));
    } catch (error) {
      if (!isNotFound(error)) throw awsStepError(`Reading the schedule ${name}`, 'scheduler:GetSchedule', error, 'Nothing was changed.');
    }
  }
  return schedules;
}

/** One schedule as `adapt deploy --list` shows it. */
export interface DeployedSchedule {
  name: string;
  expression: string | undefined;
  timezone: string;
  state: string | undefined;
  /** The task the schedule's event names (`adapt:task`), when adapt wrote it. */
  task: string | undefined;
  /** What it invokes: the function's alias ARN. */
  target: string | undefined;
}

/** The schedules in `group` as EventBridge Scheduler holds them; undefined when the group does not exist. */
export async function deployedSchedules(scheduler: Scheduler, group: string): Promise<DeployedSchedule[] | undefined> {
  const schedules = await readGroup(scheduler, group);
  if (!schedules) return undefined;
  return [...schedules].map(([name, schedule]) => ({
    name,
    expression: schedule.ScheduleExpression,
    timezone: schedule.ScheduleExpressionTimezone ?? 'UTC',
    state: schedule.State,
    task: taskOf(schedule.Target?.Input),
    target: schedule.Target?.Arn,
  }));
}

function taskOf(input: string | undefined): string | undefined {
  try {
    const name = (JSON.parse(input ?? '') as { 'adapt:task'?: { name?: unknown } })['adapt:task']?.name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The fields adapt sets, as Scheduler returns them, for the diff. */
function desiredFields(spec: ScheduleSpec, aliasArn: string | undefined, roleArn: string | undefined): Record<string, unknown> {
  return {
    ScheduleExpression: spec.expression,
    ScheduleExpressionTimezone: spec.timezone,
    Description: spec.description,
    State: spec.state,
    FlexibleTimeWindow: 'OFF',
    'Target.Arn': aliasArn ?? '(the alias, once created)',
    'Target.RoleArn': roleArn ?? '(the scheduler role, once created)',
    'Target.Input': spec.input,
    'Target.RetryPolicy': `${scheduleRetryPolicy.MaximumRetryAttempts} retries within ${scheduleRetryPolicy.MaximumEventAgeInSeconds} s`,
  };
}

function currentFields(current: GetScheduleCommandOutput): Record<string, unknown> {
  const retry = current.Target?.RetryPolicy;
  return {
    ScheduleExpression: current.ScheduleExpression,
    ScheduleExpressionTimezone: current.ScheduleExpressionTimezone ?? 'UTC',
    Description: current.Description,
    State: current.State,
    FlexibleTimeWindow: current.FlexibleTimeWindow?.Mode,
    'Target.Arn': current.Target?.Arn,
    'Target.RoleArn': current.Target?.RoleArn,
    'Target.Input': current.Target?.Input,
    'Target.RetryPolicy': retry ? `${retry.MaximumRetryAttempts} retries within ${retry.MaximumEventAgeInSeconds} s` : undefined,
  };
}

/** Reads the group and lists, per schedule, what the deploy will do. Changes nothing. */
export async function planSchedules(
  scheduler: Scheduler | undefined,
  group: string,
  specs: ScheduleSpec[],
  target: { aliasArn: string | undefined; roleArn: string | undefined },
): Promise<SchedulePlan> {
  const current = scheduler ? await readGroup(scheduler, group) : undefined;
  const changes: ScheduleChange[] = [];
  for (const spec of specs) {
    const found = current?.get(spec.name);
    const about = { name: spec.name, expression: spec.expression, timezone: spec.timezone, task: spec.task };
    if (!found) {
      changes.push({ ...about, action: 'create' });
      continue;
    }
    const want = desiredFields(spec, target.aliasArn, target.roleArn);
    const have = currentFields(found);
    const fields = Object.keys(want)
      .filter((field) => want[field] !== have[field])
      .map((field) => ({ field, from: have[field], to: want[field] }));
    changes.push({ ...about, action: fields.length ? 'update' : 'unchanged', ...(fields.length ? { fields } : {}) });
  }
  const wanted = new Set(specs.map((spec) => spec.name));
  for (const name of [...(current?.keys() ?? [])].sort()) if (!wanted.has(name)) changes.push({ name, action: 'delete' });
  return { group, groupExists: current !== undefined, deleteGroup: current !== undefined && specs.length === 0, changes };
}

/** True when the plan changes anything in Scheduler. */
export function schedulesChange(plan: SchedulePlan): boolean {
  return plan.deleteGroup || plan.changes.some((change) => change.action !== 'unchanged');
}

/** The plan as lines: `+ create`, `~ update` (with each field), `- delete`, `= unchanged`. */
export function scheduleDiffLines(plan: SchedulePlan): string[] {
  if (plan.changes.length === 0) return [];
  const lines = [`Schedules (EventBridge Scheduler group ${plan.group}${plan.groupExists ? '' : ', to be created'}):`];
  const mark = { create: '+', update: '~', delete: '-', unchanged: '=' } as const;
  for (const change of plan.changes) {
    const what = change.expression ? `  ${change.expression} ${change.timezone} -> task ${change.task}` : '';
    lines.push(`  ${mark[change.action]} ${change.name} (${change.action})${what}`);
    for (const field of change.fields ?? []) lines.push(`      ${field.field}: ${JSON.stringify(field.from) ?? '(none)'} -> ${JSON.stringify(field.to)}`);
  }
  if (plan.deleteGroup) lines.push(`  - the group ${plan.group} (no schedule left)`);
  return lines;
}

/** Scheduler's answer while a new role has not propagated through IAM yet. */
function isRoleNotReady(error: unknown): boolean {
  return awsErrorName(error) === 'ValidationException' && /role|assume/i.test((error as Error).message ?? '');
}

/** Makes the planned calls: the group, then creates and updates, then deletes. */
export async function applySchedules(
  scheduler: Scheduler,
  plan: SchedulePlan,
  specs: ScheduleSpec[],
  target: { aliasArn: string; roleArn: string },
  retry: { backoff: BackoffOptions; sleep: Sleep },
  say: (line: string) => void,
): Promise<void> {
  const { sdk, client } = scheduler;
  const done: string[] = [];
  const state = () => (done.length ? `Done before the failure: ${done.join(', ')}.` : 'No schedule was changed.');
  if (!plan.groupExists && specs.length > 0) {
    try {
      await client.send(new sdk.CreateScheduleGroupCommand({ Name: plan.group, Tags: [{ Key: 'adapt', Value: 'schedules' }] }));
    } catch (error) {
      if (awsErrorName(error) !== 'ConflictException') throw awsStepError('Creating the schedule group', 'scheduler:CreateScheduleGroup', error, state());
    }
    done.push(`group ${plan.group} created`);
  }
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  for (const change of plan.changes) {
    const spec = byName.get(change.name);
    if (change.action === 'unchanged' || change.action === 'delete' || !spec) continue;
    const input = {
      Name: spec.name,
      GroupName: plan.group,
      ScheduleExpression: spec.expression,
      ScheduleExpressionTimezone: spec.timezone,
      Description: spec.description,
      State: spec.state,
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      ...(spec.expression.startsWith('at(') ? { ActionAfterCompletion: 'NONE' as const } : {}),
      Target: { Arn: target.aliasArn, RoleArn: target.roleArn, Input: spec.input, RetryPolicy: { ...scheduleRetryPolicy } },
    };
    const call = change.action === 'create' ? 'scheduler:CreateSchedule' : 'scheduler:UpdateSchedule';
    try {
      await withRetry(() => client.send(change.action === 'create' ? new sdk.CreateScheduleCommand(input) : new sdk.UpdateScheduleCommand(input)), {
        ...retry.backoff,
        sleep: retry.sleep,
        retryable: isRoleNotReady,
      });
    } catch (error) {
      throw awsStepError(`${change.action === 'create' ? 'Creating' : 'Updating'} the schedule ${spec.name}`, call, error, state());
    }
    done.push(`${spec.name} ${change.action}d`);
    say(`${change.action === 'create' ? 'created' : 'updated'} ${spec.name}: ${spec.expression} ${spec.timezone}`);
  }
  for (const change of plan.changes) {
    if (change.action !== 'delete') continue;
    try {
      await client.send(new sdk.DeleteScheduleCommand({ GroupName: plan.group, Name: change.name }));
    } catch (error) {
      if (!isNotFound(error)) throw awsStepError(`Deleting the schedule ${change.name}`, 'scheduler:DeleteSchedule', error, state());
    }
    done.push(`${change.name} deleted`);
    say(`deleted ${change.name}`);
  }
  if (plan.deleteGroup) {
    try {
      await client.send(new sdk.DeleteScheduleGroupCommand({ Name: plan.group }));
    } catch (error) {
      if (!isNotFound(error)) throw awsStepError('Deleting the empty schedule group', 'scheduler:DeleteScheduleGroup', error, state());
    }
    say(`deleted the group ${plan.group}`);
  }
}
