/**
 * `adapt deploy --target gcf`: Cloud Functions v2 (Cloud Run functions). Reads the function, plans,
 * then: generateUploadUrl, PUT source.zip to the signed URL, createFunction or updateFunction,
 * following the long-running operation. The source's hash is a label (`adapt-source`), so a
 * redeploy of the same build with the same settings uploads nothing and creates no revision.
 * Until the operation succeeds the old revision keeps serving.
 *
 * `adapt rollback --target gcf`: Cloud Run functions keeps no previous revision a function can be
 * pointed back at (a function deploy owns its Cloud Run service's revisions and traffic), so
 * rollback redeploys the previous source adapt kept (.adapt/history), named by the
 * `adapt-previous` label: a new revision with the old code.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AdaptError, importSdk, type DeployOptions, type DeployResult, type TargetContext } from '@adapt/core';
import { entryPoint } from './bundle.js';
import { sha256, sourceZip } from './files.js';
import { follow, googleClients, googleFailure, timeText, putSignedUrl, statusOf, type GoogleClients, type GoogleRuntime } from './google.js';
import { checkTasksFunctionName, deployTasksFunction, removeTasksFunction, tasksTopicName } from './deploy-gcf-tasks.js';
import { checkSchedules, listSchedules, syncSchedules } from './deploy-schedules.js';
import { historyDir, keepSource, keptSource } from './history.js';
import { invokerRole, syncInvoker } from './invoker.js';
import { resolveGoogleSettings, type ResolvedGoogleSettings } from './settings.js';
import type { JobChange, ListedJob } from './cloud-scheduler.js';

type Fn = Record<string, any>;

export interface GcfDeployResult extends DeployResult {
  target: 'gcf';
  project: string;
  region: string;
  functionName: string;
  source: string;
  action: 'create' | 'update' | 'none';
  uploaded: boolean;
  url?: string;
  /** Whether anyone may call the URL (allUsers holds roles/run.invoker); on a dry run, what it is now. Undefined before the function exists. */
  public?: boolean;
  dryRun: boolean;
  calls?: { call: string; detail: string }[];
  changes?: string[];
  /** The tasks function (when the app declares tasks, or deleted once it declares none). */
  tasksFunction?: { name: string; topic: string; action: 'create' | 'update' | 'none' | 'delete' };
  /** Cloud Scheduler jobs created, updated, paused, resumed or deleted (or that would be, on a dry run). */
  schedules?: JobChange[];
}

/** The label value for a source hash (label values hold at most 63 characters). */
export const sourceLabel = (sha: string) => sha.slice(0, 40);

export async function readSource(outDir: string): Promise<{ zip: Buffer; sha: string }> {
  let zip: Buffer;
  try {
    zip = await readFile(path.join(outDir, sourceZip));
  } catch {
    throw new AdaptError('NOT_BUILT', `No source at ${path.join(outDir, sourceZip)}.`, { hint: 'Run `adapt build --target gcf` first (with the same --out, if any).' });
  }
  return { zip, sha: sourceLabel(sha256(zip)) };
}

function desiredConfig(settings: ResolvedGoogleSettings) {
  return {
    runtime: settings.runtime,
    entryPoint,
    availableMemory: `${settings.memory}Mi`,
    timeoutSeconds: settings.timeout,
    environmentVariables: settings.env,
    maxInstanceCount: settings.maxInstances,
    minInstanceCount: settings.minInstances,
    serviceAccountEmail: settings.serviceAccount,
  };
}

