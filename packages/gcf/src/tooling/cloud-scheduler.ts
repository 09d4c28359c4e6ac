/**
 * The app's schedules as Cloud Scheduler jobs, for `adapt deploy --target gcf|appengine`.
 *
 * - Plan first (`planJobs`, before any call to Google): each schedule is checked by Cloud
 *   Scheduler's unix-cron rules (the portable 5-field cron is exactly that dialect), a rate becomes
 *   the cron that fires at exactly that period or is refused (Cloud Scheduler's English-like
 *   schedules are legacy, kept only for existing jobs), the time zone must be an IANA name.
 * - Job ids are `adapt--<target>--<base>--<schedule>`: the prefix names the app, stage and target,
 *   so a deploy lists exactly its own jobs and deletes the ones no longer declared.
 * - Sync (`syncJobs`): list, then create, patch, pause/resume or delete, job by job.
 */
import { AdaptError, importSdk, parseCron, parseRate, parseTimezone, rateToCron, taskEvent, type AppManifest, type TargetContext } from '@adapt/core';
import { googleFailure, statusOf, type GoogleClients } from './google.js';

type Obj = Record<string, any>;

/** Where the jobs deliver the task event. */
export type JobTarget = { kind: 'pubsub'; topic: string } | { kind: 'appengine'; service: string };

export interface PlannedJob {
  /** The job id (the last part of its name). */
  id: string;
  /** The schedule's name in the app. */
  schedule: string;
  cron: string;
  timeZone: string;
  task: string;
  args: string[];
  description: string;
  enabled: boolean;
}

export interface JobChange {
  action: 'create' | 'update' | 'delete' | 'pause' | 'resume';
  job: string;
  schedule?: string;
  detail: string;
}

/** What a failed attempt gets: Cloud Scheduler retries it with backoff (the default is no retry). */
export const jobRetryConfig = { retryCount: 3, minBackoffDuration: { seconds: 10 }, maxBackoffDuration: { seconds: 300 }, maxDoublings: 3 };

/** The part of each job id that names app, stage and target. */
export function jobPrefix(target: 'gcf' | 'appengine', base: string): string {
  return `adapt--${target}--${idPart(base)}--`;
}

/** Letters, digits and single hyphens (Cloud Scheduler job ids take letters, digits, hyphens and underscores). */
function idPart(text: string): string {
  return text
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120);
}

/** The cron Cloud Scheduler gets for a schedule; throws an AdaptError before anything is created. */
export function cloudSchedulerCron(schedule: AppManifest['schedules'][number]): string {
  const where = `schedule "${schedule.name}"`;
  if (schedule.cron !== undefined) {
    parseCron(schedule.cron, { where });
    return schedule.cron.trim().split(/\s+/).join(' ');
  }
  const rate = parseRate(String(schedule.rate), { where });
  const cron = rateToCron(rate);
  if (!cron) {
    throw new AdaptError('SCHEDULE_SYNTAX', `${where}: rate "${rate.source}" has no exact Cloud Scheduler schedule (cron steps restart at each hour, day or month)`, {
      hint: 'Use a rate that divides an hour or a day evenly (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 minutes; 1, 2, 3, 4, 6, 8, 12 hours; 1 day), or write the cron you mean, such as cron: "0 */5 * * *".',
    });
  }
  return cron;
}

/** The jobs the app's schedules ask for, every one checked (cron, rate, time zone, job id); nothing is called yet. */
export function planJobs(manifest: AppManifest, options: { prefix: string; stage: string }): PlannedJob[] {
  const seen = new Map<string, string>();
  const jobs: PlannedJob[] = [];
  for (const schedule of manifest.schedules) {
    const cron = cloudSchedulerCron(schedule);
    const timeZone = parseTimezone(schedule.timezone, { where: `schedule "${schedule.name}"` });
    const part = idPart(schedule.name);
    const id = `${options.prefix}${part}`;
    if (!part)
      throw new AdaptError('BAD_SCHEDULES', `schedule "${schedule.name}": the name needs a letter or digit to make a Cloud Scheduler job id`, {
        hint: 'Rename the schedule, such as "nightly".',
      });
    if (id.length > 500)
      throw new AdaptError('BAD_SCHEDULES', `schedule "${schedule.name}": the job id ${id} is over Cloud Scheduler's 500 characters`, { hint: 'Shorten the schedule name.' });
    const clash = seen.get(id);
    if (clash)
      throw new AdaptError('BAD_SCHEDULES', `schedules "${clash}" and "${schedule.name}" would both be the Cloud Scheduler job ${id}`, {
        hint: 'Rename one of them: job ids keep only letters, digits and hyphens.',
      });
    seen.set(id, schedule.name);
    jobs.push({
      id,
      schedule: schedule.name,
      cron,
      timeZone,
      task: schedule.task,
      args: schedule.args,
      description: schedule.description ?? `adapt: task ${schedule.task} (schedule ${schedule.name}, stage ${options.stage})`,
      enabled: schedule.enabled,
    });
  }
  return jobs;
}

