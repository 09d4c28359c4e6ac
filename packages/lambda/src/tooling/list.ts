/**
 * `adapt deploy --target lambda --list`: the published versions, which alias points where, and the
 * stage's EventBridge Scheduler schedules (when @aws-sdk/client-scheduler is installed).
 */
import { AdaptError, type DeployResult, type TargetContext } from '@adapt/core';
import { releaseRuntime, resolveRuntime, type AwsRuntime } from './aws.js';
import { getFunction, listAliases, listVersions, rollbackVersion, versionStage } from './deploy/_state.js';
import { scheduleGroupName } from './deploy/schedule-specs.js';
import { deployedSchedules, loadScheduler, type DeployedSchedule } from './deploy/schedules.js';
import { resolveLambdaSettings } from './settings.js';

export interface LambdaVersionInfo {
  version: string;
  codeSha256: string | undefined;
  /** The stage that published it (from the description adapt writes), if adapt did. */
  stage: string | undefined;
  lastModified: string | undefined;
  aliases: string[];
  /** The version `adapt rollback` would move the stage's alias to. */
  rollbackTarget: boolean;
}

export interface LambdaListResult extends DeployResult {
  target: 'lambda';
  functionName: string;
  alias: string;
  versions: LambdaVersionInfo[];
  aliases: Record<string, string>;
  /** The stage's schedule group and its schedules; undefined when the Scheduler SDK is not installed. */
  schedules?: { group: string; schedules: DeployedSchedule[] };
}

export async function listLambda(ctx: TargetContext, runtime: AwsRuntime = {}): Promise<LambdaListResult> {
  const settings = resolveLambdaSettings(ctx);
  const resolved = await resolveRuntime(settings, runtime, ctx.log);
  const { functionName } = settings;
  try {
    const fn = await getFunction(resolved.clients, functionName);
    if (!fn) {
      throw new AdaptError('FUNCTION_NOT_FOUND', `The function ${functionName} does not exist in ${resolved.clients.region}.`, {
        hint: `Deploy first: adapt deploy --target lambda --stage ${ctx.stage}.`,
      });
    }
    const [versions, aliases] = await Promise.all([listVersions(resolved.clients, functionName), listAliases(resolved.clients, functionName)]);
    const aliasMap: Record<string, string> = {};
    for (const alias of aliases) if (alias.Name && alias.FunctionVersion) aliasMap[alias.Name] = alias.FunctionVersion;
    const serving = aliasMap[settings.alias];
    const rollbackTo = serving === undefined ? undefined : rollbackVersion(versions, serving, ctx.stage);
    const rows: LambdaVersionInfo[] = versions.map((v) => ({
      version: v.Version ?? '',
      codeSha256: v.CodeSha256,
      stage: versionStage(v.Description),
      lastModified: v.LastModified,
      aliases: Object.entries(aliasMap)
        .filter(([, version]) => version === v.Version)
        .map(([name]) => name),
      rollbackTarget: v.Version === rollbackTo,
    }));
    ctx.log.info(`${functionName} in ${resolved.clients.region}:`);
    ctx.log.info(`  ${'version'.padEnd(8)} ${'stage'.padEnd(10)} ${'code sha256'.padEnd(46)} ${'modified'.padEnd(30)} aliases`);
    for (const row of rows.slice().reverse()) {
      ctx.log.info(
        `  ${row.version.padEnd(8)} ${(row.stage ?? '-').padEnd(10)} ${(row.codeSha256 ?? '').padEnd(46)} ${(row.lastModified ?? '').padEnd(30)} ${row.aliases.join(', ')}${row.rollbackTarget ? '  (adapt rollback goes back to this one)' : ''}`,
      );
    }
    if (rows.length === 0) ctx.log.info('  (no published versions)');
    const schedules = await listSchedules(ctx, resolved.clients);
    return { target: 'lambda', stage: ctx.stage, functionName, alias: settings.alias, versions: rows, aliases: aliasMap, ...(schedules ? { schedules } : {}) };
  } finally {
    releaseRuntime(resolved, runtime);
  }
}

/** The stage's schedules, printed under the versions; undefined (with a line saying so) without the Scheduler SDK. */
async function listSchedules(ctx: TargetContext, clients: Parameters<typeof loadScheduler>[0]): Promise<LambdaListResult['schedules']> {
  const scheduler = await loadScheduler(clients, false);
  if (!scheduler) {
    ctx.log.info('schedules: not listed (@aws-sdk/client-scheduler is not installed; npm install --save-dev @aws-sdk/client-scheduler to see them)');
    return undefined;
  }
  try {
    const group = scheduleGroupName(ctx.appName, ctx.stage);
    const schedules = (await deployedSchedules(scheduler, group)) ?? [];
    ctx.log.info(`schedules in the group ${group}:`);
    for (const item of schedules) {
      ctx.log.info(
        `  ${item.name.padEnd(20)} ${(item.state ?? '').padEnd(9)} ${(item.expression ?? '').padEnd(28)} ${item.timezone.padEnd(18)} -> ${item.task ? `task ${item.task}` : (item.target ?? '?')}`,
      );
    }
    if (schedules.length === 0) ctx.log.info('  (none)');
    return { group, schedules };
  } finally {
    scheduler.client.destroy();
  }
}