/** Fields whose deployed value differs from the settings (Google's own env additions ignored). */
export function configChanges(current: Fn, settings: ResolvedGoogleSettings): string[] {
  const want = desiredConfig(settings);
  const build = current.buildConfig ?? {};
  const service = current.serviceConfig ?? {};
  const env = { ...(service.environmentVariables ?? {}) };
  delete env.LOG_EXECUTION_ID;
  const changes: string[] = [];
  if (build.runtime !== want.runtime) changes.push(`runtime: ${build.runtime} -> ${want.runtime}`);
  if (build.entryPoint !== want.entryPoint) changes.push(`entryPoint: ${build.entryPoint} -> ${want.entryPoint}`);
  if (service.availableMemory !== want.availableMemory) changes.push(`memory: ${service.availableMemory} -> ${want.availableMemory}`);
  if (Number(service.timeoutSeconds) !== want.timeoutSeconds) changes.push(`timeout: ${service.timeoutSeconds}s -> ${want.timeoutSeconds}s`);
  if (JSON.stringify(Object.entries(env).sort()) !== JSON.stringify(Object.entries(want.environmentVariables).sort())) changes.push('env');
  if (want.maxInstanceCount !== undefined && service.maxInstanceCount !== want.maxInstanceCount)
    changes.push(`maxInstances: ${service.maxInstanceCount} -> ${want.maxInstanceCount}`);
  if (want.minInstanceCount !== undefined && (service.minInstanceCount ?? 0) !== want.minInstanceCount)
    changes.push(`minInstances: ${service.minInstanceCount ?? 0} -> ${want.minInstanceCount}`);
  if (want.serviceAccountEmail !== undefined && service.serviceAccountEmail !== want.serviceAccountEmail) changes.push('serviceAccount');
  return changes;
}

function functionBody(name: string, settings: ResolvedGoogleSettings, storageSource: unknown, labels: Record<string, string>): Fn {
  const want = desiredConfig(settings);
  return {
    name,
    environment: 'GEN_2',
    labels,
    buildConfig: { runtime: want.runtime, entryPoint, source: { storageSource } },
    serviceConfig: Object.fromEntries(
      Object.entries({
        availableMemory: want.availableMemory,
        timeoutSeconds: want.timeoutSeconds,
        environmentVariables: want.environmentVariables,
        maxInstanceCount: want.maxInstanceCount,
        minInstanceCount: want.minInstanceCount,
        serviceAccountEmail: want.serviceAccountEmail,
      }).filter(([, value]) => value !== undefined),
    ),
  };
}

const updateMask = (settings: ResolvedGoogleSettings) => [
  'labels',
  'buildConfig.source',
  'buildConfig.runtime',
  'buildConfig.entryPoint',
  'serviceConfig.availableMemory',
  'serviceConfig.timeoutSeconds',
  'serviceConfig.environmentVariables',
  ...(settings.maxInstances !== undefined ? ['serviceConfig.maxInstanceCount'] : []),
  ...(settings.minInstances !== undefined ? ['serviceConfig.minInstanceCount'] : []),
  ...(settings.serviceAccount !== undefined ? ['serviceConfig.serviceAccountEmail'] : []),
];

async function functionClient(clients: GoogleClients) {
  const { v2 } = await importSdk('@google-cloud/functions', () => import('@google-cloud/functions'), {
    purpose: 'Deploying to Cloud Run functions',
    install: 'npm install --save-dev @google-cloud/functions google-auth-library',
  });
  return new v2.FunctionServiceClient(clients.clientOptions as ConstructorParameters<typeof v2.FunctionServiceClient>[0]);
}

async function getFunction(client: Awaited<ReturnType<typeof functionClient>>, name: string): Promise<Fn | undefined> {
  try {
    const [fn] = await client.getFunction({ name });
    return fn as Fn;
  } catch (error) {
    if (statusOf(error) === 'NOT_FOUND') return undefined;
    throw googleFailure(`Reading ${name}`, error, 'Nothing was changed.', 'run the command again');
  }
}

interface Shipment {
  ctx: TargetContext;
  settings: ResolvedGoogleSettings;
  clients: GoogleClients;
  client: Awaited<ReturnType<typeof functionClient>>;
  name: string;
  current: Fn | undefined;
  zip: Buffer;
  labels: Record<string, string>;
  /** Reuse the deployed source instead of uploading (same hash). */
  reuseSource: boolean;
  verb: 'deploy' | 'rollback';
}