/** The job as Cloud Scheduler takes it: the task event is the Pub/Sub message's data, or the App Engine request's body. */
export function jobBody(planned: PlannedJob, parent: string, target: JobTarget): Obj {
  const data = Buffer.from(JSON.stringify(taskEvent(planned.task, planned.args, planned.schedule))).toString('base64');
  return {
    name: `${parent}/jobs/${planned.id}`,
    description: planned.description,
    schedule: planned.cron,
    timeZone: planned.timeZone,
    retryConfig: jobRetryConfig,
    ...(target.kind === 'pubsub'
      ? { pubsubTarget: { topicName: target.topic, data, attributes: { 'adapt-schedule': planned.schedule, 'adapt-task': planned.task } } }
      : {
          appEngineHttpTarget: {
            httpMethod: 'POST',
            appEngineRouting: { service: target.service },
            relativeUri: `/_adapt/tasks/${encodeURIComponent(planned.task)}`,
            headers: { 'Content-Type': 'application/json' },
            body: data,
          },
        }),
  };
}

export async function schedulerClient(clients: GoogleClients) {
  const { v1 } = await importSdk('@google-cloud/scheduler', () => import('@google-cloud/scheduler'), {
    purpose: 'Deploying schedules to Cloud Scheduler',
    install: 'npm install --save-dev @google-cloud/scheduler',
  });
  return new v1.CloudSchedulerClient(clients.clientOptions as ConstructorParameters<typeof v1.CloudSchedulerClient>[0]);
}

export type SchedulerClient = Awaited<ReturnType<typeof schedulerClient>>;

/** The jobs under `parent` whose id starts with `prefix`: this app's, this stage's, this target's. */
export async function listOwnJobs(client: SchedulerClient, parent: string, prefix: string): Promise<Obj[]> {
  try {
    const [jobs] = (await client.listJobs({ parent }, { autoPaginate: true })) as unknown as [Obj[]];
    return jobs.filter((job) => String(job.name ?? '').startsWith(`${parent}/jobs/${prefix}`));
  } catch (error) {
    if (statusOf(error) === 'NOT_FOUND') return [];
    throw googleFailure(`Listing the Cloud Scheduler jobs in ${parent}`, error, 'No job was changed.', 'run adapt deploy again');
  }
}

/** Plain JSON of a decoded message (enums by name, bytes as base64, durations as { seconds }). */
function plain(value: unknown): Obj {
  return JSON.parse(JSON.stringify(value ?? {})) as Obj;
}

const comparedFields = ['description', 'schedule', 'timeZone', 'retryConfig', 'pubsubTarget', 'appEngineHttpTarget'] as const;

/** The fields of a deployed job that differ from the planned one. */
export function jobDifferences(current: Obj, planned: Obj): string[] {
  const have = plain(current);
  const want = plain(planned);
  return comparedFields.filter((field) => JSON.stringify(normalize(field, have[field])) !== JSON.stringify(normalize(field, want[field])));
}

function normalize(field: string, value: unknown): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  if (field === 'retryConfig') {
    const v = value as Obj;
    const seconds = (d: unknown) => (d === undefined || d === null ? 0 : Number(typeof d === 'object' ? ((d as Obj).seconds ?? 0) : String(d).replace(/s$/, '')));
    return { retryCount: Number(v.retryCount ?? 0), min: seconds(v.minBackoffDuration), max: seconds(v.maxBackoffDuration), doublings: Number(v.maxDoublings ?? 0) };
  }
  if (field === 'appEngineHttpTarget') {
    const v = value as Obj;
    // Cloud Scheduler adds its own headers (User-Agent, X-CloudScheduler...) and fills routing: compare what adapt sets
    return { httpMethod: v.httpMethod, service: v.appEngineRouting?.service, relativeUri: v.relativeUri, contentType: v.headers?.['Content-Type'], body: base64(v.body) };
  }
  if (field === 'pubsubTarget') {
    const v = value as Obj;
    return { topicName: v.topicName, data: base64(v.data), attributes: Object.entries(v.attributes ?? {}).sort() };
  }
  return value;
}

