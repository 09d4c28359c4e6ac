/**
 * `adapt deploy --target iisnode --to azure`: Azure App Service on Windows (which runs Node apps
 * through iisnode). Reads the app through Azure Resource Manager, merges the app settings the build
 * asks for into the ones already set (never dropping one set in the portal), then zip-deploys the
 * built .adapt/iisnode folder through Kudu (`POST /api/zipdeploy?isAsync=true`: 202 and a Location
 * to poll until the deployment record says complete, status 4 success or 3 failed). Kudu makes a
 * deployment active only when it succeeds, so a failed one leaves the previous one serving.
 *
 * Why zipdeploy and not OneDeploy (`/api/publish?type=zip`): both expand a zip into wwwroot on
 * Windows, but zipdeploy's deployment record carries the `message` given with the upload, which is
 * where adapt records the package hash (`adapt sha256:<hex>`): a redeploy of the same package finds
 * it on the active deployment and uploads nothing, and rollback finds the previous package in
 * Kudu's deployment history. The hash is not an app setting because changing an app setting
 * restarts the app.
 *
 * `adapt rollback --target iisnode --to azure`: Kudu's history of zip deployments is read-only (it
 * keeps no copy of the zip to redeploy), so adapt keeps each package it deployed under
 * .adapt/history/iisnode-azure/<stage>/ and re-publishes the previous one that Kudu's history names.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AdaptError, type DeployOptions, type DeployResult, type TargetContext } from '@adapt/core';
import { deterministicZip } from '@adapt/lambda/target';
import { type AzureClients, type AzureRuntime, azureClients, azureFailure } from './azure-client.js';
import { type AzureSettings, resolveAzureSettings } from './azure-settings.js';

/** The build's app settings file (written by `adapt build --target iisnode`); not part of the zip. */
export const appSettingsFile = 'azure-app-settings.json';
/** How a deployment message names the package adapt shipped. */
export const packageMarker = (sha: string) => `adapt sha256:${sha}`;
const markerPattern = /adapt sha256:([0-9a-f]{64})/;

/** Kudu's DeployStatus values. */
const kuduStatus: Record<number, string> = { 0: 'pending', 1: 'building', 2: 'deploying', 3: 'failed', 4: 'success' };

interface KuduDeployment {
  id: string;
  status: number;
  status_text?: string;
  progress?: string;
  message?: string;
  complete: boolean;
  active: boolean;
  received_time?: string;
  end_time?: string;
}

export interface AzureDeployResult extends DeployResult {
  target: 'iisnode';
  to: 'azure';
  site: string;
  slot?: string;
  url?: string;
  /** SHA-256 (hex) of the package zip now (or, with --dry-run, to be) served. */
  package: string;
  previous?: string;
  uploaded: boolean;
  changed: boolean;
  dryRun: boolean;
  basicAuth: 'on' | 'off' | 'unknown';
  appSettings: { changed: string[] };
  deployment?: string;
  plan?: string[];
}

interface Site {
  name: string;
  label: string;
  scmHost: string;
  url: string | undefined;
}

interface Session {
  ctx: TargetContext;
  settings: AzureSettings;
  clients: AzureClients;
  site: Site;
  basicAuth: AzureDeployResult['basicAuth'];
}

export async function readPackage(outDir: string): Promise<{ zip: Buffer; sha: string; appSettings: Record<string, string> }> {
  if (!existsSync(path.join(outDir, 'web.config')) || !existsSync(path.join(outDir, appSettingsFile)))
    throw new AdaptError('NOT_BUILT', `${outDir} holds no iisnode build (no web.config or ${appSettingsFile})`, {
      hint: 'build it first: adapt build --target iisnode (or drop --no-build)',
    });
  const entries: { name: string; data: Uint8Array }[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const item of await readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, item.name);
      const name = path.relative(outDir, full).split(path.sep).join('/');
      if (name === appSettingsFile) continue;
      if (item.isDirectory()) await walk(full);
      else if (item.isFile()) entries.push({ name, data: await readFile(full) });
    }
  };
  await walk(outDir);
  const zip = await deterministicZip(entries);
  const appSettings = JSON.parse(await readFile(path.join(outDir, appSettingsFile), 'utf8')) as Record<string, string>;
  return { zip, sha: createHash('sha256').update(zip).digest('hex'), appSettings };
}

