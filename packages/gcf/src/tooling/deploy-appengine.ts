/**
 * `adapt deploy --target appengine`: uploads source.zip to Cloud Storage (object named by its
 * hash), creates an App Engine version from it (Admin API versions.create with deployment.zip; the
 * version id carries the hash too), follows the operation, then moves all traffic to it with one
 * services.patch (split). The same build again: the version exists, nothing is uploaded or created.
 * Until the split moves, the previous version keeps serving.
 *
 * `adapt rollback --target appengine`: one services.patch moving traffic back to the version created
 * before the one serving now.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { AdaptError, importSdk, type DeployOptions, type DeployResult, type TargetContext } from '@adapt/core';
import { sha256, sourceZip } from './files.js';
import { follow, googleClients, googleFailure, timeText, statusOf, type GoogleClients, type GoogleRuntime } from './google.js';
import { defaultName, resolveGoogleSettings, type ResolvedGoogleSettings } from './settings.js';
import type { JobChange, ListedJob } from './cloud-scheduler.js';
import { checkSchedules, listSchedules, syncSchedules } from './deploy-schedules.js';

type Obj = Record<string, any>;

export interface AppEngineDeployResult extends DeployResult {
  target: 'appengine';
  project: string;
  service: string;
  version: string;
  previousVersion?: string;
  uploaded: boolean;
  created: boolean;
  trafficMoved: boolean;
  url?: string;
  dryRun: boolean;
  calls?: { call: string; detail: string }[];
  /** Cloud Scheduler jobs created, updated, paused, resumed or deleted (or that would be, on a dry run). */
  schedules?: JobChange[];
}

/** The version id for a source hash: App Engine ids are lowercase letters, digits, hyphens; never `ah-`. */
export const versionId = (sha: string) => `a${sha.slice(0, 20)}`;

function loadAdmin() {
  return importSdk('@google-cloud/appengine-admin', () => import('@google-cloud/appengine-admin'), {
    purpose: 'Deploying to App Engine',
    install: 'npm install --save-dev @google-cloud/appengine-admin @google-cloud/storage google-auth-library',
  });
}

async function clientsFor(clients: GoogleClients) {
  const admin = await loadAdmin();
  const options = clients.clientOptions as ConstructorParameters<typeof admin.v1.VersionsClient>[0];
  return { versions: new admin.v1.VersionsClient(options), services: new admin.v1.ServicesClient(options) };
}

/** App Engine's two oldest locations carry no number; the Cloud location of the same place (where Cloud Scheduler keeps the app's jobs) has it. */
export function cloudLocationOf(locationId: string): string {
  return locationId === 'us-central' || locationId === 'europe-west' ? `${locationId}1` : locationId;
}

/**
 * Where the app's Cloud Scheduler jobs must live: the App Engine app's own location (apps.get),
 * fixed when the app was created. A `region` setting that names another place is refused.
 */
export async function appEngineRegion(clients: GoogleClients, configured: unknown): Promise<string> {
  const admin = await loadAdmin();
  const applications = new admin.v1.ApplicationsClient(clients.clientOptions as ConstructorParameters<typeof admin.v1.ApplicationsClient>[0]);
  let app: Obj;
  try {
    [app] = (await applications.getApplication({ name: `apps/${clients.project}` })) as [Obj, ...unknown[]];
  } catch (error) {
    if (statusOf(error) === 'NOT_FOUND')
      throw new AdaptError('NO_APP_ENGINE_APP', `The project ${clients.project} has no App Engine app.`, {
        hint: `Create it once (its region is fixed for good): gcloud app create --region <region> --project ${clients.project}, then run the command again.`,
      });
    throw googleFailure(`Reading the App Engine app of ${clients.project}`, error, 'Nothing was changed.', 'run the command again');
  } finally {
    await applications.close();
  }
  const region = cloudLocationOf(String(app.locationId ?? ''));
  if (typeof configured === 'string' && configured !== region)
    throw new AdaptError(
      'BAD_SETTING',
      `region ${JSON.stringify(configured)} is not where the App Engine app of ${clients.project} is (${app.locationId}, Cloud location ${region}).`,
      {
        hint: `Remove region from targets.appengine (the app's own is used), or set it to "${region}": an App Engine app's region is fixed when it is created.`,
      },
    );
  return region;
}

async function storageFor(clients: GoogleClients) {
  const { Storage } = await importSdk('@google-cloud/storage', () => import('@google-cloud/storage'), {
    purpose: 'Deploying to App Engine',
    install: 'npm install --save-dev @google-cloud/storage',
  });
  const authClient = await clients.auth.getClient();
  return new Storage({
    projectId: clients.project,
    authClient: authClient as never,
    ...(clients.apiEndpoint ? { apiEndpoint: clients.apiEndpoint, useAuthWithCustomEndpoint: true } : {}),
  });
}

