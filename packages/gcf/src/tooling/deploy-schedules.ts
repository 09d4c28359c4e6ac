/**
 * The schedules step of `adapt deploy --target gcf|appengine`: checked before any call to Google
 * (`checkSchedules`), synced after the code is deployed (`syncSchedules`), shown by --dry-run and
 * by --list (`listSchedules`).
 */
import { isAdaptError, type AppManifest, type TargetContext } from '@adapt/core';
import {
  applyJobChanges,
  diffJobs,
  jobPrefix,
  listedJob,
  listOwnJobs,
  planJobs,
  schedulerClient,
  type JobChange,
  type JobTarget,
  type ListedJob,
  type PlannedJob,
} from './cloud-scheduler.js';
import type { GoogleClients } from './google.js';

export interface SchedulePlan {
  manifest: AppManifest;
  prefix: string;
  planned: PlannedJob[];
}

/** Reads the app's tasks and schedules and checks every schedule by Cloud Scheduler's rules; throws before anything is created. */
export async function checkSchedules(ctx: TargetContext, target: 'gcf' | 'appengine', base: string): Promise<SchedulePlan> {
  const manifest = await ctx.readAppManifest();
  const prefix = jobPrefix(target, base);
  return { manifest, prefix, planned: planJobs(manifest, { prefix, stage: ctx.stage }) };
}

/** Lists this deploy's jobs, diffs them with the plan and (unless a dry run) applies the diff; the changes. */
export async function syncSchedules(
  ctx: TargetContext,
  clients: GoogleClients,
  location: string,
  plan: SchedulePlan,
  target: JobTarget,
  options: { dryRun: boolean; retry: string },
): Promise<JobChange[]> {
  const parent = `projects/${clients.project}/locations/${location}`;
  const client = await schedulerClient(clients);
  try {
    const current = await ctx.log.step(`Reading the Cloud Scheduler jobs ${plan.prefix}* in ${location}`, () => listOwnJobs(client, parent, plan.prefix));
    const changes = diffJobs(current, plan.planned, parent, target);
    if (changes.length === 0) {
      if (plan.planned.length) ctx.log.info(`Cloud Scheduler: ${plan.planned.length} job(s) already as declared.`);
      return [];
    }
    if (options.dryRun) {
      ctx.log.info('Cloud Scheduler jobs that would change:');
      for (const change of changes) ctx.log.info(`  ${change.action} ${change.job}  ${change.detail}`);
      return changes;
    }
    await applyJobChanges(ctx, client, parent, target, plan.planned, changes, options.retry);
    return changes;
  } finally {
    await client.close();
  }
}

/**
 * This deploy's Cloud Scheduler jobs (the app's, this stage's, this target's), for `--list`; undefined,
 * said in a line, when @google-cloud/scheduler is not installed (an app without schedules needs none).
 */
export async function listSchedules(ctx: TargetContext, clients: GoogleClients, location: string, target: 'gcf' | 'appengine', base: string): Promise<ListedJob[] | undefined> {
  let client: Awaited<ReturnType<typeof schedulerClient>>;
  try {
    client = await schedulerClient(clients);
  } catch (error) {
    if (!isAdaptError(error) || error.code !== 'SDK_MISSING') throw error;
    ctx.log.info('schedules: not listed (@google-cloud/scheduler is not installed; npm install --save-dev @google-cloud/scheduler to see them)');
    return undefined;
  }
  try {
    const parent = `projects/${clients.project}/locations/${location}`;
    const prefix = jobPrefix(target, base);
    const jobs = (await ctx.log.step(`Reading the Cloud Scheduler jobs ${prefix}* in ${location}`, () => listOwnJobs(client, parent, prefix))).map(listedJob);
    ctx.log.info(`Cloud Scheduler jobs in ${location}:`);
    for (const job of jobs) {
      const task = job.task ? `task ${job.task}${job.args ? ` ${job.args.join(' ')}` : ''}` : '(no adapt task)';
      ctx.log.info(`  ${job.job.slice(prefix.length).padEnd(20)} ${job.state.padEnd(9)} ${job.schedule.padEnd(20)} ${job.timeZone.padEnd(18)} -> ${task}`);
    }
    if (jobs.length === 0) ctx.log.info('  (none)');
    return jobs;
  } finally {
    await client.close();
  }
}
