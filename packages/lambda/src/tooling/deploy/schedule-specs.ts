/**
 * What the app's schedules ask of EventBridge Scheduler, worked out before any call: each
 * schedule's expression (the portable form translated, a native one validated), timezone, name,
 * and the exact CreateSchedule/UpdateSchedule fields. Pure: every schedule is checked, and all the
 * problems reported at once, before `adapt deploy` creates anything.
 *
 * Decisions, the same for every schedule:
 * - FlexibleTimeWindow OFF: a task fires at its minute (Scheduler's precision is 60 s).
 * - RetryPolicy: 2 retries within 1 hour. Scheduler invokes Lambda asynchronously, so these cover
 *   only Invoke failing (throttling, the function being updated); a task that throws is retried by
 *   Lambda's own async retries (2 by default) and logged in the function's log group.
 * - No dead-letter queue: adapt creates no SQS queue. An invocation Scheduler gives up on is
 *   dropped; its failures show in CloudWatch metrics of the schedule group
 *   (InvocationDroppedCount, TargetErrorCount).
 * - `at(...)` schedules keep ActionAfterCompletion NONE, so the next deploy still finds them and
 *   removal stays exact.
 */
import { AdaptError, isAdaptError, parseTimezone, taskEvent, toEventBridgeExpression, type AppManifest } from '@adapt/core';

export interface ScheduleSpec {
  name: string;
  task: string;
  expression: string;
  timezone: string;
  description: string;
  state: 'ENABLED' | 'DISABLED';
  /** The Target.Input: the task event JSON. */
  input: string;
}

/** EventBridge Scheduler's rule for schedule and group names. */
export const scheduleNamePattern = /^[0-9a-zA-Z._-]{1,64}$/;

export const scheduleRetryPolicy = { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } as const;

/** Scheduler's Target.Input limit. */
const maxInputBytes = 8192;

/**
 * The schedule group of one app and stage: `adapt-<app>-<stage>`, characters outside Scheduler's
 * set replaced, cut to 64 with a hash so two long names never share a group.
 */
export function scheduleGroupName(appName: string, stage: string): string {
  const name = `adapt-${appName}-${stage}`.replace(/[^0-9a-zA-Z._-]+/g, '-');
  if (name.length <= 64) return name;
  let hash = 2166136261;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return `${name.slice(0, 55)}-${hash.toString(16).padStart(8, '0')}`;
}

/** Every schedule as Scheduler will hold it; throws one AdaptError listing every schedule that cannot be. */
export function scheduleSpecs(manifest: AppManifest): ScheduleSpec[] {
  const specs: ScheduleSpec[] = [];
  const problems: AdaptError[] = [];
  for (const schedule of manifest.schedules) {
    const where = `schedule "${schedule.name}"`;
    try {
      if (!scheduleNamePattern.test(schedule.name)) {
        throw new AdaptError('BAD_SCHEDULE', `${where}: EventBridge Scheduler names are 1-64 letters, digits, '.', '_' or '-'`, {
          hint: 'Rename the schedule, such as "nightly-report".',
        });
      }
      const expression = toEventBridgeExpression(schedule.cron !== undefined ? { cron: schedule.cron } : { rate: schedule.rate as string }, { where });
      const timezone = parseTimezone(schedule.timezone, { where });
      const input = JSON.stringify(taskEvent(schedule.task, schedule.args, schedule.name));
      if (Buffer.byteLength(input) > maxInputBytes) {
        throw new AdaptError('BAD_SCHEDULE', `${where}: its task event is ${Buffer.byteLength(input)} bytes; EventBridge Scheduler takes at most ${maxInputBytes}`, {
          hint: 'Pass fewer or shorter args; let the task read bulky input from elsewhere.',
        });
      }
      const description = (schedule.description ?? `adapt: runs the task ${schedule.task}`).slice(0, 512);
      specs.push({ name: schedule.name, task: schedule.task, expression, timezone, description, state: schedule.enabled ? 'ENABLED' : 'DISABLED', input });
    } catch (error) {
      if (!isAdaptError(error)) throw error;
      problems.push(error);
    }
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) {
    throw new AdaptError('SCHEDULE_SYNTAX', `${problems.length} schedules cannot run on EventBridge Scheduler:\n${problems.map((problem) => `  ${problem.message}`).join('\n')}`, {
      hint: `${problems.map((problem) => problem.hint).filter(Boolean)[0] ?? ''} Nothing was changed.`.trim(),
    });
  }
  return specs;
}
