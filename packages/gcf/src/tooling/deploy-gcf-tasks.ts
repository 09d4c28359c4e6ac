/**
 * The tasks function of `adapt deploy --target gcf`: `<function>-tasks`, deployed from the same
 * source as the HTTP function with the entry point `adaptTasks`, a Pub/Sub trigger on the topic
 * `<function>-tasks`, internal ingress only, no retries. Only Eventarc's authenticated push reaches
 * it (the public cannot: no allUsers invoker, and internal ingress refuses the internet), so a task
 * never runs from a public request. The topic is created when missing. Once the app declares no
 * tasks, the next deploy deletes the tasks function adapt made (the topic stays: it costs nothing
 * at rest and something else may publish to it or read from it).
 */
import { createHash } from 'node:crypto';
import type { v2 } from '@google-cloud/functions';
import { AdaptError, type TargetContext } from '@adapt/core';
import { taskEntryPoint } from './bundle.js';
import { follow, googleFailure, statusOf, type GoogleClients } from './google.js';
import { createTopic, getTopic, tasksTopicId } from './pubsub.js';
import type { ResolvedGoogleSettings } from './settings.js';

type Fn = Record<string, any>;

/** The CloudEvent type of a Pub/Sub message (`PUBSUB_MESSAGE_PUBLISHED` of @adapt/gcf). */
const messagePublished = 'google.cloud.pubsub.topic.v1.messagePublished';
/** The longest an event-driven Cloud Run function may run. */
const eventTimeoutLimit = 540;

export const tasksFunctionName = (settings: ResolvedGoogleSettings) => `${settings.name}-tasks`;

/** Refuses a function name that leaves no room for `-tasks` (63 characters at most). */
export function checkTasksFunctionName(settings: ResolvedGoogleSettings): void {
  if (tasksFunctionName(settings).length > 63)
    throw new AdaptError('BAD_FUNCTION_NAME', `The tasks function ${tasksFunctionName(settings)} would be over Google's 63 characters.`, {
      hint: 'Set targets.gcf.name in adapt.config.ts to a name of 57 characters at most.',
    });
}

export const tasksTopicName = (project: string, settings: ResolvedGoogleSettings) => `projects/${project}/topics/${tasksTopicId(settings.name)}`;

function tasksFunctionBody(name: string, settings: ResolvedGoogleSettings, topic: string, storageSource: unknown): Fn {
  return {
    name,
    environment: 'GEN_2',
    buildConfig: { runtime: settings.runtime, entryPoint: taskEntryPoint, source: { storageSource } },
    serviceConfig: Object.fromEntries(
      Object.entries({
        availableMemory: `${settings.memory}Mi`,
        timeoutSeconds: Math.min(settings.timeout, eventTimeoutLimit),
        environmentVariables: settings.env,
        maxInstanceCount: settings.maxInstances,
        serviceAccountEmail: settings.serviceAccount,
        ingressSettings: 'ALLOW_INTERNAL_ONLY',
      }).filter(([, value]) => value !== undefined),
    ),
    eventTrigger: { eventType: messagePublished, pubsubTopic: topic, retryPolicy: 'RETRY_POLICY_DO_NOT_RETRY', triggerRegion: settings.region },
  };
}

const updateMask = ['labels', 'buildConfig.source', 'buildConfig.runtime', 'buildConfig.entryPoint', 'serviceConfig', 'eventTrigger'];

/** A hash of everything but the source: the `adapt-config` label that tells whether an update is needed. */
function configHash(body: Fn): string {
  const { buildConfig, ...rest } = body;
  return createHash('sha256')
    .update(JSON.stringify({ ...rest, buildConfig: { ...buildConfig, source: undefined } }))
    .digest('hex')
    .slice(0, 40);
}

export interface TasksFunctionStep {
  name: string;
  topic: string;
  action: 'create' | 'update' | 'none' | 'delete';
  topicCreated: boolean;
  calls: { call: string; detail: string }[];
}

/** The Cloud Functions client deploy-gcf.ts loaded (a type import: nothing is loaded here). */
type FunctionClient = InstanceType<typeof v2.FunctionServiceClient>;

