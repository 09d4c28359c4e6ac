/**
 * The deploy plan: read the current state (function, versions, alias, URL, permissions, role),
 * compare it with what the settings and the built zip ask for, and list every call the deploy
 * will make. `--dry-run` prints this plan and stops; a real deploy executes it step by step.
 */
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { TargetLogger } from '@adapt/core';
import type { AwsClients } from '../aws.js';
import { handlerName } from '../bundle.js';
import type { ResolvedLambdaSettings } from '../settings.js';
import type { BuiltPackage } from '../zip.js';
import { getAlias, getFunction, listVersions } from './_state.js';
import { planRole, type RolePlan } from './role.js';
import { emptyUrlState, readUrlState, urlConfigChanges, type UrlState } from './url.js';

export interface DesiredConfiguration {
  Runtime: string;
  Handler: string;
  MemorySize: number;
  Timeout: number;
  Environment: Record<string, string>;
  Description: string;
  Architecture: string;
}

export interface ConfigChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface PlannedCall {
  call: string;
  detail: string;
}

export interface DeployPlan {
  stage: string;
  region: string;
  functionName: string;
  alias: string;
  codeSha256: string;
  zipBytes: number;
  desired: DesiredConfiguration;
  role: RolePlan;
  /** The function as it is now, if it exists. */
  current: FunctionConfiguration | undefined;
  create: boolean;
  uploadCode: boolean;
  /** Configuration fields UpdateFunctionConfiguration changes (empty on create). */
  configChanges: ConfigChange[];
  /** Every difference, architecture and role included, for the diff print. */
  diff: ConfigChange[];
  publish: { action: 'publish' } | { action: 'reuse'; version: string };
  aliasVersion: string | undefined;
  aliasRevisionId: string | undefined;
  url: UrlState | undefined;
  /** With `url: false`: the URL and public statements to delete. */
  urlRemoval: UrlState | undefined;
  smoke: 'url' | 'invoke' | 'none';
  calls: PlannedCall[];
}

export function desiredConfiguration(settings: ResolvedLambdaSettings): DesiredConfiguration {
  return {
    Runtime: settings.runtime,
    Handler: handlerName,
    MemorySize: settings.memory,
    Timeout: settings.timeout,
    Environment: settings.env,
    Description: settings.description,
    Architecture: settings.architecture,
  };
}