/** Bytes as the client decodes them (a Buffer or Uint8Array, after plain(): { type: 'Buffer', data } or { 0: ..., 1: ... }) or as base64 text: base64. */
function base64(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  const v = value as Obj;
  const bytes = v.type === 'Buffer' && Array.isArray(v.data) ? v.data : Object.values(v);
  return Buffer.from(bytes as number[]).toString('base64');
}

/** One job as `adapt deploy --list` shows it. */
export interface ListedJob {
  job: string;
  state: string;
  schedule: string;
  timeZone: string;
  /** The task the job runs and its arguments, read from the event adapt put in the job. */
  task?: string;
  args?: string[];
}

export function listedJob(job: Obj): ListedJob {
  const have = plain(job);
  const event = base64(have.pubsubTarget?.data ?? have.appEngineHttpTarget?.body);
  let task: { name?: unknown; args?: unknown } | undefined;
  try {
    task = (JSON.parse(Buffer.from(event ?? '', 'base64').toString('utf8')) as Obj)['adapt:task'];
  } catch {
    task = undefined; // not an event adapt wrote: the job is listed without its task
  }
  return {
    job: String(have.name ?? '').replace(/^.*\/jobs\//, ''),
    state: String(have.state ?? ''),
    schedule: String(have.schedule ?? ''),
    timeZone: String(have.timeZone ?? ''),
    ...(typeof task?.name === 'string' ? { task: task.name } : {}),
    ...(Array.isArray(task?.args) && task.args.length > 0 ? { args: task.args.map(String) } : {}),
  };
}

/** What a sync would do, from the listed jobs and the planned ones. */
export function diffJobs(current: Obj[], planned: PlannedJob[], parent: string, target: JobTarget): JobChange[] {
  const changes: JobChange[] = [];
  const byName = new Map(current.map((job) => [String(job.name), job]));
  for (const want of planned) {
    const id = want.id;
    const have = byName.get(`${parent}/jobs/${id}`);
    if (!have) {
      changes.push({ action: 'create', job: id, schedule: want.schedule, detail: `${want.cron} (${want.timeZone}), task ${want.task}` });
      if (!want.enabled) changes.push({ action: 'pause', job: id, schedule: want.schedule, detail: 'enabled: false' });
      continue;
    }
    const differences = jobDifferences(have, jobBody(want, parent, target));
    if (differences.length) changes.push({ action: 'update', job: id, schedule: want.schedule, detail: differences.join(', ') });
    const state = String(plain({ state: have.state }).state ?? '');
    if (!want.enabled && state !== 'PAUSED') changes.push({ action: 'pause', job: id, schedule: want.schedule, detail: 'enabled: false' });
    if (want.enabled && state === 'PAUSED') changes.push({ action: 'resume', job: id, schedule: want.schedule, detail: 'enabled again' });
  }
  const wanted = new Set(planned.map((job) => `${parent}/jobs/${job.id}`));
  for (const job of current) {
    if (!wanted.has(String(job.name))) changes.push({ action: 'delete', job: String(job.name).replace(/^.*\/jobs\//, ''), detail: 'no longer declared' });
  }
  return changes;
}

/** Applies the changes one call each; a failure says which jobs were already changed. */
export async function applyJobChanges(
  ctx: TargetContext,
  client: SchedulerClient,
  parent: string,
  target: JobTarget,
  planned: PlannedJob[],
  changes: JobChange[],
  retry: string,
): Promise<void> {
  const byId = new Map(planned.map((job) => [job.id, jobBody(job, parent, target)]));
  const done: string[] = [];
  for (const change of changes) {
    const name = `${parent}/jobs/${change.job}`;
    const job = byId.get(change.job);
    try {
      await ctx.log.step(`Cloud Scheduler: ${change.action} ${change.job} (${change.detail})`, async () => {
        if (change.action === 'create') await client.createJob({ parent, job });
        else if (change.action === 'update') await client.updateJob({ job, updateMask: { paths: comparedFields.filter((field) => job?.[field] !== undefined) } });
        else if (change.action === 'delete') await client.deleteJob({ name });
        else if (change.action === 'pause') await client.pauseJob({ name });
        else await client.resumeJob({ name });
      });
    } catch (error) {
      const keeps = done.length ? `Already applied: ${done.join('; ')}. The other jobs are unchanged.` : 'No job was changed.';
      throw googleFailure(`Cloud Scheduler ${change.action} ${change.job}`, error, keeps, retry);
    }
    done.push(`${change.action} ${change.job}`);
  }
}
