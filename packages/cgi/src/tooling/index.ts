/**
 * `@adapt/cgi/target`: how `adapt build --target cgi` lays out .adapt/cgi/: server.mjs (the app
 * under @adapt/fastcgi's runCgi(), one request per process), app.cgi (the executable script the
 * web server runs: a CommonJS file, since Node loads an unknown extension as CommonJS, that
 * import()s server.mjs), the static folder, and the configs beside them: an Apache vhost
 * (mod_cgid) and a lighttpd config (mod_cgi), each running app.cgi for every path.
 * Build-time code: never imported by the runtime entry.
 */
import { commonjsShimSource } from '@adapt/node/target';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AdaptError, checkResolvedSettings, checks, type AdaptTarget, type BuildArtifact, type SettingsSchema, type TargetContext } from '@adapt/core';
import { apacheCgiSite, lighttpdCgiConfig } from './configs.js';

export { apacheCgiSite, lighttpdCgiConfig } from './configs.js';

export interface CgiTargetSettings {
  /** Where the build folder is installed on the server. Default /srv/<app name>. */
  installDir: string;
  /** Absolute path of node on the server (app.cgi's #! line). Default /usr/bin/node. */
  nodePath: string;
  /** The front server's listen values (nginx style). Default ["80", "[::]:80"]. */
  listen: string[];
  /** Server names. Default: the `domain` setting, else `_` (any). */
  serverName: string;
  static: string | undefined;
  bodyLimit: number | undefined;
}

const absolutePath = /^\/[^\s"'\\;%$|]*$/;

export const cgiSettingsSchema: SettingsSchema = {
  installDir: {
    check: checks.matches(absolutePath, 'an absolute path without spaces, quotes or $'),
    description: 'Where the build folder is installed on the server.',
    example: '"/srv/shop"',
  },
  nodePath: { check: checks.matches(absolutePath, 'an absolute path'), description: "Absolute path of node on the server (app.cgi's #! line).", example: '"/usr/bin/node"' },
  listen: {
    check: (value) => {
      const list = Array.isArray(value) ? value : [value];
      return list.length > 0 && list.every((item) => (typeof item === 'string' && /^[\w.:[\]]+$/.test(item)) || Number.isInteger(item))
        ? undefined
        : 'a listen value or a list of them, such as 80 or "127.0.0.1:8080"';
    },
    description: "The front server's listen values.",
    example: '["80", "[::]:80"]',
  },
  serverName: { check: checks.matches(/^[\w.* -]+$/, 'one or more host names'), description: 'Host names the front server answers for.', example: '"shop.example.com"' },
};

export function cgiSettings(context: TargetContext): CgiTargetSettings {
  const s = context.settings;
  checkResolvedSettings(s, 'cgi', cgiSettingsSchema);
  return {
    installDir: (s.installDir as string | undefined) ?? `/srv/${context.appName}`,
    nodePath: (s.nodePath as string | undefined) ?? '/usr/bin/node',
    listen: s.listen === undefined ? ['80', '[::]:80'] : (Array.isArray(s.listen) ? s.listen : [s.listen]).map(String),
    serverName: (s.serverName as string | undefined) ?? (typeof s.domain === 'string' ? s.domain : '_'),
    static: typeof s.static === 'string' ? s.static : undefined,
    bodyLimit: typeof s.bodyLimit === 'number' ? s.bodyLimit : undefined,
  };
}

function entrySource(importApp: string, settings: CgiTargetSettings): string {
  return `import { runCgi } from '@adapt/fastcgi';
import * as appModule from ${JSON.stringify(importApp)};

const app = appModule.default ?? appModule.app;
if (app === undefined) {
  process.stdout.write('Status: 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\nthe app module exports no app\\n');
  console.error(${JSON.stringify(`adapt: ${importApp} exports no app; export it as the default export (export default app)`)});
  process.exit(1);
}
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
    return { entrySource: (importApp) => entrySource(importApp, settings), fileName: 'server.mjs', format: 'esm', nodeTarget: 'node20' };
  },
  async package(context: TargetContext): Promise<BuildArtifact[]> {
    const settings = cgiSettings(context);
    const artifacts: BuildArtifact[] = [];
    const write = (path: string, text: string, description: string) => {
      writeFileSync(join(context.outDir, path), text);
      artifacts.push({ path, bytes: Buffer.byteLength(text), description });
    };
    write('app.cgi', scriptSource(settings), 'the CGI script: it import()s server.mjs');
    chmodSync(join(context.outDir, 'app.cgi'), 0o755);
    let staticEntries: string[] | undefined;
    if (settings.static) {
      const source = resolve(context.cwd, settings.static);
      if (!existsSync(source) || !statSync(source).isDirectory()) {
        throw new AdaptError('CONFIG_INVALID', `the static folder "${settings.static}" does not exist (${source})`, { hint: 'create it, or remove static from adapt.config.ts' });
      }
      cpSync(source, join(context.outDir, 'static'), { recursive: true, dereference: true });
      staticEntries = readdirSync(join(context.outDir, 'static')).sort();
    } else {
      mkdirSync(join(context.outDir, 'static'), { recursive: true }); // lighttpd's document-root, empty
    }
    write('apache-site.conf', apacheCgiSite(settings, context.appName, staticEntries), 'Apache vhost: mod_cgid runs app.cgi');
    write('lighttpd.conf', lighttpdCgiConfig(settings, context.appName, staticEntries), 'lighttpd config: mod_cgi runs app.cgi');
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
