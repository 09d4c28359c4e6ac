/** `adapt deploy` and `adapt rollback`: load the target and call its deploy or rollback. */
import type { DeployOptions, DeployResult, ListOptions, TargetContext } from '@adapt/core';
import { loadProject } from '../../config.js';
import { targetContext } from '../../context.js';
import { usageError } from '../../errors.js';
import type { Output } from '../../output.js';
import { installedTargetNames } from '../../resolve.js';
import { loadTarget, requireCapability } from '../../targets.js';
import { buildTarget } from '../../bundle.js';
import { sizeReport } from '../build/run.js';

export interface PlatformOptions {
  cwd: string;
  target?: string;
  stage?: string;
  out?: string;
  dryRun: boolean;
}

export interface DeployRunOptions extends PlatformOptions {
  list: boolean;
  /** Build first (the default); false deploys the build already in the out folder. */
  build: boolean;
  /** Where to deploy, for targets that deploy to a place (iisnode: a folder). */
  to?: string;
}

export interface RollbackRunOptions extends PlatformOptions {
  to?: string;
}

export async function runDeploy(options: DeployRunOptions, output: Output): Promise<DeployResult> {
  if (options.list) return runPlatformAction('list', options, options.to === undefined ? {} : { to: options.to }, output);
  return runPlatformAction('deploy', options, { dryRun: Boolean(options.dryRun), ...(options.to === undefined ? {} : { to: options.to }) }, output, options.build);
}

export async function runRollback(options: RollbackRunOptions, output: Output): Promise<DeployResult> {
  return runPlatformAction('rollback', options, { dryRun: Boolean(options.dryRun), ...(options.to === undefined ? {} : { to: options.to }) }, output);
}

async function runPlatformAction(
  action: 'deploy' | 'rollback' | 'list',
  options: PlatformOptions,
  actionOptions: DeployOptions | ListOptions,
  output: Output,
  buildFirst = false,
): Promise<DeployResult> {
  const command = action === 'list' ? 'deploy --list' : action;
  if (!options.target || options.target === 'all') {
    throw usageError(
      options.target === 'all' ? `${command} works on one target at a time` : 'missing --target',
      `choose one of: ${installedTargetNames(options.cwd).join(', ') || 'none installed'}, such as: adapt ${command} --target lambda`,
    );
  }
  const project = await loadProject(options.cwd);
  const target = await loadTarget(project.dir, options.target);
  const run = (await requireCapability(project.dir, target, action)) as (context: TargetContext, options: DeployOptions | ListOptions) => Promise<DeployResult>;
  const context = targetContext(project, target, output, { stage: options.stage, out: options.out });
  if (buildFirst) {
    // deploy is build + upload: the same bundle `adapt build` makes for this target and stage
    const report = await buildTarget(target, context, { minify: true, sourcemap: false });
    if (!output.json) output.info(sizeReport(report, output));
  }
  const result = await run(context, actionOptions);
  output.result({ ok: true, ...result }, () => humanResult(result));
  return result;
}

function humanResult(result: DeployResult): string {
  return Object.entries(result)
    .map(([key, value]) => `${key}: ${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`)
    .join('\n');
}
