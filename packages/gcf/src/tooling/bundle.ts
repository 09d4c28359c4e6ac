/**
 * What `adapt build --target gcf|appengine` bundles: one ESM file. For Cloud Run functions,
 * `index.mjs` exporting the function as `adapt` (functions-framework's --target, the deploy's
 * entry point); for App Engine, `server.mjs` serving the app on $PORT. Both bundle all of the
 * app's code (functions-framework, the host, only calls the exported function), so the lightweight
 * web classes are bound at build time (`@adapt/gcf/bundle-globals`).
 */
import type { BundleSpec, TargetContext } from '@adapt/core';
import { resolveGoogleSettings, type ResolvedGoogleSettings } from './settings.js';

/** The name the runtime exports the function under (`gcfFunctionName` of @adapt/gcf). */
export const entryPoint = 'adapt';
/** The name the task function is exported under (`gcfTaskFunctionName` of @adapt/gcf): the tasks function's entry point. */
export const taskEntryPoint = 'adaptTasks';
export const gcfBundleFile = 'index.mjs';
export const appEngineBundleFile = 'server.mjs';

function nodeTarget(settings: ResolvedGoogleSettings): string {
  return `node${settings.runtime.replace(/^nodejs/, '')}`;
}

function optionsSource(options: Record<string, unknown>): string {
  return Object.keys(options).length ? `, ${JSON.stringify(options)}` : '';
}

export function gcfBundle(ctx: TargetContext): BundleSpec {
  const settings = resolveGoogleSettings('gcf', ctx);
  const options: Record<string, unknown> = {};
  if (settings.bodyLimit !== undefined) options.bodyLimit = settings.bodyLimit;
  return {
    fileName: gcfBundleFile,
    format: 'esm',
    nodeTarget: nodeTarget(settings),
    inject: ['@adapt/gcf/bundle-globals'], // no node:vm at a cold start (all of the app is in the bundle)
    entrySource: (importApp) =>
      [
        `import * as appModule from ${JSON.stringify(importApp)};`,
        `import { toGcfHandler, toGcfTaskHandler } from '@adapt/gcf';`,
        `const app = appModule.default ?? appModule.app;`,
        `export const ${entryPoint} = toGcfHandler(app${optionsSource(options)});`,
        `export const ${taskEntryPoint} = toGcfTaskHandler(app);`,
        '',
      ].join('\n'),
  };
}

export function appEngineBundle(ctx: TargetContext): BundleSpec {
  const settings = resolveGoogleSettings('appengine', ctx);
  const options: Record<string, unknown> = {};
  if (settings.bodyLimit !== undefined) options.bodyLimit = settings.bodyLimit;
  if (settings.trustProxy !== undefined) options.trustProxy = settings.trustProxy;
  return {
    fileName: appEngineBundleFile,
    format: 'esm',
    nodeTarget: nodeTarget(settings),
    inject: ['@adapt/gcf/bundle-globals'],
    entrySource: (importApp) =>
      [
        `import * as appModule from ${JSON.stringify(importApp)};`,
        `import { serveAppEngine } from '@adapt/gcf/appengine';`,
        `const app = appModule.default ?? appModule.app;`,
        `await serveAppEngine(app${optionsSource(options)});`,
        '',
      ].join('\n'),
  };
}