function currentConfiguration(fn: FunctionConfiguration): DesiredConfiguration {
  return {
    Runtime: fn.Runtime ?? '',
    Handler: fn.Handler ?? '',
    MemorySize: fn.MemorySize ?? 128,
    Timeout: fn.Timeout ?? 3,
    Environment: fn.Environment?.Variables ?? {},
    Description: fn.Description ?? '',
    Architecture: fn.Architectures?.[0] ?? 'x86_64',
  };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

/** Fields whose value differs between a function (or version) and the desired configuration. */
export function configurationDiff(fn: FunctionConfiguration, desired: DesiredConfiguration): ConfigChange[] {
  const current = currentConfiguration(fn);
  const changes: ConfigChange[] = [];
  for (const field of Object.keys(desired) as (keyof DesiredConfiguration)[]) {
    if (!same(current[field], desired[field])) changes.push({ field, from: current[field], to: desired[field] });
  }
  return changes;
}

export async function planDeploy(clients: AwsClients, settings: ResolvedLambdaSettings, pkg: BuiltPackage, stage: string, log: TargetLogger): Promise<DeployPlan> {
  const { functionName, alias } = settings;
  const desired = desiredConfiguration(settings);
  const current = await getFunction(clients, functionName);
  const role = await planRole(clients, settings.role, functionName, current?.Role, log);

  const create = current === undefined;
  let diff: ConfigChange[] = [];
  let uploadCode = false;
  let configChanges: ConfigChange[] = [];
  if (current) {
    diff = configurationDiff(current, desired);
    if (role.source === 'settings' && current.Role !== role.arn) diff.push({ field: 'Role', from: current.Role, to: role.arn });
    uploadCode = current.CodeSha256 !== pkg.codeSha256 || diff.some((change) => change.field === 'Architecture');
    if (current.CodeSha256 !== pkg.codeSha256) diff.unshift({ field: 'CodeSha256', from: current.CodeSha256, to: pkg.codeSha256 });
    configChanges = diff.filter((change) => change.field !== 'Architecture' && change.field !== 'CodeSha256');
    if (current.LastUpdateStatus === 'Failed') {
      // The last update did not take: send code and configuration again rather than trust $LATEST.
      const redo = { field: 'LastUpdateStatus', from: `Failed (${current.LastUpdateStatusReason ?? 'no reason given'})`, to: 'redo the update' };
      diff.push(redo);
      uploadCode = true;
      configChanges.push(redo);
    }
  } else {
    diff = [{ field: 'CodeSha256', from: undefined, to: pkg.codeSha256 }, ...Object.entries(desired).map(([field, to]) => ({ field, from: undefined, to }))];
  }

  // Real Lambda answers PublishVersion on an unchanged $LATEST with the last version; adapt decides
  // that itself so the answer does not depend on the service: reuse the newest version if it matches.
  let publish: DeployPlan['publish'] = { action: 'publish' };
  if (current && !uploadCode && configChanges.length === 0) {
    const versions = await listVersions(clients, functionName);
    const newest = versions.at(-1);
    // A version's Description is the one given to PublishVersion, so it is not compared.
    const versionDiff = newest ? configurationDiff(newest, desired).filter((change) => change.field !== 'Description') : [];
    if (newest?.Version && newest.CodeSha256 === pkg.codeSha256 && versionDiff.length === 0) {
      publish = { action: 'reuse', version: newest.Version };
    }
  }

  const aliasState = current ? await getAlias(clients, functionName, alias) : undefined;
  const url = settings.url ? (aliasState ? await readUrlState(clients, functionName, alias, settings) : emptyUrlState(settings)) : undefined;
  let urlRemoval: UrlState | undefined;
  if (settings.removeUrl && aliasState) {
    const found = await readUrlState(clients, functionName, alias, settings);
    if (found.exists || (found.extra ?? []).length > 0) urlRemoval = found;
  }
  const smoke: DeployPlan['smoke'] = settings.smokePath === undefined ? 'none' : settings.url?.auth === 'NONE' && !settings.endpoint ? 'url' : 'invoke';

  const plan: DeployPlan = {
    stage,
    region: clients.region,
    functionName,
    alias,
    codeSha256: pkg.codeSha256,
    zipBytes: pkg.zip.byteLength,
    desired,
    role,
    current,
    create,
    uploadCode,
    configChanges,
    diff,
    publish,
    aliasVersion: aliasState?.FunctionVersion,
    aliasRevisionId: aliasState?.RevisionId,
    url,
    urlRemoval,
    smoke,
    calls: [],
  };
  plan.calls = plannedCalls(plan, settings);
  return plan;
}

function plannedCalls(plan: DeployPlan, settings: ResolvedLambdaSettings): PlannedCall[] {
  const calls: PlannedCall[] = [];
  const fn = plan.functionName;
  if (plan.role.action === 'create') {
    calls.push({ call: 'iam:CreateRole', detail: `${plan.role.name}, trusted by lambda.amazonaws.com` });
    calls.push({ call: 'iam:AttachRolePolicy', detail: `${plan.role.name} + AWSLambdaBasicExecutionRole` });
  }
  if (plan.create) {
    calls.push({
      call: 'lambda:CreateFunction',
      detail: `${fn}, ${plan.desired.Runtime} ${plan.desired.Architecture}, ${plan.desired.MemorySize} MB, ${plan.desired.Timeout} s, zip ${plan.zipBytes} bytes (retried while a new role is not yet assumable)`,
    });
    calls.push({ call: 'lambda:GetFunction (waiter)', detail: 'until State is Active' });
  } else {
    if (plan.uploadCode) {
      calls.push({ call: 'lambda:UpdateFunctionCode', detail: `${fn}, zip ${plan.zipBytes} bytes, CodeSha256 ${plan.codeSha256}` });
      calls.push({ call: 'lambda:GetFunction (waiter)', detail: 'until LastUpdateStatus is Successful' });
    }
    if (plan.configChanges.length > 0) {
      calls.push({ call: 'lambda:UpdateFunctionConfiguration', detail: `${fn}: ${plan.configChanges.map((c) => c.field).join(', ')}` });
      calls.push({ call: 'lambda:GetFunction (waiter)', detail: 'until LastUpdateStatus is Successful' });
    }
  }
  if (plan.publish.action === 'publish') {
    calls.push({ call: 'lambda:PublishVersion', detail: `${fn}, CodeSha256 ${plan.codeSha256}` });
    calls.push({ call: 'lambda:GetFunctionConfiguration (waiter)', detail: 'until the version is Active' });
  }
  const target = plan.publish.action === 'reuse' ? `version ${plan.publish.version}` : 'the new version';
  if (plan.aliasVersion === undefined) calls.push({ call: 'lambda:CreateAlias', detail: `${plan.alias} -> ${target}` });
  else if (plan.publish.action === 'publish' || plan.publish.version !== plan.aliasVersion) {
    calls.push({ call: 'lambda:UpdateAlias', detail: `${plan.alias}: version ${plan.aliasVersion} -> ${target}` });
  }
  if (plan.url && settings.url) {
    if (!plan.url.exists)
      calls.push({ call: 'lambda:CreateFunctionUrlConfig', detail: `on ${fn}:${plan.alias}, auth ${settings.url.auth}, ${settings.streaming ? 'RESPONSE_STREAM' : 'BUFFERED'}` });
    else if (urlConfigChanges(plan.url, settings).length > 0) {
      calls.push({ call: 'lambda:UpdateFunctionUrlConfig', detail: `on ${fn}:${plan.alias}: ${urlConfigChanges(plan.url, settings).join(', ')}` });
    }
    for (const statement of plan.url.missing ?? []) calls.push({ call: 'lambda:AddPermission', detail: statement });
    for (const statement of plan.url.extra ?? []) calls.push({ call: 'lambda:RemovePermission', detail: statement });
  }
  if (plan.urlRemoval) {
    if (plan.urlRemoval.exists) calls.push({ call: 'lambda:DeleteFunctionUrlConfig', detail: `on ${fn}:${plan.alias} (url: false)` });
    for (const statement of plan.urlRemoval.extra ?? []) calls.push({ call: 'lambda:RemovePermission', detail: statement });
  }
  if (plan.smoke === 'url') calls.push({ call: 'GET', detail: `the Function URL + ${settings.smokePath}` });
  if (plan.smoke === 'invoke') calls.push({ call: 'lambda:Invoke', detail: `${fn}:${plan.alias} with a GET ${settings.smokePath} event` });
  if (plan.smoke !== 'none')
    calls.push({
      call: 'lambda:UpdateAlias (only if the smoke test fails)',
      detail: `${plan.alias} back to ${plan.aliasVersion ? `version ${plan.aliasVersion}` : 'nothing: there is no previous version'}`,
    });
  return calls;
}
