/**
 * `@adapt/lambda/target`: how the `adapt` CLI builds, packages, deploys, rolls back and invokes an
 * app on AWS Lambda. Build-time only: nothing here ships inside the function. The AWS SDK is
 * imported inside deploy, rollback and list, so `adapt build` never loads it.
 *
 * @example
 * // adapt.config.ts
 * export default defineConfig({
 *   targets: { lambda: { region: 'eu-west-1', memory: 512, url: true, stages: { prod: { memory: 1024 } } } },
 * });
 */
import type { AdaptTarget, DeployOptions, TargetContext } from '@adapt/core';
import type { AwsRuntime } from './aws.js';
import { lambdaBundle } from './bundle.js';
import { deployLambda } from './deploy/index.js';
import { invokeLambda } from './invoke.js';
import { listLambda } from './list.js';
import { lambdaPackage } from './package.js';
import { rollbackLambda } from './rollback.js';
import { runLambdaTask } from './run-task.js';
import { lambdaSettingsSchema } from './settings.js';
import { startLambda } from './start.js';
import { devLambda } from './dev.js';

/** The target, with its AWS clients and timings injectable (tests aim them at a local endpoint). */
export function createLambdaTarget(runtime: AwsRuntime = {}): AdaptTarget {
  return {
    name: 'lambda',
    description: 'AWS Lambda: one ESM bundle in a deterministic zip, versions, a stage alias and an optional Function URL',
    settings: lambdaSettingsSchema,
    bundle: lambdaBundle,
    package: lambdaPackage,
    deploy: (ctx: TargetContext, options: DeployOptions) => deployLambda(ctx, options, runtime),
    list: (ctx: TargetContext) => listLambda(ctx, runtime),
    rollback: (ctx: TargetContext, options: DeployOptions) => rollbackLambda(ctx, options, runtime),
    invoke: invokeLambda,
    runTask: (ctx, options) => runLambdaTask(ctx, options, runtime),
    dev: devLambda,
    start: startLambda,
  };
}

export const lambdaTarget: AdaptTarget = createLambdaTarget();
export default lambdaTarget;

export { lambdaBundle, handlerOptions, bundleFileName, handlerName } from './bundle.js';
export { deterministicZip, codeSha256, checkPackageLimits, maxZippedBytes, maxUnzippedBytes, zipFileName, readPackage, zipEntrySizes } from './zip.js';
export {
  resolveLambdaSettings,
  lambdaSettingsSchema,
  defaultFunctionName,
  functionNamePattern,
  aliasNamePattern,
  type LambdaSettings,
  type ResolvedLambdaSettings,
} from './settings.js';
export { createAwsClients, type AwsRuntime, type AwsClients } from './aws.js';
export { deployLambda, type LambdaDeployResult } from './deploy/index.js';
export { rollbackLambda, type LambdaRollbackResult } from './rollback.js';
export { listLambda, type LambdaListResult } from './list.js';
export { invokeLambda } from './invoke.js';
export { runLambdaTask } from './run-task.js';
export { syntheticHttpEvent, resultToResponse } from './event.js';
export { startLambda, sourceOption } from './start.js';
export { devLambda } from './dev.js';
export { buildEvent, sourceResponse, sourceKinds, type SourceKind } from './sources.js';
export { RuntimeApi, type RuntimeAnswer } from './runtime-api.js';
export { createLocalListener, type LocalAnswer, type LocalInvoker } from './local-server.js';
export type { BackoffOptions } from './retry.js';
