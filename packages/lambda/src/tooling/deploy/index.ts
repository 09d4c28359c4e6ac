/**
 * `adapt deploy --target lambda`: plan, then role, function (code, then configuration), version,
 * alias, Function URL, smoke test and schedules, each a step with its own progress line. Any
 * failure before the alias moves leaves the stage on its old version; a failed smoke test moves it
 * back. The app's schedules are validated before anything changes, and changed only once the new
 * version passed its smoke test (a failed deploy leaves them as they were).
 */
import { AdaptError, type DeployOptions, type DeployResult, type TargetContext, type TargetLogger } from '@adapt/core';
import { releaseRuntime, resolveRuntime, type AwsRuntime } from '../aws.js';
import { handlerOptions } from '../bundle.js';
import { checkStageAlias, resolveLambdaSettings, type ResolvedLambdaSettings } from '../settings.js';
import { readPackage, type BuiltPackage } from '../zip.js';
import { pointAlias } from './alias.js';
import { createFunction, updateCode, updateConfiguration } from './function.js';
import { planDeploy, type ConfigChange, type DeployPlan } from './plan.js';
import { publishVersion } from './publish.js';
import { createRole } from './role.js';
import { scheduleGroupName, scheduleSpecs } from './schedule-specs.js';
import { aliasArnFrom, ensureSchedulerRole, planSchedulerRole, type SchedulerRolePlan } from './scheduler-role.js';
import { applySchedules, loadScheduler, planSchedules, scheduleDiffLines, schedulesChange, type SchedulePlan } from './schedules.js';
import { smokeTest, type SmokeOutcome } from './smoke.js';
import { ensureFunctionUrl, removeFunctionUrl } from './url.js';
import type { StepContext } from './_steps.js';

export interface LambdaDeployResult extends DeployResult {
  target: 'lambda';
  region: string;
  functionName: string;
  functionArn?: string;
  alias: string;
  aliasArn?: string;
  version?: string;
  previousVersion?: string;
  codeSha256: string;
  uploaded: boolean;
  configurationUpdated: boolean;
  published: boolean;
  url?: string;
  smoke?: 'passed' | 'skipped';
  dryRun: boolean;
  /** With --dry-run: the calls a deploy would make, and the configuration diff. */
  calls?: { call: string; detail: string }[];
  diff?: ConfigChange[];
  /** The EventBridge Scheduler schedules: the group, and per schedule what the deploy did (or would do). */
  schedules?: { group: string; changes: SchedulePlan['changes']; role?: string };
}

