/**
 * Real Apache (mod_proxy_fcgi, mod_fcgid, mod_cgid) and lighttpd (mod_fastcgi, mod_cgi) for the
 * tests, Debian's packages, each with its own config and run folder in a temp folder, in the
 * foreground on loopback until `stop()`. Workers run as www-data: the folder is open to them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { freePort } from '@adapt/conformance/nginx';

export interface FrontServer {
  origin: string;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

/** A temp folder www-data can enter. */
export function openTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** A folder owned by www-data (for the servers' own sockets and state). */
function wwwDataDir(path: string): string {
  mkdirSync(path, { recursive: true });
  const ids = spawnSync('id', ['-u', 'www-data'], { encoding: 'utf8' });
  const gids = spawnSync('id', ['-g', 'www-data'], { encoding: 'utf8' });
  if (ids.status === 0 && process.getuid?.() === 0) chownSync(path, Number(ids.stdout), Number(gids.stdout));
  return path;
}

const modules = '/usr/lib/apache2/modules';

/** Apache with `body` (directives for the server: ProxyPass, a Location...) added to a minimal config. */
export async function startApache(dir: string, body: string, extraModules: string[] = []): Promise<FrontServer> {
  const port = await freePort();
  const run = wwwDataDir(join(dir, 'apache-run'));
  const config = join(dir, 'apache.conf');
  const load = ['mpm_event', 'authz_core', 'mime', ...extraModules].map((name) => `LoadModule ${name}_module ${modules}/mod_${name}.so`).join('\n');
  writeFileSync(
    config,
    `${load}
ServerName 127.0.0.1
ServerRoot ${dir}
Listen 127.0.0.1:${port}
PidFile ${run}/apache.pid
DefaultRuntimeDir ${run}
Mutex file:${run} default
ErrorLog ${dir}/apache-error.log
LogLevel warn
User www-data
Group www-data
TypesConfig /etc/mime.types
StartServers 1
ServerLimit 1
ThreadsPerChild 25
MaxRequestWorkers 25
Timeout 30
# Without it every %2F in a path is a 404
AllowEncodedSlashes NoDecode
${body}
`,
  );
  const check = spawnSync('apache2', ['-f', config, '-t'], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`apache2 -t refused the config: ${check.stderr}`);
  const child = spawn('apache2', ['-f', config, '-D', 'FOREGROUND'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return running('apache2', child, dir, join(dir, 'apache-error.log'), port);
}

/** lighttpd with `body` (fastcgi.server, cgi.assign...) added to a minimal config. */
export async function startLighttpd(dir: string, body: string, moduleNames: string[]): Promise<FrontServer> {
  const port = await freePort();
  const run = wwwDataDir(join(dir, 'lighttpd-run'));
  const config = join(dir, 'lighttpd.conf');
  mkdirSync(join(dir, 'docroot'), { recursive: true }); // may hold a CGI script already
  writeFileSync(
    config,
    `server.modules = (${moduleNames.map((name) => `"${name}"`).join(', ')})
server.document-root = "${dir}/docroot"
server.bind = "127.0.0.1"
server.port = ${port}
server.username = "www-data"
server.groupname = "www-data"
server.errorlog = "${run}/error.log"
server.upload-dirs = ("${run}")
# Without it lighttpd buffers the answer, and a truncated body reaches the client as a complete one
server.stream-response-body = 1
server.stream-request-body = 1
${body}
`,
  );
  const check = spawnSync('lighttpd', ['-t', '-f', config], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`lighttpd -t refused the config: ${check.stderr}${check.stdout}`);
  const child = spawn('lighttpd', ['-D', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  return running('lighttpd', child, dir, join(run, 'error.log'), port);
}

async function running(name: string, child: ChildProcess, dir: string, errorLog: string, port: number): Promise<FrontServer> {
  let log = '';
  child.stdout!.on('data', (chunk) => (log += chunk));
  child.stderr!.on('data', (chunk) => (log += chunk));
  const readLog = () => {
    const file = spawnSync('cat', [errorLog], { encoding: 'utf8' }).stdout ?? '';
    return `${log}${file}`;
  };
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${readLog()}`);
    if (await canConnect(port)) break;
    if (attempt > 400) throw new Error(`${name} did not listen on ${port}: ${readLog()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    origin: `http://127.0.0.1:${port}`,
    dir,
    log: readLog,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    }).once('error', () => resolve(false));
  });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