/** The app settings after the merge: every existing one kept, the build's set over them. */
export function mergeAppSettings(existing: Record<string, string>, wanted: Record<string, string>): { merged: Record<string, string>; changed: string[] } {
  const changed = Object.keys(wanted).filter((key) => existing[key] !== wanted[key]);
  return { merged: { ...existing, ...wanted }, changed };
}

const historyDir = (ctx: TargetContext, runtime: AzureRuntime) => path.join(runtime.historyDir ?? path.join(ctx.cwd, '.adapt', 'history'), 'iisnode-azure', ctx.stage);

async function open(ctx: TargetContext, runtime: AzureRuntime, verb: 'deploy' | 'rollback' | 'deploy --list'): Promise<Session> {
  const settings = resolveAzureSettings(ctx.settings.azure);
  let scmHost = '';
  const clients = await azureClients(settings, () => scmHost, runtime);
  const { resourceGroup, site: name, slot } = settings;
  const label = slot ? `${name}/${slot}` : name;
  const retry = `run adapt ${verb} --target iisnode --to azure again`;
  const site = await ctx.log.step(`Reading the app ${label} in ${resourceGroup}`, async () => {
    try {
      return slot ? await clients.webApps.getSlot(resourceGroup, name, slot) : await clients.webApps.get(resourceGroup, name);
    } catch (error) {
      throw azureFailure(`Reading the app ${label}`, error, 'Nothing was changed.', retry);
    }
  });
  if (/linux/i.test(site.kind ?? ''))
    throw new AdaptError('SITE_NOT_WINDOWS', `${label} is a Linux app (kind ${site.kind}); iisnode and web.config only run on App Service on Windows`, {
      hint: 'deploy to a Windows app (az webapp create --runtime "NODE:24LTS" on a Windows plan), or use the node target for Linux',
    });
  scmHost = site.hostNameSslStates?.find((state) => state.hostType === 'Repository')?.name ?? site.enabledHostNames?.find((host) => host.includes('.scm.')) ?? '';
  if (!scmHost)
    throw new AdaptError('AZURE_ERROR', `${label} names no SCM (Kudu) host name`, { hint: 'check that the app is an App Service web app, not a static site or container app' });
  if (site.state && site.state !== 'Running') {
    ctx.log.warn(
      verb === 'deploy --list'
        ? `${label} is ${site.state}: it serves nothing until started (az webapp start)`
        : `${label} is ${site.state}: it will serve the deployment once started (az webapp start)`,
    );
  }
  const main = site.hostNameSslStates?.find((state) => state.hostType === 'Standard')?.name ?? site.defaultHostName;
  let basicAuth: AzureDeployResult['basicAuth'] = 'unknown';
  try {
    const policy = slot ? await clients.webApps.getScmAllowedSlot(resourceGroup, name, slot) : await clients.webApps.getScmAllowed(resourceGroup, name);
    basicAuth = policy.allow ? 'on' : 'off';
  } catch (error) {
    if (settings.auth === 'basic') throw azureFailure('Reading basicPublishingCredentialsPolicies/scm', error, 'Nothing was changed.', retry);
  }
  if (settings.auth === 'basic') {
    if (basicAuth === 'off')
      throw new AdaptError('BASIC_AUTH_DISABLED', `SCM basic auth is off for ${label} (basicPublishingCredentialsPolicies/scm allow: false, Azure's default for new apps)`, {
        hint: `remove auth: 'basic' to deploy with a Microsoft Entra token (the default), or allow basic auth: az resource update --resource-group ${resourceGroup} --namespace Microsoft.Web --resource-type basicPublishingCredentialsPolicies --name scm --parent sites/${name} --set properties.allow=true`,
      });
    try {
      const poller = slot ? clients.webApps.listPublishingCredentialsSlot(resourceGroup, name, slot) : clients.webApps.listPublishingCredentials(resourceGroup, name);
      const user = await poller.pollUntilDone();
      clients.useBasic(user.publishingUserName ?? '', user.publishingPassword ?? '');
    } catch (error) {
      throw azureFailure('Reading the publishing credentials', error, 'Nothing was changed.', retry);
    }
  }
  return { ctx, settings, clients, basicAuth, site: { name, label, scmHost, url: main ? `https://${main}` : undefined } };
}

