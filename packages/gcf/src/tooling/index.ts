/**
 * `@adapt/gcf/target`: two targets, `gcf` (Cloud Run functions, formerly Cloud Functions 2nd gen,
 * through functions-framework) and `appengine` (App Engine standard). Build-time only: nothing here
 * ships inside the bundle. Google's client libraries are imported inside deploy and rollback, so
 * `adapt build` never loads them.
 *
 * @example
 * // adapt.config.ts
 * export default defineConfig({
 *   targets: { gcf: { project: 'my-project', region: 'europe-west1' }, appengine: { instanceClass: 'F2' } },
 * });
 */
import type { AdaptTarget, DeployOptions, RunTaskOptions, TargetContext } from '@adapt/core';
import { appEngineBundle, gcfBundle } from './bundle.js';
import { invokeTarget } from './invoke.js';
import { appEnginePackage, gcfPackage } from './package.js';
import { appEngineSettingsSchema, gcfSettingsSchema } from './settings.js';
import { startTarget } from './start.js';
import type { GoogleRuntime } from './google.js';

/** The Cloud Run functions target, with Google's endpoints and credentials injectable (tests aim them at a local server). */
export function createGcfTarget(runtime: GoogleRuntime = {}): AdaptTarget {
  return {
    name: 'gcf',
    description: 'Google Cloud Run functions (Cloud Functions 2nd gen) through functions-framework: index.mjs, package.json and a deterministic source.zip',
    settings: gcfSettingsSchema,
    bundle: gcfBundle,
    package: gcfPackage,
    start: startTarget('gcf'),
    invoke: invokeTarget('gcf'),
    runTask: async (ctx: TargetContext, options: RunTaskOptions) => (await import('./run-task.js')).runTaskGcf(ctx, options, runtime),
    deploy: async (ctx: TargetContext, options: DeployOptions) => (await import('./deploy-gcf.js')).deployGcf(ctx, options, runtime),
    rollback: async (ctx: TargetContext, options: DeployOptions) => (await import('./deploy-gcf.js')).rollbackGcf(ctx, options, runtime),
    list: async (ctx: TargetContext) => (await import('./deploy-gcf.js')).listGcf(ctx, runtime),
  };
}

/** The App Engine standard target. */
export function createAppEngineTarget(runtime: GoogleRuntime = {}): AdaptTarget {
  return {
    name: 'appengine',
    description: 'Google App Engine standard: server.mjs on $PORT, package.json, app.yaml with static handlers, .gcloudignore',
    settings: appEngineSettingsSchema,
    bundle: appEngineBundle,
    package: appEnginePackage,
    start: startTarget('appengine'),
    invoke: invokeTarget('appengine'),
    runTask: async (ctx: TargetContext, options: RunTaskOptions) => (await import('./run-task.js')).runTaskAppEngine(ctx, options, runtime),
    deploy: async (ctx: TargetContext, options: DeployOptions) => (await import('./deploy-appengine.js')).deployAppEngine(ctx, options, runtime),
    rollback: async (ctx: TargetContext, options: DeployOptions) => (await import('./deploy-appengine.js')).rollbackAppEngine(ctx, options, runtime),
    list: async (ctx: TargetContext) => (await import('./deploy-appengine.js')).listAppEngine(ctx, runtime),
  };
}

export const gcfTarget: AdaptTarget = createGcfTarget();
export const appengineTarget: AdaptTarget = createAppEngineTarget();
/** Every target this package holds, by name (the CLI finds `appengine` here through package.json's `adapt.targets`). */
export const targets: Record<string, AdaptTarget> = { gcf: gcfTarget, appengine: appengineTarget };
export default gcfTarget;

export { gcfBundle, appEngineBundle, entryPoint, taskEntryPoint } from './bundle.js';
export { cloudSchedulerCron, jobPrefix, jobRetryConfig, type JobChange } from './cloud-scheduler.js';
export { gcfPackage, appEnginePackage, functionsFrameworkVersion } from './package.js';
export { appEngineVersion, appYaml, staticHandlers } from './app-yaml.js';
export {
  resolveGoogleSettings,
  gcfRegions,
  gcfRuntimes,
  defaultRuntime,
  functionNamePattern,
  gcfSettingsSchema,
  appEngineSettingsSchema,
  type ResolvedGoogleSettings,
} from './settings.js';
export { folderEntries, zipFolder, sourceZip, type SourceManifest } from './files.js';
export { functionsFrameworkMain } from './start.js';
export type { GoogleRuntime } from './google.js';
