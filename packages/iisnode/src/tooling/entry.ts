/**
 * The two files IIS runs: server.mjs (the ES module bundle: the app and serveIisnode, with the
 * build's settings; top-level await allowed) and index.cjs, the CommonJS shim iisnode's
 * interceptor loads with require() and which import()s the bundle. require() of an ES module with
 * top-level await fails (ERR_REQUIRE_ASYNC_MODULE); import() from CommonJS does not.
 */
import { appEntryLines, commonjsShimSource } from '@adapt/node/target';
import type { IisnodeTargetSettings } from './settings.js';
import { bundleFile } from './web-config.js';

export function serverEntrySource(importApp: string, settings: IisnodeTargetSettings, appName: string): string {
  const options = {
    basePath: settings.basePath || undefined,
    // HttpPlatformHandler always forwards the client as X-Forwarded-For
    enableXFF: settings.mode === 'httpPlatform' ? true : settings.enableXFF,
    promoteServerVars: settings.promoteServerVars.length > 0 ? settings.promoteServerVars : undefined,
    trustProxy: settings.trustProxy,
    refuseMethods: settings.refuseMethods,
    bodyLimit: settings.bodyLimit,
  };
  return `import { runTaskCommand } from '@adapt/core';
import { serveIisnode } from '@adapt/iisnode';
import * as appModule from ${JSON.stringify(importApp)};

${appEntryLines(importApp, 'iisnode')}
const server = await serveIisnode(app, ${JSON.stringify(options)});
console.log(${JSON.stringify(`adapt: ${appName} listening on `)} + server.url);
`;
}

/** index.cjs: what web.config names and iisnode require()s. */
export function shimSource(): string {
  return commonjsShimSource({
    bundleFile,
    comment: [
      "written by adapt build --target iisnode. iisnode's interceptor loads this file with require();",
      'the app is an ES module (it may use top-level await), so it is import()ed from here.',
    ],
    before: [''],
    failureMessage: 'adapt: the app failed to start:',
    afterFailureLog: ['process.exitCode = 1;', 'setTimeout(() => process.exit(1), 100).unref();'],
  });
}