async function readState(
  versions: Obj,
  services: Obj,
  app: string,
  service: string,
): Promise<{ serving: string | undefined; split: Record<string, number>; list: Obj[]; exists: boolean }> {
  let split: Record<string, number> = {};
  let exists = true;
  try {
    const [svc] = await services.getService({ name: `${app}/services/${service}` });
    split = (svc as Obj).split?.allocations ?? {};
  } catch (error) {
    if (statusOf(error) !== 'NOT_FOUND') throw googleFailure(`Reading service ${service}`, error, 'Nothing was changed.', 'run the command again');
    exists = false;
  }
  let list: Obj[] = [];
  if (exists) {
    try {
      [list] = (await versions.listVersions({ parent: `${app}/services/${service}`, view: 'BASIC' }, { autoPaginate: true })) as [Obj[]];
    } catch (error) {
      throw googleFailure(`Listing the versions of ${service}`, error, 'Nothing was changed.', 'run the command again');
    }
  }
  const serving = Object.entries(split).sort((a, b) => Number(b[1]) - Number(a[1]))[0]?.[0];
  return { serving, split, list, exists };
}

async function moveTraffic(ctx: TargetContext, clients: GoogleClients, services: Obj, app: string, service: string, to: string, keeps: string, retry: string): Promise<void> {
  await ctx.log.step(`Moving all traffic of ${service} to ${to} (services.patch split)`, async () => {
    try {
      const [operation] = await services.updateService({ name: `${app}/services/${service}`, service: { split: { allocations: { [to]: 1 } } }, updateMask: { paths: ['split'] } });
      await follow(operation, clients.pollMs, (line) => ctx.log.info(`  ${line}`));
    } catch (error) {
      throw googleFailure('Moving traffic', error, keeps, retry);
    }
  });
}

const urlFor = (project: string, service: string, version: Obj | undefined) =>
  version?.versionUrl ?? (service === 'default' ? `https://${project}.appspot.com` : `https://${service}-dot-${project}.appspot.com`);

function compact<T extends object>(result: T): T {
  return Object.fromEntries(Object.entries(result).filter(([, value]) => value !== undefined)) as T;
}