/** Upload (unless reused), then create or update; returns the function as the operation left it. */
async function ship(s: Shipment): Promise<Fn> {
  const { ctx, client, clients, name } = s;
  const parent = name.replace(/\/functions\/[^/]+$/, '');
  const keeps = s.current ? 'The function keeps serving its current revision.' : 'Nothing was created.';
  const retry = `run adapt ${s.verb} --target gcf again`;
  let storageSource: unknown = s.current?.buildConfig?.source?.storageSource;
  if (!s.reuseSource) {
    const upload = await ctx.log.step('Asking for an upload URL (generateUploadUrl)', async () => {
      try {
        const [answer] = await client.generateUploadUrl({ parent, environment: 'GEN_2' });
        return answer as Fn;
      } catch (error) {
        throw googleFailure('generateUploadUrl', error, keeps, retry);
      }
    });
    await ctx.log.step(`Uploading source.zip (${(s.zip.byteLength / 1024).toFixed(1)} KiB)`, () => putSignedUrl(String(upload.uploadUrl), s.zip, keeps, retry));
    storageSource = upload.storageSource;
  }
  const body = functionBody(name, s.settings, storageSource, s.labels);
  const title = s.current ? `Updating ${s.settings.name} (updateFunction)` : `Creating ${s.settings.name} (createFunction)`;
  return ctx.log.step(title, async () => {
    try {
      const [operation] = s.current
        ? await client.updateFunction({ function: body, updateMask: { paths: updateMask(s.settings) } })
        : await client.createFunction({ parent, functionId: s.settings.name, function: body });
      return await follow<Fn>(operation, clients.pollMs, (line) => ctx.log.info(`  ${line}`));
    } catch (error) {
      throw googleFailure(s.current ? 'updateFunction' : 'createFunction', error, keeps, retry);
    }
  });
}

const urlOf = (fn: Fn | undefined): string | undefined => fn?.url || fn?.serviceConfig?.uri || undefined;

function compact<T extends object>(result: T): T {
  return Object.fromEntries(Object.entries(result).filter(([, value]) => value !== undefined)) as T;
}

export async function deployGcf(ctx: TargetContext, options: DeployOptions, runtime: GoogleRuntime = {}): Promise<GcfDeployResult> {
  const settings = resolveGoogleSettings('gcf', ctx);
  const { zip, sha } = await readSource(ctx.outDir);
  // every schedule is checked by Cloud Scheduler's rules before any call to Google
  const plan = await checkSchedules(ctx, 'gcf', settings.name);
  const hasTasks = plan.manifest.tasks.length > 0;
  if (hasTasks) checkTasksFunctionName(settings);
  const clients = await googleClients(settings, runtime);
  const client = await functionClient(clients);
  try {
    const { result, storageSource } = await deployHttpFunction(ctx, options, runtime, { settings, zip, sha, clients, client });
    const retry = 'run adapt deploy --target gcf again';
    const tasks = hasTasks
      ? await deployTasksFunction(ctx, client, clients, settings, { storageSource, sha, dryRun: options.dryRun })
      : await removeTasksFunction(ctx, client, clients, settings, options.dryRun);
    if (tasks && options.dryRun) for (const call of tasks.calls) ctx.log.info(`  ${call.call}  ${call.detail}`);
    const topic = tasks?.topic ?? tasksTopicName(clients.project, settings);
    const schedules = await syncSchedules(ctx, clients, settings.region, plan, { kind: 'pubsub', topic }, { dryRun: options.dryRun, retry });
    return compact({
      ...result,
      calls: result.calls ? [...result.calls, ...(tasks?.calls ?? [])] : undefined,
      tasksFunction: tasks ? { name: tasks.name, topic: tasks.topic, action: tasks.action } : undefined,
      schedules,
    });
  } finally {
    await client.close();
  }
}

interface HttpDeploy {
  settings: ResolvedGoogleSettings;
  zip: Buffer;
  sha: string;
  clients: GoogleClients;
  client: Awaited<ReturnType<typeof functionClient>>;
}

