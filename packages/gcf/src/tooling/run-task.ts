/**
 * `adapt run <task> --target gcf|appengine`: what each platform allows.
 *
 * - gcf: publishes the task event to the tasks topic; the tasks function runs it. Pub/Sub carries
 *   no answer back, so the result is the message id and where the function logs the task's result.
 * - appengine: the task route only trusts requests App Engine itself sends, so the one way in from
 *   outside is Cloud Scheduler's jobs.run on a deployed job: a task some schedule runs with the same
 *   arguments. Any other task or arguments is refused (App Engine offers nothing else that is not
 *   a second queue service), saying so.
 */
import { AdaptError, taskEvent, type AppManifest, type RunTaskOptions, type RunTaskResult, type TargetContext } from '@adapt/core';
import { jobPrefix, planJobs, schedulerClient } from './cloud-scheduler.js';
import { appEngineRegion } from './deploy-appengine.js';
import { tasksFunctionName, tasksTopicName } from './deploy-gcf-tasks.js';
import { googleClients, googleFailure, statusOf, type GoogleRuntime } from './google.js';
import { publish } from './pubsub.js';
import { defaultName, resolveGoogleSettings } from './settings.js';

/** Refuses a task the app does not declare (exit code 2), before any call to Google. */
function checkTask(manifest: AppManifest, task: string): void {
  const known = manifest.tasks.map((item) => item.name);
  if (known.includes(task)) return;
  throw new AdaptError('UNKNOWN_TASK', known.length ? `unknown task "${task}"; known tasks: ${known.join(', ')}` : `unknown task "${task}": the app declares no tasks`, {
    hint: known.length ? 'run one of the known tasks' : 'export tasks beside fetch: export default { fetch, tasks: { setup: async (args, context) => {...} } }',
    exitCode: 2,
  });
}

export async function runTaskGcf(ctx: TargetContext, options: RunTaskOptions, runtime: GoogleRuntime = {}): Promise<RunTaskResult> {
  const settings = resolveGoogleSettings('gcf', ctx);
  const manifest = await ctx.readAppManifest();
  checkTask(manifest, options.task);
  const clients = await googleClients(settings, runtime);
  const topic = tasksTopicName(clients.project, settings);
  const fn = tasksFunctionName(settings);
  const messageId = await ctx.log.step(`Publishing task ${options.task} to ${topic}`, () =>
    publish(clients, topic, taskEvent(options.task, options.args), { 'adapt-task': options.task }).catch((error: unknown) => {
      if (statusOf(error) === 'NOT_FOUND')
        throw new AdaptError('NOT_DEPLOYED', `The topic ${topic} does not exist: the tasks function ${fn} is not deployed.`, {
          hint: 'Deploy first: adapt deploy --target gcf (an app that exports tasks gets a tasks function and its topic).',
        });
      throw googleFailure('Publishing the task event', error, 'Nothing was published.', 'run the command again');
    }),
  );
  const logs = `gcloud functions logs read ${fn} --region ${settings.region} --project ${clients.project}`;
  ctx.log.info(`Published message ${messageId}: ${fn} runs the task. Pub/Sub brings no answer back; the task's result is in the function's log: ${logs}`);
  return { result: null, delivered: 'pubsub', messageId, topic, function: fn, logs };
}

export async function runTaskAppEngine(ctx: TargetContext, options: RunTaskOptions, runtime: GoogleRuntime = {}): Promise<RunTaskResult> {
  const settings = resolveGoogleSettings('appengine', ctx);
  const manifest = await ctx.readAppManifest();
  checkTask(manifest, options.task);
  const planned = planJobs(manifest, { prefix: jobPrefix('appengine', defaultName(ctx.appName, ctx.stage)), stage: ctx.stage });
  const job = planned.find((item) => item.task === options.task && JSON.stringify(item.args) === JSON.stringify(options.args));
  if (!job) {
    throw new AdaptError(
      'NOT_SUPPORTED',
      `App Engine runs a task only for its own requests (Cloud Scheduler, cron); no schedule runs task "${options.task}" with the arguments ${JSON.stringify(options.args)}, so there is no job to run.`,
      {
        hint: `Run it locally with the stage's settings (adapt run ${options.task} without --target), or declare a schedule for it and deploy: adapt run --target appengine then runs that schedule's job now.`,
        exitCode: 2,
      },
    );
  }
  const clients = await googleClients(settings, runtime);
  const region = await appEngineRegion(clients, ctx.settings.region);
  const client = await schedulerClient(clients);
  const name = `projects/${clients.project}/locations/${region}/jobs/${job.id}`;
  try {
    await ctx.log.step(`Running the Cloud Scheduler job ${job.id} now (jobs.run)`, async () => {
      try {
        await client.runJob({ name });
      } catch (error) {
        if (statusOf(error) === 'NOT_FOUND')
          throw new AdaptError('NOT_DEPLOYED', `The job ${job.id} does not exist in ${clients.project}/${region}.`, {
            hint: 'Deploy first: adapt deploy --target appengine',
          });
        throw googleFailure('jobs.run', error, 'Nothing ran.', 'run the command again');
      }
    });
  } finally {
    await client.close();
  }
  const logs = `gcloud app logs read --service ${settings.name} --project ${clients.project}`;
  ctx.log.info(`Cloud Scheduler sends the task to ${settings.name} now; the answer goes back to Cloud Scheduler, not here. The task's result is in the app's log: ${logs}`);
  return { result: null, delivered: 'cloud-scheduler', job: job.id, schedule: job.schedule, logs };
}