export async function deployAppEngine(ctx: TargetContext, options: DeployOptions, runtime: GoogleRuntime = {}): Promise<AppEngineDeployResult> {
  const settings: ResolvedGoogleSettings = resolveGoogleSettings('appengine', ctx);
  let zip: Buffer;
  let spec: Obj;
  try {
    zip = await readFile(path.join(ctx.outDir, sourceZip));
    spec = JSON.parse(await readFile(path.join(ctx.outDir, 'version.json'), 'utf8')) as Obj;
  } catch {
    throw new AdaptError('NOT_BUILT', `No App Engine build in ${ctx.outDir}.`, { hint: 'Run `adapt build --target appengine` first (with the same --out, if any).' });
  }
  const sha = sha256(zip);
  const id = versionId(sha);
  // every schedule is checked by Cloud Scheduler's rules before any call to Google
  const plan = await checkSchedules(ctx, 'appengine', defaultName(ctx.appName, ctx.stage));
  const clients = await googleClients(settings, runtime);
  const region = await ctx.log.step(`Reading the App Engine app of ${clients.project}`, () => appEngineRegion(clients, ctx.settings.region));
  const { versions, services } = await clientsFor(clients);
  const withSchedules = async (result: AppEngineDeployResult): Promise<AppEngineDeployResult> => {
    const schedules = await syncSchedules(
      ctx,
      clients,
      region,
      plan,
      { kind: 'appengine', service: settings.name },
      { dryRun: options.dryRun, retry: 'run adapt deploy --target appengine again' },
    );
    return compact({ ...result, schedules });
  };
  try {
    const app = `apps/${clients.project}`;
    const service = settings.name;
    const bucketName = settings.bucket ?? `staging.${clients.project}.appspot.com`;
    const object = `adapt/${service}/${sha}.zip`;
    const state = await ctx.log.step(`Reading ${service} in ${clients.project}`, () => readState(versions, services, app, service));
    const existing = state.list.find((version) => version.id === id);
    const calls: { call: string; detail: string }[] = [
      { call: 'services.get', detail: `${app}/services/${service}` },
      { call: 'versions.list', detail: service },
    ];
    if (!existing) {
      calls.push(
        { call: 'storage objects.get', detail: `gs://${bucketName}/${object}` },
        { call: 'storage objects.insert', detail: `gs://${bucketName}/${object} (${zip.byteLength} bytes, if not there)` },
      );
      calls.push(
        { call: 'versions.create', detail: `${service}/${id}: ${spec.runtime}, ${spec.instanceClass}, ${spec.handlers.length} handlers` },
        { call: 'operations.get', detail: 'until done' },
      );
    }
    if (state.serving !== id) calls.push({ call: 'services.patch', detail: `split allocations {${id}: 1} (was ${state.serving ?? 'none'})` });
    const base = {
      target: 'appengine' as const,
      stage: ctx.stage,
      project: clients.project,
      service,
      version: id,
      previousVersion: state.serving !== id ? state.serving : undefined,
    };
    if (existing && state.serving === id) {
      ctx.log.info(`Version ${id} already holds this build and serves all traffic: nothing to upload, no new version.`);
      return withSchedules({
        ...base,
        uploaded: false,
        created: false,
        trafficMoved: false,
        url: urlFor(clients.project, service, existing),
        dryRun: options.dryRun,
        ...(options.dryRun ? { calls: calls.slice(0, 2) } : {}),
      });
    }
    if (options.dryRun) {
      ctx.log.info('Dry run: these calls would be made, in this order (nothing was changed):');
      for (const call of calls) ctx.log.info(`  ${call.call}  ${call.detail}`);
      return withSchedules({ ...base, uploaded: false, created: false, trafficMoved: false, dryRun: true, calls });
    }
    const keeps = state.serving ? `Version ${state.serving} keeps serving.` : 'Nothing serves yet.';
    const retry = 'run adapt deploy --target appengine again';
    let uploaded = false;
    let created: Obj | undefined = existing;
    if (!existing) {
      const storage = await storageFor(clients);
      const file = storage.bucket(bucketName).file(object);
      const [there] = await file.exists().catch((error: unknown) => {
        throw googleFailure(`Reading gs://${bucketName}/${object}`, error, keeps, retry);
      });
      if (!there) {
        await ctx.log.step(`Uploading source.zip to gs://${bucketName}/${object} (${(zip.byteLength / 1024).toFixed(1)} KiB)`, () =>
          file.save(zip, { resumable: false, contentType: 'application/zip', validation: false }).catch((error: unknown) => {
            throw googleFailure('Uploading the source', error, keeps, retry);
          }),
        );
        uploaded = true;
      }
      const version = { ...spec, id, deployment: { zip: { sourceUrl: `https://storage.googleapis.com/${bucketName}/${object}` } } };
      created = await ctx.log.step(`Creating version ${id} (versions.create)`, async () => {
        try {
          const [operation] = await versions.createVersion({ parent: `${app}/services/${service}`, version });
          return await follow<Obj>(operation, clients.pollMs, (line) => ctx.log.info(`  ${line}`));
        } catch (error) {
          throw googleFailure('Creating the version', error, keeps, retry);
        }
      });
    }
    await moveTraffic(ctx, clients, services, app, service, id, `${keeps} Version ${id} exists and serves no traffic.`, retry);
    const url = urlFor(clients.project, service, created);
    ctx.log.info(`URL: ${url}`);
    return withSchedules({ ...base, uploaded, created: !existing, trafficMoved: true, url, dryRun: false });
  } finally {
    await Promise.all([versions.close(), services.close()]);
  }
}

/** Opens the clients, reads the service's state and runs `use` with them; closes the clients after. */
async function withService<T>(
  ctx: TargetContext,
  runtime: GoogleRuntime,
  use: (session: { clients: GoogleClients; services: Obj; app: string; service: string; state: Awaited<ReturnType<typeof readState>> }) => Promise<T>,
): Promise<T> {
  const settings = resolveGoogleSettings('appengine', ctx);
  const clients = await googleClients(settings, runtime);
  const { versions, services } = await clientsFor(clients);
  try {
    const app = `apps/${clients.project}`;
    const service = settings.name;
    const state = await ctx.log.step(`Reading ${service} in ${clients.project}`, () => readState(versions, services, app, service));
    return await use({ clients, services, app, service, state });
  } finally {
    await Promise.all([versions.close(), services.close()]);
  }
}

