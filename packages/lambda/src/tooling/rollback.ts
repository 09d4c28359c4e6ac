/**
 * `adapt rollback --target lambda [--to VERSION]`: moves the stage alias back to the previous
 * version this stage published (or the one named), with no build and no upload.
 */
import { AdaptError, type DeployOptions, type DeployResult, type TargetContext } from '@adapt/core';
import { releaseRuntime, resolveRuntime, type AwsRuntime } from './aws.js';
import { pointAlias } from './deploy/alias.js';
import { getAlias, getFunction, listVersions, rollbackVersion } from './deploy/_state.js';
import { checkStageAlias, resolveLambdaSettings } from './settings.js';

export interface LambdaRollbackResult extends DeployResult {
  target: 'lambda';
  functionName: string;
  alias: string;
  aliasArn?: string;
  version: string;
  previousVersion: string;
  dryRun: boolean;
}

export async function rollbackLambda(ctx: TargetContext, options: DeployOptions, runtime: AwsRuntime = {}): Promise<LambdaRollbackResult> {
  const settings = resolveLambdaSettings(ctx);
  checkStageAlias(ctx, settings);
  const to = options.to === undefined || options.to === null ? undefined : String(options.to);
  if (to !== undefined && !/^[1-9]\d*$/.test(to)) {
    throw new AdaptError('VERSION_NOT_FOUND', `--to ${to} is not a version number.`, {
      hint: 'Give a published version such as --to 3; `adapt deploy --target lambda --list` shows them.',
    });
  }
  const resolved = await resolveRuntime(settings, runtime, ctx.log);
  const { log } = ctx;
  const { functionName, alias } = settings;
  try {
    const [fn, current, versions] = await log.step(`Reading ${functionName} in ${resolved.clients.region}`, async () => {
      const fn = await getFunction(resolved.clients, functionName);
      if (!fn) return [undefined, undefined, []] as const;
      return [fn, await getAlias(resolved.clients, functionName, alias), await listVersions(resolved.clients, functionName)] as const;
    });
    if (!fn) {
      throw new AdaptError('FUNCTION_NOT_FOUND', `The function ${functionName} does not exist in ${resolved.clients.region}: nothing to roll back.`, {
        hint: `Deploy first: adapt deploy --target lambda --stage ${ctx.stage}.`,
      });
    }
    if (!current?.FunctionVersion) {
      throw new AdaptError('NOTHING_TO_ROLL_BACK', `The function ${functionName} has no alias ${alias}: stage ${ctx.stage} was never deployed.`, {
        hint: `Deploy first: adapt deploy --target lambda --stage ${ctx.stage}.`,
      });
    }
    const from = current.FunctionVersion;
    let target: string;
    if (to !== undefined) {
      if (!versions.some((v) => v.Version === to)) {
        throw new AdaptError('VERSION_NOT_FOUND', `${functionName} has no version ${to}.`, {
          hint: `Published versions: ${versions.map((v) => v.Version).join(', ') || 'none'}. See \`adapt deploy --target lambda --list\`.`,
        });
      }
      target = to;
    } else {
      const pick = rollbackVersion(versions, from, ctx.stage);
      if (!pick) {
        throw new AdaptError('NOTHING_TO_ROLL_BACK', `The alias ${alias} is on version ${from}, the oldest version: there is no previous one.`, {
          hint: 'Deploy a fixed build instead: adapt deploy --target lambda.',
        });
      }
      target = pick;
    }
    const result: LambdaRollbackResult = {
      target: 'lambda',
      stage: ctx.stage,
      functionName,
      alias,
      aliasArn: current.AliasArn,
      version: target,
      previousVersion: from,
      dryRun: options.dryRun,
    };
    if (target === from) {
      log.info(`The alias ${alias} already points at version ${target}: nothing to do.`);
      return result;
    }
    if (options.dryRun) {
      log.info('Dry run: this call would be made (nothing was changed):');
      log.info(`  lambda:UpdateAlias  ${alias}: version ${from} -> ${target}`);
      return result;
    }
    await log.step(`Moving the alias ${alias}: version ${from} -> ${target}`, () =>
      pointAlias({ ...resolved, log }, { functionName, alias, version: target, from, revisionId: current.RevisionId, stage: ctx.stage }),
    );
    log.info(`Rolled back: ${alias} serves version ${target} (was ${from}). Undo with --to ${from}.`);
    return result;
  } finally {
    releaseRuntime(resolved, runtime);
  }
}
