/** `adapt deploy --target lambda --list`: the published versions and which alias points where. */
import { AdaptError, type DeployResult, type TargetContext } from '@adapt/core';
import { releaseRuntime, resolveRuntime, type AwsRuntime } from './aws.js';
import { getFunction, listAliases, listVersions, versionStage } from './deploy/_state.js';
import { resolveLambdaSettings } from './settings.js';

export interface LambdaVersionInfo {
  version: string;
  codeSha256: string | undefined;
  /** The stage that published it (from the description adapt writes), if adapt did. */
  stage: string | undefined;
  lastModified: string | undefined;
  aliases: string[];
}

export interface LambdaListResult extends DeployResult {
  target: 'lambda';
  functionName: string;
  alias: string;
  versions: LambdaVersionInfo[];
  aliases: Record<string, string>;
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
    const rows: LambdaVersionInfo[] = versions.map((v) => ({
      version: v.Version ?? '',
      codeSha256: v.CodeSha256,
      stage: versionStage(v.Description),
      lastModified: v.LastModified,
      aliases: Object.entries(aliasMap)
        .filter(([, version]) => version === v.Version)
        .map(([name]) => name),
    }));
    ctx.log.info(`${functionName} in ${resolved.clients.region}:`);
    ctx.log.info(`  ${'version'.padEnd(8)} ${'stage'.padEnd(10)} ${'code sha256'.padEnd(46)} ${'modified'.padEnd(30)} aliases`);
    for (const row of rows.slice().reverse()) {
      ctx.log.info(
        `  ${row.version.padEnd(8)} ${(row.stage ?? '-').padEnd(10)} ${(row.codeSha256 ?? '').padEnd(46)} ${(row.lastModified ?? '').padEnd(30)} ${row.aliases.join(', ')}`,
      );
    }
    if (rows.length === 0) ctx.log.info('  (no published versions)');
    return { target: 'lambda', stage: ctx.stage, functionName, alias: settings.alias, versions: rows, aliases: aliasMap };
  } finally {
    releaseRuntime(resolved, runtime);
  }
}