/** The HTTP function's part of a deploy; the storage source it now runs (undefined on a dry run that would upload). */
async function deployHttpFunction(
  ctx: TargetContext,
  options: DeployOptions,
  runtime: GoogleRuntime,
  { settings, zip, sha, clients, client }: HttpDeploy,
): Promise<{ result: GcfDeployResult; storageSource: unknown }> {
  const name = `projects/${clients.project}/locations/${settings.region}/functions/${settings.name}`;
  const current = await ctx.log.step(`Reading ${settings.name} in ${clients.project}/${settings.region}`, () => getFunction(client, name));
  const deployedSha = current?.labels?.['adapt-source'] as string | undefined;
  const sameSource = current !== undefined && deployedSha === sha && current.buildConfig?.source?.storageSource !== undefined;
  const changes = current ? configChanges(current, settings) : ['new function'];
  const action: GcfDeployResult['action'] = !current ? 'create' : sameSource && changes.length === 0 ? 'none' : 'update';
  const calls: { call: string; detail: string }[] = [{ call: 'GetFunction', detail: name }];
  if (action !== 'none' && !sameSource)
    calls.push(
      { call: 'GenerateUploadUrl', detail: `parent ${name.replace(/\/functions\/.*/, '')}` },
      { call: 'PUT signed URL', detail: `source.zip, ${zip.byteLength} bytes, sha256 ${sha}` },
    );
  if (action === 'create')
    calls.push({ call: 'CreateFunction', detail: `${settings.name}: ${settings.runtime}, entry point ${entryPoint}, ${settings.memory} MiB, ${settings.timeout}s` });
  if (action === 'update')
    calls.push({ call: 'UpdateFunction', detail: `${sameSource ? 'configuration only (same source)' : 'new source'}${changes.length ? `; ${changes.join(', ')}` : ''}` });
  if (action !== 'none') calls.push({ call: 'GetOperation', detail: 'until done (progress printed)' });
  const base = { target: 'gcf' as const, stage: ctx.stage, project: clients.project, region: settings.region, functionName: settings.name, source: sha, action };
  if (action === 'none') {
    ctx.log.info(`${settings.name} already runs this source (${sha.slice(0, 12)}) with these settings: nothing to upload, no new revision.`);
    if (urlOf(current)) ctx.log.info(`URL: ${urlOf(current)}`);
    const isPublic = await syncAccess(ctx, clients, settings, current, options.dryRun, calls);
    if (options.dryRun && calls.some((call) => call.call.startsWith('SetIamPolicy'))) {
      ctx.log.info('Dry run: these calls would be made, in this order (nothing was changed):');
      for (const call of calls) ctx.log.info(`  ${call.call}  ${call.detail}`);
    }
    return {
      result: compact({ ...base, uploaded: false, url: urlOf(current), public: isPublic, dryRun: options.dryRun, ...(options.dryRun ? { calls, changes: [] } : {}) }),
      storageSource: current?.buildConfig?.source?.storageSource,
    };
  }
  if (options.dryRun) {
    const isPublic = await syncAccess(ctx, clients, settings, current, true, calls);
    ctx.log.info('Dry run: these calls would be made, in this order (nothing was changed):');
    for (const call of calls) ctx.log.info(`  ${call.call}  ${call.detail}`);
    return {
      result: compact({ ...base, uploaded: false, url: urlOf(current), public: isPublic, dryRun: true, calls, changes }),
      storageSource: sameSource ? current?.buildConfig?.source?.storageSource : undefined,
    };
  }
  const labels: Record<string, string> = {
    ...(current?.labels ?? {}),
    'adapt-source': sha,
    'adapt-stage': ctx.stage
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, '-')
      .slice(0, 63),
  };
  if (deployedSha && deployedSha !== sha) labels['adapt-previous'] = deployedSha;
  await keepSource(historyDir(ctx.cwd, 'gcf', ctx.stage, runtime.historyDir), sha, zip);
  const fn = await ship({ ctx, settings, clients, client, name, current, zip, labels, reuseSource: sameSource, verb: 'deploy' });
  const isPublic = await syncAccess(ctx, clients, settings, fn, false, calls);
  const url = urlOf(fn);
  if (url) ctx.log.info(`URL: ${url}${isPublic === false ? ' (callers need IAM: public is false)' : ''}`);
  return { result: compact({ ...base, uploaded: !sameSource, url, public: isPublic, dryRun: false, changes }), storageSource: fn?.buildConfig?.source?.storageSource };
}

/**
 * Makes the function's URL callable by anyone or only with IAM, as `public` says (every deploy
 * checks it, so changing that setting alone takes effect without a new revision). Returns what
 * it is now; undefined when there is no function yet (a dry run of a first deploy).
 */
