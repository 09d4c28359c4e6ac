/**
 * What `adapt build --target lambda` bundles: one ESM file, `index.mjs`, exporting `handler`.
 * Node built-ins stay external (the CLI always leaves them out), and so does the AWS SDK, which
 * every Node.js Lambda runtime ships, unless `bundleSdk` asks for it. The CLI adds the banner that
 * gives ESM bundles a `require` for bundled CommonJS code.
 * The entry is `@adapt/lambda/buffered` unless streaming is on: no streaming code ships unused.
 * Unless something of the app's is left external, the lightweight web classes are bound at build
 * time (`@adapt/lambda/bundle-globals`): a cold start then declares no global at run time.
 */
import type { BundleSpec, TargetContext } from '@adapt/core';
import { resolveLambdaSettings, type ResolvedLambdaSettings } from './settings.js';

export const bundleFileName = 'index.mjs';
/** The function's Handler setting for that file. */
export const handlerName = 'index.handler';

/** The options compiled into the bundle's `toLambdaHandler(app, options)` call. */
export function handlerOptions(settings: ResolvedLambdaSettings): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (settings.streaming) options.streaming = true;
  if (settings.trustProxy !== undefined && settings.trustProxy !== false) options.trustProxy = settings.trustProxy;
  if (settings.refuseMethods?.length) options.refuseMethods = settings.refuseMethods;
  return options;
}

export function lambdaBundle(ctx: TargetContext): BundleSpec {
  const settings = resolveLambdaSettings(ctx);
  const options = handlerOptions(settings);
  const external = [...settings.external];
  if (!settings.bundleSdk) external.push('@aws-sdk/*', '@smithy/*');
  return {
    fileName: bundleFileName,
    format: 'esm',
    nodeTarget: `node${settings.runtime.replace(/^nodejs(\d+)\.x$/, '$1')}`,
    external,
    // a package left out of the bundle would meet the lightweight classes without knowing their names
    inject: settings.external.length === 0 ? ['@adapt/lambda/bundle-globals'] : undefined,
    entrySource: (importApp) =>
      [
        `import * as appModule from ${JSON.stringify(importApp)};`,
        `import { toLambdaHandler } from '@adapt/lambda${settings.streaming ? '' : '/buffered'}';`,
        `const app = appModule.default ?? appModule.app;`,
        `export const handler = toLambdaHandler(app${Object.keys(options).length ? `, ${JSON.stringify(options)}` : ''});`,
        '',
      ].join('\n'),
  };
}