async function deployments(s: Session, retry: string): Promise<KuduDeployment[]> {
  const response = await s.clients.kudu('GET', '/api/deployments').catch((error: unknown) => {
    throw azureFailure('Reading Kudu deployments', error, 'Nothing was changed.', retry);
  });
  if (response.status !== 200) throw kuduFailure('Reading Kudu deployments', response.status, response.text, 'Nothing was changed.', retry);
  const list = JSON.parse(response.text || '[]') as KuduDeployment[];
  return list.sort((a, b) => Date.parse(b.received_time ?? '') - Date.parse(a.received_time ?? ''));
}

const shaOf = (deployment: KuduDeployment | undefined) => deployment?.message?.match(markerPattern)?.[1];

function kuduFailure(what: string, status: number, text: string, keeps: string, retry: string): AdaptError {
  const detail = text.trim().split('\n')[0]?.slice(0, 300);
  const error = Object.assign(new Error(detail || `HTTP ${status}`), { statusCode: status });
  return azureFailure(what, error, keeps, retry);
}

/** POSTs the zip to Kudu and follows the deployment to its end; returns the deployment id. */
async function zipDeploy(s: Session, zip: Buffer, message: string, verb: 'deploy' | 'rollback'): Promise<string> {
  const { ctx, clients } = s;
  const keeps = 'The app keeps serving its current deployment.';
  const retry = `run adapt ${verb} --target iisnode --to azure again`;
  const query = new URLSearchParams({ isAsync: 'true', deployer: 'adapt', message });
  const started = await ctx.log.step(`Uploading the package to ${s.site.scmHost} (${(zip.byteLength / 1024).toFixed(1)} KiB, zipdeploy)`, async () => {
    const response = await clients.kudu('POST', `/api/zipdeploy?${query}`, zip, 'application/zip').catch((error: unknown) => {
      throw azureFailure('The zip deploy', error, keeps, retry);
    });
    if (response.status === 409)
      throw new AdaptError('DEPLOY_IN_PROGRESS', `Kudu refused the upload: a deployment is already in progress on ${s.site.label} (409). ${keeps}`, {
        hint: `wait for it to finish (https://${s.site.scmHost}/api/deployments/latest), then ${retry}`,
      });
    if (response.status !== 202 && response.status !== 200) throw kuduFailure('The zip deploy', response.status, response.text, keeps, retry);
    return response;
  });
  const location = started.headers.get('location') ?? '/api/deployments/latest';
  const deadline = Date.now() + s.settings.timeout * 1000;
  let last = '';
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, clients.pollMs));
    const response = await clients.kudu('GET', location).catch((error: unknown) => {
      throw azureFailure('Reading the deployment status', error, keeps, retry);
    });
    if (response.status !== 200 && response.status !== 202) throw kuduFailure('Reading the deployment status', response.status, response.text, keeps, retry);
    let deployment: KuduDeployment;
    try {
      deployment = JSON.parse(response.text) as KuduDeployment;
    } catch {
      throw kuduFailure('Reading the deployment status (not a deployment record)', response.status, response.text, keeps, retry);
    }
    const line = `  ${kuduStatus[deployment.status] ?? `status ${deployment.status}`}${deployment.progress ? `: ${deployment.progress}` : ''}`;
    if (line !== last) ctx.log.info(line);
    last = line;
    if (deployment.complete && deployment.status === 4) return deployment.id;
    if (deployment.complete || deployment.status === 3) {
      const tail = await logTail(s, deployment.id);
      throw new AdaptError(
        'DEPLOY_FAILED',
        `Kudu deployment ${deployment.id} failed${deployment.status_text ? ` (${deployment.status_text})` : ''}. ${keeps}${tail ? `\nKudu's log ends with:\n${tail}` : ''}`,
        {
          hint: `fix the cause in the log (the whole log: https://${s.site.scmHost}/api/deployments/${deployment.id}/log), then ${retry}`,
        },
      );
    }
    if (Date.now() > deadline)
      throw new AdaptError(
        'DEPLOY_TIMEOUT',
        `Kudu deployment ${deployment.id} did not finish within ${s.settings.timeout} s (still ${kuduStatus[deployment.status] ?? deployment.status})`,
        {
          hint: `it may still finish: watch https://${s.site.scmHost}/api/deployments/${deployment.id}; raise targets.iisnode.azure.timeout if the app needs longer`,
        },
      );
  }
}

