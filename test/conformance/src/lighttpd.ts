/**
 * A real lighttpd (Debian's lighttpd) for tests: a minimal server config under a temp folder
 * (bound to one loopback port) that includes one generated config file, checked with
 * `lighttpd -tt`, run in the foreground until `stop()`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningServer, stopper, waitForListening } from './server-process.js';

export type { RunningServer } from './server-process.js';

/** Writes the server config under `dir` and returns its path (what `lighttpd -tt -f` checks). */
export function lighttpdServerConfig(dir: string, site: string, port: number): string {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  mkdirSync(join(dir, 'www'), { recursive: true });
  mkdirSync(join(dir, 'upload'), { recursive: true });
  const config = join(dir, 'lighttpd.conf');
  writeFileSync(
    config,
    [
      `server.document-root = "${dir}/www"`,
      'server.bind = "127.0.0.1"',
      `server.port = ${port}`,
      `server.errorlog = "${dir}/logs/error.log"`,
      `server.upload-dirs = ( "${dir}/upload" )`,
      'mimetype.assign = ( ".html" => "text/html", ".css" => "text/css", ".js" => "text/javascript", ".txt" => "text/plain" )',
      `include "${site}"`,
      '',
    ].join('\n'),
  );
  return config;
}

/** `lighttpd -tt` on the config (it loads the modules too); throws with lighttpd's own words. */
export function checkLighttpdConfig(config: string): void {
  try {
    execFileSync('lighttpd', ['-tt', '-f', config], { stdio: 'pipe' });
  } catch (error) {
    const failed = error as { stderr?: Buffer; stdout?: Buffer };
    throw new Error(`lighttpd -tt refused ${config}:\n${failed.stderr ?? ''}${failed.stdout ?? ''}`);
  }
}

/** Starts lighttpd with `site` (a file holding `$SERVER["socket"] == "127.0.0.1:<port>" {...}`) under `dir`. */
export async function startLighttpd(dir: string, site: string, port: number): Promise<RunningServer> {
  const config = lighttpdServerConfig(dir, site, port);
  checkLighttpdConfig(config);
  const lighttpd = spawn('lighttpd', ['-D', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  lighttpd.stderr!.on('data', (chunk) => (log += chunk));
  lighttpd.stdout!.on('data', (chunk) => (log += chunk));
  await waitForListening('lighttpd', port, lighttpd, () => log);
  // SIGINT: graceful shutdown (lighttpd finishes the requests in flight).
  return { log: () => log, stop: stopper(lighttpd, 'SIGINT') };
}