async function syncAccess(
  ctx: TargetContext,
  clients: GoogleClients,
  settings: ResolvedGoogleSettings,
  fn: Fn | undefined,
  dryRun: boolean,
  calls: { call: string; detail: string }[],
): Promise<boolean | undefined> {
  const service = fn?.serviceConfig?.service as string | undefined;
  const change = settings.public ? `add allUsers ${invokerRole}` : `remove allUsers ${invokerRole}`;
  if (!service) {
    if (!fn) {
      if (settings.public) calls.push({ call: 'SetIamPolicy (Cloud Run)', detail: `${change} on the new function's service` });
      return undefined;
    }
    ctx.log.warn(`${settings.name} names no Cloud Run service (serviceConfig.service), so who may call it was left as it is.`);
    return undefined;
  }
  calls.push({ call: 'GetIamPolicy (Cloud Run)', detail: service });
  const title = dryRun
    ? `Reading who may call ${settings.name} (getIamPolicy)`
    : settings.public
      ? `Letting anyone call ${settings.name} (allUsers ${invokerRole})`
      : `Leaving ${settings.name} to callers with IAM`;
  const sync = await ctx.log.step(title, () =>
    syncInvoker(clients, service, settings.public, {
      dryRun,
      deployed: 'The function itself is deployed and serving; only who may call it is not as asked.',
      retry: 'run adapt deploy --target gcf again',
    }),
  );
  if (sync.changed) calls.push({ call: 'SetIamPolicy (Cloud Run)', detail: `${change} on ${service}` });
  return sync.public;
}

export async function rollbackGcf(ctx: TargetContext, options: DeployOptions, runtime: GoogleRuntime = {}): Promise<GcfDeployResult> {
  const settings = resolveGoogleSettings('gcf', ctx);
  const clients = await googleClients(settings, runtime);
  const client = await functionClient(clients);
  try {
    const name = `projects/${clients.project}/locations/${settings.region}/functions/${settings.name}`;
    const current = await ctx.log.step(`Reading ${settings.name}`, () => getFunction(client, name));
    if (!current)
      throw new AdaptError('NOTHING_TO_ROLL_BACK', `${settings.name} does not exist in ${clients.project}/${settings.region}.`, {
        hint: 'Deploy it first: adapt deploy --target gcf',
      });
    const currentSha = current.labels?.['adapt-source'] as string | undefined;
    const previous = current.labels?.['adapt-previous'] as string | undefined;
    if (!previous) {
      throw new AdaptError('NOTHING_TO_ROLL_BACK', `${settings.name} has no earlier source deployed by adapt (no adapt-previous label).`, {
        hint: 'Cloud Run functions keeps no previous revision to point back at; deploy the version you want instead: adapt build --target gcf && adapt deploy --target gcf',
      });
    }
    const dir = historyDir(ctx.cwd, 'gcf', ctx.stage, runtime.historyDir);
    const zip = await keptSource(dir, previous);
    if (!zip) {
      throw new AdaptError('SOURCE_NOT_KEPT', `The previous source (${previous.slice(0, 12)}) is not in ${dir}: it was deployed from another machine or the folder was cleaned.`, {
        hint: 'Check out the commit that was deployed before, then adapt build --target gcf && adapt deploy --target gcf.',
      });
    }
    const calls = [
      { call: 'GenerateUploadUrl', detail: 'for the previous source' },
      { call: 'PUT signed URL', detail: `${previous}.zip, ${zip.byteLength} bytes` },
      { call: 'UpdateFunction', detail: `source ${previous.slice(0, 12)} (was ${currentSha?.slice(0, 12) ?? 'unknown'})` },
      { call: 'GetOperation', detail: 'until done' },
    ];
    const base = {
      target: 'gcf' as const,
      stage: ctx.stage,
      project: clients.project,
      region: settings.region,
      functionName: settings.name,
      source: previous,
      action: 'update' as const,
    };
    if (options.dryRun) {
      ctx.log.info('Dry run: rollback redeploys the previous source (Cloud Run functions has no revision to move traffic back to). These calls would be made:');
      for (const call of calls) ctx.log.info(`  ${call.call}  ${call.detail}`);
      return compact({ ...base, uploaded: false, url: urlOf(current), dryRun: true, calls });
    }
    const labels: Record<string, string> = { ...(current.labels ?? {}), 'adapt-source': previous };
    if (currentSha) labels['adapt-previous'] = currentSha;
    const fn = await ship({ ctx, settings, clients, client, name, current, zip, labels, reuseSource: false, verb: 'rollback' });
    ctx.log.info(`${settings.name} runs the previous source again (${previous.slice(0, 12)}), as a new revision.`);
    return compact({ ...base, uploaded: true, url: urlOf(fn), dryRun: false });
  } finally {
    await client.close();
  }
}