/** The last lines of a deployment's log, the failing entry's details included. */
async function logTail(s: Session, id: string): Promise<string> {
  try {
    const response = await s.clients.kudu('GET', `/api/deployments/${encodeURIComponent(id)}/log`);
    if (response.status !== 200) return '';
    const entries = JSON.parse(response.text) as { message?: string; details_url?: string | null }[];
    const lines = entries.map((entry) => entry.message ?? '');
    const detailed = [...entries].reverse().find((entry) => entry.details_url);
    if (detailed?.details_url) {
      const details = await s.clients.kudu('GET', detailed.details_url);
      if (details.status === 200) lines.push(...(JSON.parse(details.text) as { message?: string }[]).map((entry) => `  ${entry.message ?? ''}`));
    }
    return lines
      .filter((line) => line.trim() !== '')
      .slice(-10)
      .join('\n');
  } catch {
    return '';
  }
}

async function keepPackage(dir: string, sha: string, zip: Buffer): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${sha}.zip`);
  if (!existsSync(file)) await writeFile(file, zip);
}

function dryRunReport(ctx: TargetContext, plan: string[]): void {
  ctx.log.info('Dry run: nothing was changed. The plan:');
  for (const line of plan) ctx.log.info(`  ${line}`);
}

export async function deployAzure(ctx: TargetContext, options: DeployOptions, runtime: AzureRuntime = {}): Promise<AzureDeployResult> {
  const { zip, sha, appSettings } = await readPackage(ctx.outDir);
  const wanted = { ...appSettings, SCM_DO_BUILD_DURING_DEPLOYMENT: 'false' };
  const s = await open(ctx, runtime, 'deploy');
  const { resourceGroup, site: name, slot } = s.settings;
  const retry = 'run adapt deploy --target iisnode --to azure again';
  const existing = await ctx.log.step('Reading the app settings', async () => {
    try {
      const dictionary = slot
        ? await s.clients.webApps.listApplicationSettingsSlot(resourceGroup, name, slot)
        : await s.clients.webApps.listApplicationSettings(resourceGroup, name);
      return { ...(dictionary.properties ?? {}) };
    } catch (error) {
      throw azureFailure('Reading the app settings', error, 'Nothing was changed.', retry);
    }
  });
  const { merged, changed } = mergeAppSettings(existing, wanted);
  const active = (await deployments(s, retry)).find((deployment) => deployment.active);
  const served = shaOf(active?.status === 4 ? active : undefined);
  const upload = served !== sha;
  const plan = [
    `app ${s.site.label} in ${resourceGroup} (Kudu at ${s.site.scmHost}; SCM basic auth ${s.basicAuth}; signing in with ${s.settings.auth === 'basic' ? 'the publishing credentials' : 'a Microsoft Entra token'})`,
    ...(changed.length
      ? changed.map(
          (key) => `app setting ${key}: ${existing[key] === undefined ? '(unset)' : JSON.stringify(existing[key])} -> ${JSON.stringify(wanted[key as keyof typeof wanted])}`,
        )
      : ['app settings: unchanged']),
    upload
      ? `upload: POST /api/zipdeploy?isAsync=true, ${zip.byteLength} bytes, sha256 ${sha.slice(0, 12)} (serving: ${served ? served.slice(0, 12) : 'no package from adapt'})`
      : `upload: none (the app already serves package ${sha.slice(0, 12)})`,
  ];
  const result: AzureDeployResult = {
    target: 'iisnode',
    to: 'azure',
    stage: ctx.stage,
    site: name,
    ...(slot ? { slot } : {}),
    ...(s.site.url ? { url: s.site.url } : {}),
    package: sha,
    ...(served && served !== sha ? { previous: served } : {}),
    uploaded: false,
    changed: upload || changed.length > 0,
    dryRun: options.dryRun,
    basicAuth: s.basicAuth,
    appSettings: { changed },
  };
  if (options.dryRun) {
    dryRunReport(ctx, plan);
    return { ...result, plan };
  }
  if (!result.changed) {
    ctx.log.info(`${s.site.label} already serves this package (${sha.slice(0, 12)}) with these app settings: nothing uploaded.`);
    return result;
  }
  if (changed.length > 0) {
    // before the upload: SCM_DO_BUILD_DURING_DEPLOYMENT=false must be in place when Kudu takes the zip
    await ctx.log.step(`Setting app settings (${changed.join(', ')}); the ${Object.keys(existing).length} already there are kept`, async () => {
      try {
        if (slot) await s.clients.webApps.updateApplicationSettingsSlot(resourceGroup, name, slot, { properties: merged });
        else await s.clients.webApps.updateApplicationSettings(resourceGroup, name, { properties: merged });
      } catch (error) {
        throw azureFailure('Setting the app settings', error, 'The app keeps serving its current deployment.', retry);
      }
    });
  }
  if (!upload) {
    ctx.log.info(`${s.site.label} already serves package ${sha.slice(0, 12)}: app settings updated, nothing uploaded.`);
    return result;
  }
  await keepPackage(historyDir(ctx, runtime), sha, zip);
  const deployment = await zipDeploy(s, zip, `${packageMarker(sha)} stage ${ctx.stage}`, 'deploy');
  ctx.log.info(`${s.site.label} serves package ${sha.slice(0, 12)} (Kudu deployment ${deployment})${s.site.url ? `: ${s.site.url}` : ''}`);
  return { ...result, uploaded: true, deployment };
}

export async function rollbackAzure(ctx: TargetContext, options: DeployOptions, runtime: AzureRuntime = {}): Promise<AzureDeployResult> {
  const s = await open(ctx, runtime, 'rollback');
  const retry = 'run adapt rollback --target iisnode --to azure again';
  const list = await deployments(s, retry);
  const activeIndex = list.findIndex((deployment) => deployment.active);
  const current = shaOf(list[activeIndex]);
  if (activeIndex < 0 || !current)
    throw new AdaptError('NOTHING_TO_ROLL_BACK', `${s.site.label} serves no package deployed by adapt`, { hint: 'deploy first: adapt deploy --target iisnode --to azure' });
  const previous = list
    .slice(activeIndex + 1)
    .filter((deployment) => deployment.status === 4)
    .map(shaOf)
    .find((sha) => sha !== undefined && sha !== current);
  if (!previous)
    throw new AdaptError('NOTHING_TO_ROLL_BACK', `Kudu's history for ${s.site.label} holds no earlier successful package from adapt than ${current.slice(0, 12)}`, {
      hint: 'deploy the version you want: adapt build --target iisnode && adapt deploy --target iisnode --to azure',
    });
  const dir = historyDir(ctx, runtime);
  const file = path.join(dir, `${previous}.zip`);
  if (!existsSync(file))
    throw new AdaptError('PACKAGE_NOT_KEPT', `The previous package (${previous.slice(0, 12)}) is not in ${dir}: it was deployed from another machine or the folder was cleaned`, {
      hint: 'check out the commit deployed before, then adapt build --target iisnode && adapt deploy --target iisnode --to azure',
    });
  const zip = await readFile(file);
  const plan = [
    `app ${s.site.label} (Kudu at ${s.site.scmHost}; SCM basic auth ${s.basicAuth})`,
    `upload: POST /api/zipdeploy?isAsync=true, the kept package ${previous.slice(0, 12)} (${zip.byteLength} bytes) over ${current.slice(0, 12)}`,
  ];
  const result: AzureDeployResult = {
    target: 'iisnode',
    to: 'azure',
    stage: ctx.stage,
    site: s.settings.site,
    ...(s.settings.slot ? { slot: s.settings.slot } : {}),
    ...(s.site.url ? { url: s.site.url } : {}),
    package: previous,
    previous: current,
    uploaded: false,
    changed: true,
    dryRun: options.dryRun,
    basicAuth: s.basicAuth,
    appSettings: { changed: [] },
  };
  if (options.dryRun) {
    dryRunReport(ctx, plan);
    return { ...result, plan };
  }
  const deployment = await zipDeploy(s, zip, `${packageMarker(previous)} stage ${ctx.stage} rollback from ${current.slice(0, 12)}`, 'rollback');
  ctx.log.info(`${s.site.label} serves the previous package again (${previous.slice(0, 12)}, Kudu deployment ${deployment})`);
  return { ...result, uploaded: true, deployment };
}

