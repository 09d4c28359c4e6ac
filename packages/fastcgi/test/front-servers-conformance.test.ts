/**
 * The conformance battery through real Apache and lighttpd to the FastCGI target (over a unix
 * socket, over TCP, and spawned by the server on fd 0) and to runCgi (one process per request).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import type { App } from '@adapt/core';
import { conformanceSuite, type Runner } from '@adapt/conformance';
import battery from '@adapt/conformance/app';
import { send } from '@adapt/conformance/http';
import { requireComponent } from '../../../test/components.js';
import { serveFastcgi, type FastcgiServer } from '../src/index.js';
import { openTempDir, removeDir, startApache, startLighttpd, type FrontServer } from './helpers/front-servers.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** A shell script the server runs: node (this one) on a fixture, whatever PATH the server gives. */
function wrapper(dir: string, name: string, script: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\nexec "${process.execPath}" "${fixture(script)}"\n`, { mode: 0o755 });
  return path;
}

async function runner(name: string, start: (dir: string, app: FastcgiServer | undefined) => Promise<FrontServer>, serve?: { app: App; mode: 'unix' | 'tcp' }): Promise<Runner> {
  const dir = openTempDir('adapt-fcgi-front-');
  const app = serve ? await serveFastcgi(serve.app, serve.mode === 'unix' ? { socket: join(dir, 'app.sock'), socketMode: 0o666 } : { port: 0 }) : undefined;
  let front: FrontServer;
  try {
    front = await start(dir, app);
  } catch (error) {
    await app?.close();
    throw error;
  }
  return {
    name,
    deliver: (request) => send(front.origin, request.path, { method: request.method, headers: request.headers, body: request.body }),
    async close() {
      await front.stop();
      await app?.close();
      removeDir(dir);
    },
  };
}

const fcgiTarget = (dir: string, app: FastcgiServer) => (app.address.startsWith('unix:') ? `unix:${join(dir, 'app.sock')}|fcgi://localhost/` : `fcgi://127.0.0.1:${app.port}/`);

describe('FastCGI behind Apache (mod_proxy_fcgi)', () => {
  const enabled = requireComponent('apache2');
  for (const mode of ['unix', 'tcp'] as const) {
    conformanceSuite(
      `fastcgi (Apache mod_proxy_fcgi, ${mode === 'unix' ? 'unix socket' : 'TCP'})`,
      () =>
        runner(
          `fastcgi apache proxy_fcgi ${mode}`,
          (dir, app) => startApache(dir, `ProxyPass "/" "${fcgiTarget(dir, app!)}" enablereuse=on nocanon\nProxyFCGIBackendType GENERIC`, ['proxy', 'proxy_fcgi']),
          { app: battery, mode },
        ),
      { enabled },
    );
  }
});

describe('FastCGI spawned by Apache (mod_fcgid, socket on fd 0)', () => {
  const enabled = requireComponent('apache2-fcgid');
  conformanceSuite(
    'fastcgi (Apache mod_fcgid)',
    () =>
      runner('fastcgi apache fcgid', (dir) =>
        startApache(
          dir,
          `FcgidIPCDir ${dir}/apache-run/fcgid
FcgidProcessTableFile ${dir}/apache-run/fcgid-shm
FcgidMaxRequestLen 20000000
FcgidOutputBufferSize 0
FcgidMaxProcessesPerClass 2
<Location />
  SetHandler fcgid-script
  Options +ExecCGI
  FcgidWrapper "${wrapper(dir, 'battery-fd0.sh', 'battery-fd0.mjs')}" virtual
</Location>`,
          ['fcgid'],
        ),
      ),
    { enabled },
  );
});

describe('FastCGI behind lighttpd (mod_fastcgi)', () => {
  const enabled = requireComponent('lighttpd');
  for (const mode of ['unix', 'tcp'] as const) {
    conformanceSuite(
      `fastcgi (lighttpd, ${mode === 'unix' ? 'unix socket' : 'TCP'})`,
      () =>
        runner(
          `fastcgi lighttpd ${mode}`,
          (dir, app) =>
            startLighttpd(
              dir,
              `fastcgi.server = ( "/" => (( ${mode === 'unix' ? `"socket" => "${dir}/app.sock"` : `"host" => "127.0.0.1", "port" => ${app!.port}`}, "check-local" => "disable" )) )`,
              ['mod_fastcgi'],
            ),
          { app: battery, mode },
        ),
      { enabled },
    );
  }
  conformanceSuite(
    'fastcgi (lighttpd bin-path, socket on fd 0)',
    () =>
      runner('fastcgi lighttpd bin-path', (dir) =>
        startLighttpd(
          dir,
          `fastcgi.server = ( "/" => (( "socket" => "${dir}/lighttpd-run/spawned.sock", "bin-path" => "${wrapper(dir, 'battery-fd0.sh', 'battery-fd0.mjs')}", "max-procs" => 1, "check-local" => "disable" )) )`,
          ['mod_fastcgi'],
        ),
      ),
    { enabled },
  );
});

describe('CGI (runCgi, one process per request)', () => {
  const lighttpd = requireComponent('lighttpd');
  conformanceSuite(
    'cgi (lighttpd mod_cgi)',
    () =>
      runner('cgi lighttpd', (dir) => {
        mkdirSync(join(dir, 'www'));
        wrapper(join(dir, 'www'), 'app.cgi', 'battery-cgi.mjs');
        // every path runs the script; REQUEST_URI stays the request target as sent
        return startLighttpd(dir, `url.rewrite-once = ( ".*" => "/app.cgi" )\ncgi.assign = ( ".cgi" => "" )\ncgi.execute-x-only = "enable"`, ['mod_rewrite', 'mod_cgi']);
      }),
    { enabled: lighttpd },
  );
  const apache = requireComponent('apache2');
  conformanceSuite(
    'cgi (Apache mod_cgid)',
    () =>
      runner('cgi apache', (dir) => {
        const script = wrapper(dir, 'app.cgi', 'battery-cgi.mjs');
        // every path runs the script; REQUEST_URI stays the request target as sent
        return startApache(dir, `ScriptSock ${dir}/apache-run/cgisock\nScriptAliasMatch "^/" "${script}"\n<Directory "${dir}">\n  Require all granted\n</Directory>`, [
          'cgid',
          'alias',
        ]);
      }),
    { enabled: apache },
  );
});
