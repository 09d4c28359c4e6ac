/**
 * `@adapt/cgi/target`: how `adapt build --target cgi` lays out .adapt/cgi/: server.mjs (the app
 * under @adapt/fastcgi's runCgi(), one request per process), app.cgi (the executable script the
 * web server runs: a CommonJS file that import()s server.mjs, with a package.json beside it that
 * says "type": "commonjs", since Node loads an unknown extension by the nearest package.json's
 * type), the static folder, and the configs beside them: an Apache vhost
 * (mod_cgid) and a lighttpd config (mod_cgi), each running app.cgi for every path.
 * Build-time code: never imported by the runtime entry.
 */
import { appEntryLines, artifactWriter, commonjsShimSource, copyStaticFolder } from '@adapt/node/target';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AdaptError, checkResolvedSettings, type AdaptTarget, type BuildArtifact, type SettingsSchema, scheduleCrontab, type TargetContext } from '@adapt/core';
import { frontServerSettings, frontServerSettingsSchema, type FrontServerSettings } from '@adapt/fastcgi/target';
import { apacheCgiSite, lighttpdCgiConfig } from './configs.js';

export { apacheCgiSite, lighttpdCgiConfig } from './configs.js';

/** The cgi target's settings: the ones every target behind a classic front server shares (@adapt/fastcgi's settings.ts). */
export type CgiTargetSettings = FrontServerSettings;

export const cgiSettingsSchema: SettingsSchema = {
  ...frontServerSettingsSchema,
  nodePath: { ...frontServerSettingsSchema.nodePath!, description: "Absolute path of node on the server (app.cgi's #! line)." },
};

export function cgiSettings(context: TargetContext): CgiTargetSettings {
  checkResolvedSettings(context.settings, 'cgi', cgiSettingsSchema);
  return frontServerSettings(context);
}

function entrySource(importApp: string, settings: CgiTargetSettings): string {
  return `import { runTaskCommand } from '@adapt/core';
import { runCgi } from '@adapt/fastcgi';
import * as appModule from ${JSON.stringify(importApp)};

${appEntryLines(importApp, 'cgi', {
  onMissingApp: "  process.stdout.write('Status: 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\nthe app module exports no app\\n');\n",
  runCondition: '!process.env.GATEWAY_INTERFACE && !process.env.REQUEST_METHOD',
  runComment: "node server.mjs run <task> [args...] runs a task; never under a web server, which may pass a query's words as argv (RFC 3875 4.4)",
})}
const code = await runCgi(app, { exit: false${settings.bodyLimit ? `, bodyLimit: ${settings.bodyLimit}` : ''} });
// mod_cgid hands the script its socket to Apache as stdin and stdout: exiting with request body
// left unread resets that socket, and Apache drops the answer. Read what the app left.
if (!process.stdin.readableEnded && Number(process.env.CONTENT_LENGTH) > 0) {
  process.stdin.resume();
  await new Promise((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('error', resolve);
  });
}
process.exit(code);
`;
}

/** app.cgi: what the web server executes, CommonJS (Node loads the .cgi extension as such). */
function scriptSource(settings: CgiTargetSettings): string {
  return commonjsShimSource({
    bundleFile: 'server.mjs',
    shebang: settings.nodePath,
    comment: [
      'written by adapt build --target cgi: the web server runs this file for each request;',
      'it import()s server.mjs, which answers the one request in the environment and stdin.',
    ],
    failureMessage: 'adapt: the app failed to start:',
    beforeFailureLog: ["process.stdout.write('Status: 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\nthe app failed to start\\n');"],
    afterFailureLog: ['process.exitCode = 1;'],
  });
}

export const cgiTarget: AdaptTarget = {
  name: 'cgi',
  description: 'a CGI script behind Apache (mod_cgid) or lighttpd (mod_cgi): app.cgi, server.mjs and the two configs',
  settings: cgiSettingsSchema,
  bundle(context) {
    const settings = cgiSettings(context);
    return {
      entrySource: (importApp) => entrySource(importApp, settings),
      fileName: 'server.mjs',
      format: 'esm',
      nodeTarget: 'node20',
      // every request starts the bundle afresh: no node:vm for the lightweight classes (all of the app is in it)
      inject: ['@adapt/fastcgi/bundle-globals'],
      runsTasks: true,
    };
  },
  async package(context: TargetContext): Promise<BuildArtifact[]> {
    const settings = cgiSettings(context);
    const { artifacts, write } = artifactWriter(context);
    write('app.cgi', scriptSource(settings), 'the CGI script: it import()s server.mjs');
    chmodSync(join(context.outDir, 'app.cgi'), 0o755);
    // Node reads a file of unknown extension as the nearest package.json's type says; under the
    // project's "type": "module" it refuses app.cgi (ERR_UNKNOWN_FILE_EXTENSION): this one says CommonJS
    const manifest = { name: context.appName, private: true, type: 'commonjs' };
    write('package.json', JSON.stringify(manifest, null, 2) + '\n', 'type: commonjs, so Node runs app.cgi whatever the project declares');
    let staticEntries: string[] | undefined;
    if (settings.static) {
      staticEntries = copyStaticFolder(context, settings.static).entries;
    } else {
      mkdirSync(join(context.outDir, 'static'), { recursive: true }); // lighttpd's document-root, empty
    }
    write('apache-site.conf', apacheCgiSite(settings, context.appName, staticEntries), 'Apache vhost: mod_cgid runs app.cgi');
    write('lighttpd.conf', lighttpdCgiConfig(settings, context.appName, staticEntries), 'lighttpd config: mod_cgi runs app.cgi');
    const crontab = scheduleCrontab(await context.readAppManifest(), { target: 'cgi', installDir: settings.installDir, nodePath: settings.nodePath });
    if (crontab) write('adapt.crontab', crontab, "the app's schedules as cron lines (this target has no scheduler of its own)");
    return artifacts;
  },
  /** A CGI app has no process of its own to start: the web server runs app.cgi once per request. */
  async start(context: TargetContext) {
    throw new AdaptError('START_UNSUPPORTED', `a CGI app has no long-running process to start: the web server runs ${join(context.outDir, 'app.cgi')} once per request`, {
      hint: 'install apache-site.conf (mod_cgid) or lighttpd.conf (mod_cgi) from the build folder as their headers say; to serve the app locally: adapt start --target fastcgi, or --target node',
    });
  },
};

export default cgiTarget;