/** Creates or updates the tasks function (and its topic); with dryRun, only says what it would do. */
export async function deployTasksFunction(
  ctx: TargetContext,
  client: FunctionClient,
  clients: GoogleClients,
  settings: ResolvedGoogleSettings,
  options: { storageSource: unknown; sha: string; dryRun: boolean },
): Promise<TasksFunctionStep> {
  const parent = `projects/${clients.project}/locations/${settings.region}`;
  const name = `${parent}/functions/${tasksFunctionName(settings)}`;
  const topic = tasksTopicName(clients.project, settings);
  const keeps = 'The HTTP function is deployed; the tasks function keeps its current revision.';
  const retry = 'run adapt deploy --target gcf again';
  const calls: TasksFunctionStep['calls'] = [];
  const existingTopic = await getTopic(clients, topic).catch((error: unknown) => {
    throw googleFailure(`Reading the topic ${topic}`, error, keeps, retry);
  });
  let current: Fn | undefined;
  try {
    [current] = (await client.getFunction({ name })) as [Fn, ...unknown[]];
  } catch (error) {
    if (statusOf(error) !== 'NOT_FOUND') throw googleFailure(`Reading ${name}`, error, keeps, retry);
  }
  const body = tasksFunctionBody(name, settings, topic, options.storageSource ?? current?.buildConfig?.source?.storageSource);
  const config = configHash(body);
  const same = current?.labels?.['adapt-source'] === options.sha && current?.labels?.['adapt-config'] === config;
  const action: TasksFunctionStep['action'] = !current ? 'create' : same ? 'none' : 'update';
  if (!existingTopic) calls.push({ call: 'pubsub topics.create', detail: topic });
  if (action !== 'none')
    calls.push({
      call: action === 'create' ? 'CreateFunction' : 'UpdateFunction',
      detail: `${tasksFunctionName(settings)}: entry point ${taskEntryPoint}, Pub/Sub trigger ${topic}, internal ingress`,
    });
  const step: TasksFunctionStep = { name: tasksFunctionName(settings), topic, action, topicCreated: !existingTopic && !options.dryRun, calls };
  if (options.dryRun) return step;
  if (!existingTopic)
    await ctx.log.step(`Creating the topic ${topic}`, () =>
      createTopic(clients, topic, { 'adapt-function': settings.name }).catch((error: unknown) => {
        throw googleFailure('Creating the topic', error, keeps, retry);
      }),
    );
  if (action === 'none') return step;
  body.labels = { ...(current?.labels ?? {}), 'adapt-source': options.sha, 'adapt-config': config };
  await ctx.log.step(`${action === 'create' ? 'Creating' : 'Updating'} the tasks function ${tasksFunctionName(settings)}`, async () => {
    try {
      const [operation] =
        action === 'create'
          ? await client.createFunction({ parent, functionId: tasksFunctionName(settings), function: body })
          : await client.updateFunction({ function: body, updateMask: { paths: updateMask } });
      await follow(operation, clients.pollMs, (line) => ctx.log.info(`  ${line}`));
    } catch (error) {
      throw googleFailure(action === 'create' ? 'createFunction (tasks)' : 'updateFunction (tasks)', error, keeps, retry);
    }
  });
  return step;
}

/**
 * For an app that declares no tasks (any more): deletes `<function>-tasks` when adapt deployed it
 * (its `adapt-source` label), so no stale code keeps answering the topic. With dryRun, only says so.
 */
export async function removeTasksFunction(
  ctx: TargetContext,
  client: FunctionClient,
  clients: GoogleClients,
  settings: ResolvedGoogleSettings,
  dryRun: boolean,
): Promise<TasksFunctionStep | undefined> {
  const id = tasksFunctionName(settings);
  const name = `projects/${clients.project}/locations/${settings.region}/functions/${id}`;
  const topic = tasksTopicName(clients.project, settings);
  const keeps = 'The HTTP function is deployed; the tasks function is still there.';
  const retry = 'run adapt deploy --target gcf again';
  let current: Fn | undefined;
  try {
    [current] = (await client.getFunction({ name })) as [Fn, ...unknown[]];
  } catch (error) {
    if (statusOf(error) === 'NOT_FOUND') return undefined;
    throw googleFailure(`Reading ${name}`, error, keeps, retry);
  }
  if (!current?.labels?.['adapt-source']) {
    ctx.log.warn(`${id} exists but adapt did not deploy it (no adapt-source label): left as it is.`);
    return undefined;
  }
  const calls = [{ call: 'DeleteFunction', detail: `${id}: the app declares no tasks now (the topic ${topic} stays)` }];
  const step: TasksFunctionStep = { name: id, topic, action: 'delete', topicCreated: false, calls };
  if (dryRun) return step;
  await ctx.log.step(`Deleting the tasks function ${id} (the app declares no tasks now)`, async () => {
    try {
      const [operation] = await client.deleteFunction({ name });
      await follow(operation, clients.pollMs, (line) => ctx.log.info(`  ${line}`));
    } catch (error) {
      throw googleFailure('deleteFunction (tasks)', error, keeps, retry);
    }
  });
  ctx.log.info(`The topic ${topic} stays; delete it once nothing uses it: gcloud pubsub topics delete ${tasksTopicId(settings.name)} --project ${clients.project}`);
  return step;
}
