/**
 * Real Apache (mod_proxy_fcgi, mod_fcgid, mod_cgid) and lighttpd (mod_fastcgi, mod_cgi) for the
 * tests, Debian's packages, each with a site of its own in a temp folder, run by the conformance
 * package's harness (@adapt/conformance/apache and /lighttpd, one home for both) in the
 * foreground on loopback until `stop()`. The servers' own sockets and state go in a folder
 * www-data owns (Apache's workers run as www-data under root).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApache as runApache } from '@adapt/conformance/apache';
import { startLighttpd as runLighttpd } from '@adapt/conformance/lighttpd';
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

/** Apache with `body` (directives for the server: ProxyPass, a Location...); `<dir>/apache-run` is www-data's. */
export async function startApache(dir: string, body: string, extraModules: string[] = []): Promise<FrontServer> {
  const port = await freePort();
  wwwDataDir(join(dir, 'apache-run'));
  const site = join(dir, 'apache-site.conf');
  // Without AllowEncodedSlashes every %2F in a path is a 404
  writeFileSync(site, `AllowEncodedSlashes NoDecode\nTimeout 30\n${body}\n`);
  const server = await runApache(dir, site, port, { modules: extraModules });
  return { origin: `http://127.0.0.1:${port}`, dir, log: server.log, stop: server.stop };
}

/** lighttpd with `body` (fastcgi.server, cgi.assign...), its document root `<dir>/www`; `<dir>/lighttpd-run` is www-data's. */
export async function startLighttpd(dir: string, body: string, moduleNames: string[]): Promise<FrontServer> {
  const port = await freePort();
  wwwDataDir(join(dir, 'lighttpd-run'));
  const site = join(dir, 'lighttpd-site.conf');
  writeFileSync(
    site,
    `server.modules += (${moduleNames.map((name) => `"${name}"`).join(', ')})
# Without it lighttpd buffers the answer, and a truncated body reaches the client as a complete one
server.stream-response-body = 1
server.stream-request-body = 1
${body}
`,
  );
  const server = await runLighttpd(dir, site, port);
  return { origin: `http://127.0.0.1:${port}`, dir, log: server.log, stop: server.stop };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