export interface GcfListResult extends DeployResult {
  target: 'gcf';
  project: string;
  region: string;
  functionName: string;
  /** The function's state (ACTIVE, DEPLOYING, FAILED...). */
  state?: string;
  url?: string;
  /** The source hash it runs (the adapt-source label), and the one before it (adapt-previous). */
  source?: string;
  previous?: string;
  /** Whether the previous source is kept on this machine, so that `adapt rollback` can redeploy it. */
  previousKept?: boolean;
  /** The Cloud Run revision serving, and when the function last changed. */
  revision?: string;
  updateTime?: string;
  runtime?: string;
  /** The Cloud Scheduler jobs deploy made for the app's schedules (absent without @google-cloud/scheduler). */
  schedules?: ListedJob[];
}

/**
 * `adapt deploy --target gcf --list`: what the function runs and what rollback would go back to.
 * Cloud Run functions keeps one revision per function deploy and no history adapt can point back
 * at, so this is the current source and the previous one (labels), not a list of versions.
 */
export async function listGcf(ctx: TargetContext, runtime: GoogleRuntime = {}): Promise<GcfListResult> {
  const settings = resolveGoogleSettings('gcf', ctx);
  const clients = await googleClients(settings, runtime);
  const client = await functionClient(clients);
  try {
    const name = `projects/${clients.project}/locations/${settings.region}/functions/${settings.name}`;
    const fn = await ctx.log.step(`Reading ${settings.name} in ${clients.project}/${settings.region}`, () => getFunction(client, name));
    if (!fn) {
      throw new AdaptError('FUNCTION_NOT_FOUND', `The function ${settings.name} does not exist in ${clients.project}/${settings.region}.`, {
        hint: `Deploy first: adapt deploy --target gcf --stage ${ctx.stage}`,
      });
    }
    const source = fn.labels?.['adapt-source'] as string | undefined;
    const previous = fn.labels?.['adapt-previous'] as string | undefined;
    const previousKept = previous === undefined ? undefined : (await keptSource(historyDir(ctx.cwd, 'gcf', ctx.stage, runtime.historyDir), previous)) !== undefined;
    const result: GcfListResult = compact({
      target: 'gcf' as const,
      stage: ctx.stage,
      project: clients.project,
      region: settings.region,
      functionName: settings.name,
      state: fn.state === undefined ? undefined : String(fn.state),
      url: urlOf(fn),
      source,
      previous,
      previousKept,
      revision: (fn.serviceConfig?.revision as string | undefined) || undefined,
      updateTime: timeText(fn.updateTime),
      runtime: (fn.buildConfig?.runtime as string | undefined) || undefined,
    });
    ctx.log.info(`${settings.name} in ${clients.project}/${settings.region}: ${result.state ?? 'state unknown'}${result.revision ? `, revision ${result.revision}` : ''}`);
    if (result.url) ctx.log.info(`  URL       ${result.url}`);
    ctx.log.info(`  source    ${source ?? '(not deployed by adapt: no adapt-source label)'}${result.updateTime ? `, updated ${result.updateTime}` : ''}`);
    if (previous)
      ctx.log.info(
        `  previous  ${previous}${previousKept ? ' (kept here: adapt rollback redeploys it)' : ' (not kept on this machine: adapt rollback cannot redeploy it from here)'}`,
      );
    else ctx.log.info('  previous  (none: adapt rollback has nothing to go back to)');
    const schedules = await listSchedules(ctx, clients, settings.region, 'gcf', settings.name);
    return compact({ ...result, schedules });
  } finally {
    await client.close();
  }
}