export async function rollbackAppEngine(ctx: TargetContext, options: DeployOptions, runtime: GoogleRuntime = {}): Promise<AppEngineDeployResult> {
  return withService(ctx, runtime, async ({ clients, services, app, service, state }) => {
    if (!state.serving) throw new AdaptError('NOTHING_TO_ROLL_BACK', `Service ${service} serves no version.`, { hint: 'Deploy first: adapt deploy --target appengine' });
    const previous = rollbackVersion(state.list, state.serving);
    if (!previous)
      throw new AdaptError('NOTHING_TO_ROLL_BACK', `Version ${state.serving} is the oldest version of ${service}: there is none before it to go back to.`, {
        hint: 'Deploy the version you want: adapt deploy --target appengine',
      });
    const calls = [{ call: 'services.patch', detail: `split allocations {${previous.id}: 1} (was ${state.serving})` }];
    const base = {
      target: 'appengine' as const,
      stage: ctx.stage,
      project: clients.project,
      service,
      version: String(previous.id),
      previousVersion: state.serving,
      uploaded: false,
      created: false,
    };
    if (options.dryRun) {
      ctx.log.info(`Dry run: would move all traffic of ${service} from ${state.serving} back to ${previous.id} in one call:`);
      for (const call of calls) ctx.log.info(`  ${call.call}  ${call.detail}`);
      return compact({ ...base, trafficMoved: false, dryRun: true, calls });
    }
    await moveTraffic(ctx, clients, services, app, service, String(previous.id), `Version ${state.serving} keeps serving.`, 'run adapt rollback --target appengine again');
    return compact({ ...base, trafficMoved: true, url: urlFor(clients.project, service, previous), dryRun: false });
  });
}

/** One version as `adapt deploy --target appengine --list` shows it. */
export interface AppEngineVersionInfo {
  version: string;
  /** The share of the service's traffic it gets (0 to 1). */
  traffic: number;
  servingStatus?: string;
  createTime?: string;
  url?: string;
  /** The version `adapt rollback` would move the traffic to: the one created before the serving one. */
  rollbackTarget: boolean;
}

export interface AppEngineListResult extends DeployResult {
  target: 'appengine';
  project: string;
  service: string;
  serving?: string;
  /** Newest first. */
  versions: AppEngineVersionInfo[];
  /** The Cloud Scheduler jobs deploy made for the app's schedules (absent without @google-cloud/scheduler). */
  schedules?: ListedJob[];
}

/** `adapt deploy --target appengine --list`: the service's versions, newest first, with their traffic; changes nothing. */
export async function listAppEngine(ctx: TargetContext, runtime: GoogleRuntime = {}): Promise<AppEngineListResult> {
  return withService(ctx, runtime, async ({ clients, service, state }) => {
    if (!state.exists) {
      throw new AdaptError('SERVICE_NOT_FOUND', `The App Engine service ${service} does not exist in ${clients.project}.`, {
        hint: `Deploy first: adapt deploy --target appengine --stage ${ctx.stage}`,
      });
    }
    const rollbackTo = state.serving === undefined ? undefined : rollbackVersion(state.list, state.serving)?.id;
    const rows: AppEngineVersionInfo[] = oldestFirst(state.list)
      .reverse()
      .map((version) =>
        compact({
          version: String(version.id),
          traffic: Number(state.split[String(version.id)] ?? 0),
          servingStatus: version.servingStatus === undefined ? undefined : String(version.servingStatus),
          createTime: timeText(version.createTime),
          url: urlFor(clients.project, service, version),
          rollbackTarget: String(version.id) === rollbackTo,
        }),
      );
    ctx.log.info(`${service} in ${clients.project}, newest first:`);
    ctx.log.info(`  ${'version'.padEnd(22)} ${'traffic'.padEnd(8)} ${'status'.padEnd(8)} ${'created'.padEnd(26)}`);
    for (const row of rows) {
      const note = row.rollbackTarget ? '  (adapt rollback goes back to this one)' : '';
      ctx.log.info(
        `  ${row.version.padEnd(22)} ${`${Math.round(row.traffic * 100)}%`.padEnd(8)} ${(row.servingStatus ?? '-').padEnd(8)} ${(row.createTime ?? '-').padEnd(26)}${note}`,
      );
    }
    if (rows.length === 0) ctx.log.info('  (no versions)');
    const region = await ctx.log.step(`Reading the App Engine app of ${clients.project}`, () => appEngineRegion(clients, ctx.settings.region));
    const schedules = await listSchedules(ctx, clients, region, 'appengine', defaultName(ctx.appName, ctx.stage));
    return compact({ target: 'appengine' as const, stage: ctx.stage, project: clients.project, service, serving: state.serving, versions: rows, schedules });
  });
}

/** The version `adapt rollback` moves the traffic back to: the one created before the serving one. */
function rollbackVersion(list: Obj[], serving: string): Obj | undefined {
  const byTime = oldestFirst(list);
  const at = byTime.findIndex((version) => version.id === serving);
  return at > 0 ? byTime[at - 1] : undefined;
}

/** The versions in the order they were created. */
function oldestFirst(list: Obj[]): Obj[] {
  return [...list].sort((a, b) => (timeText(a.createTime) ?? '').localeCompare(timeText(b.createTime) ?? ''));
}
