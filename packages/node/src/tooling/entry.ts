/**
 * The source of server.mjs: the app plus @adapt/node's serve, configured from the environment
 * (PORT, HOST, TRUST_PROXY, BODY_LIMIT, WORKERS, ADAPT_SUPERVISE, SEND_FILE_MODE), with the build's settings as defaults. A bad
 * variable stops the server at startup with the variable named.
 */
import { appEntryLines } from './app-entry.js';
import type { NodeTargetSettings } from './settings.js';

export function serverEntrySource(importApp: string, settings: NodeTargetSettings, appName: string): string {
  const defaults = {
    port: 3000,
    host: '0.0.0.0',
    bodyLimit: settings.bodyLimit ?? null,
    workers: settings.workers ?? null,
    static: settings.static ? 'static' : null,
    trustProxy: settings.trustProxy ?? null,
    refuseMethods: settings.refuseMethods ?? null,
    sendFile: settings.sendFile ?? null,
  };
  return `import { configureSendFile, runTaskCommand } from '@adapt/core';
import { parsePort, serve } from '@adapt/node';
import cluster from 'node:cluster';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as appModule from ${JSON.stringify(importApp)};

const defaults = ${JSON.stringify(defaults)};
${appEntryLines(importApp, 'node')}
const env = process.env;
function fail(message) {
  console.error('adapt: ' + message);
  process.exit(1);
}
function integer(name, fallback, min, max) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) fail(name + ' must be an integer from ' + min + ' to ' + max + ', got ' + JSON.stringify(raw));
  return Number(raw);
}
function port(name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = parsePort(raw);
  return value === undefined ? fail(name + ' must be an integer from 0 to 65535, got ' + JSON.stringify(raw)) : value;
}
const workers = env.WORKERS === 'auto' ? 'auto' : integer('WORKERS', defaults.workers ?? 1, 1, 1024);
const here = dirname(fileURLToPath(import.meta.url));
const options = {
  port: port('PORT', defaults.port),
  host: env.HOST || defaults.host,
  handleSignals: true,
};
// TRUST_PROXY (a hop count, true/false, or addresses and CIDRs) is read by serve(); else the build's setting
if (!env.TRUST_PROXY && defaults.trustProxy !== null) options.trustProxy = defaults.trustProxy;
const bodyLimit = integer('BODY_LIMIT', defaults.bodyLimit ?? 0, 0, Number.MAX_SAFE_INTEGER);
if (bodyLimit > 0) options.bodyLimit = bodyLimit;
if (workers !== 1) options.workers = workers;
// ADAPT_SUPERVISE=1 (adapt start --daemon): a primary holds the socket, SIGHUP replaces workers one at a time
if (env.ADAPT_SUPERVISE === '1') options.supervise = true;
if (defaults.static) options.static = join(here, defaults.static);
if (defaults.refuseMethods) options.refuseMethods = defaults.refuseMethods;
// sendFile(): the build's mode and roots (relative roots: from the working folder); SEND_FILE_MODE overrides the mode
try {
  configureSendFile(defaults.sendFile ?? undefined);
} catch (error) {
  fail(String(error.message).replace(/^adapt: /, ''));
}
const server = await serve(app, options).catch((error) => fail(String(error?.message ?? error).replace(/^adapt: /, '')));
// once per server, not once per worker
if (cluster.isPrimary && server && server.url) console.log(${JSON.stringify(`adapt: ${appName} listening on `)} + server.url);
`;
}