/** One Kudu deployment as `adapt deploy --target iisnode --to azure --list` shows it. */
export interface AzureDeploymentInfo {
  id: string;
  /** The package's sha256, for a deployment made by adapt. */
  package?: string;
  status: string;
  active: boolean;
  received?: string;
  /** Whether the package is kept on this machine, so that `adapt rollback` can deploy it again. */
  kept?: boolean;
}

export interface AzureListResult extends DeployResult {
  target: 'iisnode';
  to: 'azure';
  site: string;
  url?: string;
  /** Newest first, as Kudu keeps them. */
  deployments: AzureDeploymentInfo[];
}

/** Kudu's DeployStatus values (Kudu.Core.Deployment.DeployStatus). */
const deployStatus: Record<number, string> = { 0: 'pending', 1: 'building', 2: 'deploying', 3: 'failed', 4: 'success' };

/** `adapt deploy --target iisnode --to azure --list`: Kudu's deployments, newest first; changes nothing. */
export async function listAzure(ctx: TargetContext, runtime: AzureRuntime = {}): Promise<AzureListResult> {
  const s = await open(ctx, runtime, 'deploy --list');
  const list = await deployments(s, 'run adapt deploy --target iisnode --to azure --list again');
  const dir = historyDir(ctx, runtime);
  const rows: AzureDeploymentInfo[] = list.map((deployment) => {
    const sha = shaOf(deployment);
    return {
      id: deployment.id,
      ...(sha ? { package: sha, kept: existsSync(path.join(dir, `${sha}.zip`)) } : {}),
      status: deployStatus[deployment.status] ?? String(deployment.status),
      active: Boolean(deployment.active),
      ...(deployment.received_time ? { received: deployment.received_time } : {}),
    };
  });
  ctx.log.info(`Kudu deployments of ${s.site.label}, newest first:`);
  for (const row of rows) {
    const what = row.package ? `package ${row.package.slice(0, 12)}${row.kept ? '' : ' (not kept here)'}` : '(not from adapt)';
    ctx.log.info(`  ${row.active ? '*' : ' '} ${row.id.slice(0, 12).padEnd(12)} ${row.status.padEnd(9)} ${(row.received ?? '-').padEnd(28)} ${what}`);
  }
  if (rows.length === 0) ctx.log.info('  (none)');
  return { target: 'iisnode', stage: ctx.stage, to: 'azure', site: s.site.label, ...(s.site.url ? { url: s.site.url } : {}), deployments: rows };
}