function show(value: unknown): string {
  if (value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Refuses a build made with other handler options (streaming...) than this stage asks for. */
function checkBuildMatches(pkg: BuiltPackage, settings: ResolvedLambdaSettings, stage: string): void {
  const built = pkg.manifest?.build;
  if (!built) return;
  const wanted = handlerOptions(settings);
  if (JSON.stringify(built.handlerOptions) !== JSON.stringify(wanted)) {
    throw new AdaptError(
      'BUILD_MISMATCH',
      `The build was made for stage ${built.stage} with handler options ${JSON.stringify(built.handlerOptions)}; stage ${stage} needs ${JSON.stringify(wanted)}.`,
      { hint: `Rebuild for this stage: adapt build --target lambda --stage ${stage}` },
    );
  }
}

/** Drops undefined fields, so --json and the printed outcome hold only what is known. */
function compact<T extends object>(result: T): T {
  return Object.fromEntries(Object.entries(result).filter(([, value]) => value !== undefined)) as T;
}

export function printDiff(log: TargetLogger, plan: DeployPlan): void {
  if (plan.create) {
    log.info(`Function ${plan.functionName} does not exist in ${plan.region}: it will be created.`);
  }
  if (plan.diff.length === 0) {
    log.info(`Function ${plan.functionName}: code and configuration unchanged.`);
    return;
  }
  log.info(`Changes to ${plan.functionName}:`);
  for (const change of plan.diff) log.info(`  ${change.field}: ${show(change.from)} -> ${show(change.to)}`);
}

export async function deployLambda(ctx: TargetContext, options: DeployOptions, runtime: AwsRuntime = {}): Promise<LambdaDeployResult> {
  const settings = resolveLambdaSettings(ctx);
  checkStageAlias(ctx, settings);
  const pkg = await readPackage(ctx.outDir);
  checkBuildMatches(pkg, settings, ctx.stage);
  // every schedule is checked by EventBridge's rules before any call
  const specs = scheduleSpecs(await ctx.readAppManifest());
  const resolved = await resolveRuntime(settings, runtime, ctx.log);
  const { log } = ctx;
  const step: StepContext = { ...resolved, log };
  const scheduler = await loadScheduler(resolved.clients, specs.length > 0).catch((error: unknown) => {
    releaseRuntime(resolved, runtime);
    throw error;
  });
  try {
    const plan = await log.step(`Reading ${settings.functionName} in ${resolved.clients.region}`, () => planDeploy(resolved.clients, settings, pkg, ctx.stage, log));
    printDiff(log, plan);
    const region = resolved.clients.region;
    const knownArn = plan.current?.FunctionArn ?? plan.role.arn;
    const predicted = knownArn ? aliasArnFrom(knownArn, region, plan.functionName, plan.alias) : undefined;
    let schedulerRole: SchedulerRolePlan | undefined;
    let schedules: SchedulePlan | undefined;
    if (specs.length > 0 || scheduler) {
      const group = scheduleGroupName(ctx.appName, ctx.stage);
      schedulerRole = specs.length > 0 ? await planSchedulerRole(resolved.clients, plan.functionName, predicted) : undefined;
      schedules = await log.step(`Reading the schedule group ${group}`, () =>
        planSchedules(scheduler, group, specs, { aliasArn: predicted?.aliasArn, roleArn: schedulerRole?.arn }),
      );
      for (const line of scheduleDiffLines(schedules)) log.info(line);
      if (schedulerRole && schedulerRole.action !== 'unchanged') {
        // the role step: right after the execution role's calls, before the function's
        const at = plan.calls.findIndex((call) => !call.call.startsWith('iam:'));
        const call = {
          call: `iam:${schedulerRole.action === 'create' ? 'CreateRole' : 'PutRolePolicy'}`,
          detail: `${schedulerRole.name} (EventBridge Scheduler invokes the alias)`,
        };
        plan.calls.splice(at === -1 ? plan.calls.length : at, 0, call);
      }
      for (const change of schedules.changes) {
        if (change.action !== 'unchanged')
          plan.calls.push({ call: `scheduler:${change.action[0]?.toUpperCase()}${change.action.slice(1)}Schedule`, detail: `${schedules.group}/${change.name}` });
      }
      if (schedules.deleteGroup) plan.calls.push({ call: 'scheduler:DeleteScheduleGroup', detail: schedules.group });
    }
    const scheduleResult = schedules ? { group: schedules.group, changes: schedules.changes, ...(schedulerRole ? { role: schedulerRole.name } : {}) } : undefined;
    const base = {
      target: 'lambda' as const,
      stage: ctx.stage,
      region: plan.region,
      functionName: plan.functionName,
      functionArn: plan.current?.FunctionArn,
      alias: plan.alias,
      codeSha256: plan.codeSha256,
    };
    if (options.dryRun) {
      log.info('Dry run: these calls would be made, in this order (nothing was changed):');
      for (const call of plan.calls) log.info(`  ${call.call}  ${call.detail}`);
      return compact({
        ...base,
        uploaded: false,
        configurationUpdated: false,
        published: false,
        version: plan.aliasVersion,
        dryRun: true,
        calls: plan.calls,
        diff: plan.diff,
        schedules: scheduleResult,
      });
    }

    let roleArn = plan.role.arn;
    if (plan.role.action === 'create') {
      roleArn = await log.step(`Creating the execution role ${plan.role.name} (AWSLambdaBasicExecutionRole)`, () =>
        createRole(resolved.clients, plan.role, plan.functionName, resolved),
      );
    }
    if (!roleArn) throw new AdaptError('AWS_ERROR', `No ARN for the role ${plan.role.name}.`, { hint: 'Set targets.lambda.role to an existing role ARN.' });
    const scheduleTarget = aliasArnFrom(roleArn, region, plan.functionName, plan.alias);
    let schedulerRoleArn = schedulerRole?.arn;
    if (schedulerRole && schedulerRole.action !== 'unchanged') {
      const name = schedulerRole.name;
      schedulerRoleArn = await log.step(`${schedulerRole.action === 'create' ? 'Creating' : 'Updating'} the scheduler role ${name} (lambda:InvokeFunction on ${plan.alias})`, () =>
        ensureSchedulerRole(resolved.clients, name, plan.functionName, scheduleTarget),
      );
    }

    let functionArn = plan.current?.FunctionArn;
    if (plan.create) {
      const created = await log.step(`Creating ${plan.functionName} (${(plan.zipBytes / 1024).toFixed(1)} KB)`, () => createFunction(step, plan, pkg.zip, roleArn));
      functionArn = created.FunctionArn;
    } else {
      if (plan.uploadCode) {
        await log.step(`Uploading the code (${(plan.zipBytes / 1024).toFixed(1)} KB)`, () => updateCode(step, plan, pkg.zip));
      } else {
        log.info(`Code unchanged (CodeSha256 ${plan.codeSha256}): upload skipped.`);
      }
      if (plan.configChanges.length > 0) {
        await log.step(`Updating the configuration (${plan.configChanges.map((c) => c.field).join(', ')})`, () => updateConfiguration(step, plan, roleArn));
      }
    }

    let version: string;
    if (plan.publish.action === 'reuse') {
      version = plan.publish.version;
      log.info(`Version ${version} already holds this code and configuration: nothing to publish.`);
    } else {
      version = await log.step('Publishing a version', () => publishVersion(step, plan));
    }

    const previousVersion = plan.aliasVersion;
    let aliasArn = functionArn ? `${functionArn}:${plan.alias}` : undefined;
    if (previousVersion !== version) {
      const moved = await log.step(
        previousVersion === undefined ? `Creating the alias ${plan.alias} -> version ${version}` : `Moving the alias ${plan.alias}: version ${previousVersion} -> ${version}`,
        () => pointAlias(step, { functionName: plan.functionName, alias: plan.alias, version, from: previousVersion, revisionId: plan.aliasRevisionId, stage: ctx.stage }),
      );
      aliasArn = moved.AliasArn ?? aliasArn;
    } else {
      log.info(`The alias ${plan.alias} already points at version ${version}.`);
    }

    let url: string | undefined;
    if (settings.url && plan.url) {
      const urlState = plan.url;
      url = await log.step('Function URL', () => ensureFunctionUrl(resolved.clients, plan.functionName, plan.alias, settings, urlState, (message) => log.info(`  ${message}`)));
      log.info(`URL: ${url}`);
    }

    if (plan.urlRemoval) {
      const removal = plan.urlRemoval;
      await log.step('Removing the Function URL (url: false)', () =>
        removeFunctionUrl(resolved.clients, plan.functionName, plan.alias, removal, (message) => log.info(`  ${message}`)),
      );
    }

    let smoke: 'passed' | 'skipped' = 'skipped';
    if (plan.smoke !== 'none' && settings.smokePath) {
      const path = settings.smokePath;
      const outcome: SmokeOutcome = await log.step(`Smoke test: GET ${path} ${plan.smoke === 'url' ? 'on the URL' : `through Invoke of ${plan.alias}`}`, () =>
        smokeTest(step, plan.smoke === 'url' ? 'url' : 'invoke', { functionName: plan.functionName, alias: plan.alias, url, path }),
      );
      if (!outcome.ok) {
        if (previousVersion !== undefined && previousVersion !== version) {
          await log.step(`Smoke test failed: moving the alias ${plan.alias} back to version ${previousVersion}`, () =>
            pointAlias(step, { functionName: plan.functionName, alias: plan.alias, version: previousVersion, from: version, revisionId: undefined, stage: ctx.stage }),
          );
          throw new AdaptError(
            'SMOKE_FAILED',
            `The smoke test failed: ${outcome.reason}. The alias ${plan.alias} is back on version ${previousVersion}; version ${version} stays published but serves no traffic.`,
            { hint: `Try the build locally with \`adapt invoke --target lambda --path ${path}\`, fix it, and deploy again (or set targets.lambda.smoke: false to skip the test).` },
          );
        }
        throw new AdaptError(
          'SMOKE_FAILED',
          previousVersion === version
            ? `The smoke test failed: ${outcome.reason}. This deploy changed nothing: the alias ${plan.alias} was already on version ${version}.`
            : `The smoke test failed: ${outcome.reason}. There is no earlier version to go back to, so the alias ${plan.alias} stays on version ${version}.`,
          { hint: `Try the build locally with \`adapt invoke --target lambda --path ${path}\`, fix it, and deploy again.` },
        );
      }
      smoke = 'passed';
    }

    if (schedules && scheduler && schedulesChange(schedules)) {
      const schedulePlan = schedules;
      const targetArn = aliasArn ?? scheduleTarget.aliasArn;
      if (!schedulerRoleArn && specs.length > 0) throw new AdaptError('AWS_ERROR', 'No ARN for the scheduler role.', { hint: 'Run the deploy again.' });
      await log.step(`Schedules in ${schedulePlan.group}`, () =>
        applySchedules(scheduler, schedulePlan, specs, { aliasArn: targetArn, roleArn: schedulerRoleArn ?? '' }, resolved, (line) => log.info(`  ${line}`)),
      );
    } else if (schedules && schedules.changes.length > 0) {
      log.info(`Schedules in ${schedules.group}: unchanged.`);
    }

    return compact({
      ...base,
      functionArn,
      aliasArn,
      version,
      previousVersion,
      uploaded: plan.create || plan.uploadCode,
      configurationUpdated: plan.create || plan.configChanges.length > 0,
      published: plan.publish.action === 'publish',
      url,
      smoke,
      dryRun: false,
      schedules: scheduleResult,
    });
  } finally {
    scheduler?.client.destroy();
    releaseRuntime(resolved, runtime);
  }
}
