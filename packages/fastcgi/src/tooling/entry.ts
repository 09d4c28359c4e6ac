/**
 * The source of server.mjs for the fastcgi target: the app served by serveFastcgi() on a unix
 * socket (FCGI_SOCKET, mode FCGI_SOCKET_MODE, octal), a TCP port (FCGI_PORT), or the listening
 * socket a spawning server passes on fd 0 (FCGI_FD=0, set by fastcgi-spawn.sh), with the
 * build's settings as defaults (sendFile's mode and roots too; SEND_FILE_MODE overrides the mode); SIGTERM and SIGINT close it after the requests in flight.
 */
import { appEntryLines } from '@adapt/node/target';
import type { FastcgiTargetSettings } from './settings.js';

export function fastcgiEntrySource(importApp: string, settings: FastcgiTargetSettings, appName: string): string {
  const defaults = { socket: settings.socket, port: settings.port ?? null, bodyLimit: settings.bodyLimit ?? null, sendFile: settings.sendFile ?? null };
  return `import { configureSendFile, runTaskCommand } from '@adapt/core';
import { serveFastcgi } from '@adapt/fastcgi';
import * as appModule from ${JSON.stringify(importApp)};

const defaults = ${JSON.stringify(defaults)};
${appEntryLines(importApp, 'fastcgi')}
const env = process.env;
function fail(message) {
  console.error('adapt: ' + message);
  process.exit(1);
}
const options = {};
if (env.FCGI_FD) {
  if (!/^\\d+$/.test(env.FCGI_FD)) fail('FCGI_FD must be a file descriptor number such as 0, got ' + JSON.stringify(env.FCGI_FD));
  options.fd = Number(env.FCGI_FD);
} else if (env.FCGI_PORT) {
  if (!/^\\d+$/.test(env.FCGI_PORT) || Number(env.FCGI_PORT) < 1 || Number(env.FCGI_PORT) > 65535) fail('FCGI_PORT must be an integer from 1 to 65535, got ' + JSON.stringify(env.FCGI_PORT));
  options.port = Number(env.FCGI_PORT);
  options.host = env.FCGI_HOST || '127.0.0.1';
} else if (env.FCGI_SOCKET || defaults.port === null) {
  options.socket = env.FCGI_SOCKET || defaults.socket;
  if (env.FCGI_SOCKET_MODE) {
    if (!/^[0-7]{3,4}$/.test(env.FCGI_SOCKET_MODE)) fail('FCGI_SOCKET_MODE must be octal permissions such as 660, got ' + JSON.stringify(env.FCGI_SOCKET_MODE));
    options.socketMode = parseInt(env.FCGI_SOCKET_MODE, 8);
  }
} else {
  options.port = defaults.port;
}
if (defaults.bodyLimit !== null) options.bodyLimit = defaults.bodyLimit;
// sendFile(): the build's mode and roots (relative roots: from the working folder); SEND_FILE_MODE overrides the mode
try {
  configureSendFile(defaults.sendFile ?? undefined);
} catch (error) {
  fail(String(error.message).replace(/^adapt: /, ''));
}
const server = await serveFastcgi(app, options).catch((error) => fail(String(error?.message ?? error).replace(/^adapt: /, '')));
console.log(${JSON.stringify(`adapt: ${appName} serving FastCGI on `)} + server.address);
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close().then(() => process.exit(0), () => process.exit(1));
  });
}
`;
}

/** fastcgi-spawn.sh: what mod_fcgid and lighttpd's bin-path start, with the listening socket on fd 0. */
export function spawnScriptSource(settings: FastcgiTargetSettings): string {
  return `#!/bin/sh
# written by adapt build --target fastcgi: mod_fcgid (FcgidWrapper) and lighttpd (bin-path) start
# this with the listening socket on fd 0; server.mjs serves on it.
FCGI_FD=0 exec ${settings.nodePath} "$(dirname "$0")/server.mjs"
`;
}
