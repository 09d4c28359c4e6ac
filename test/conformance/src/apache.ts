/**
 * A real Apache (Debian's apache2) for tests: a minimal server config of its own under a temp
 * folder (mpm_event, the modules asked for, one Listen on loopback) that includes one generated
 * site file, checked with `apache2 -t`, run in the foreground until `stop()`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningServer, stopper, waitForListening } from './server-process.js';

export type { RunningServer } from './server-process.js';

const modulesDir = '/usr/lib/apache2/modules';
/** The modules every test config loads (mod_mime for types, mod_dir and mod_alias for sites). */
const baseModules = ['mpm_event', 'authz_core', 'authz_host', 'mime', 'dir', 'alias', 'headers', 'env', 'rewrite'];

export interface ApacheOptions {
  /** Extra modules by short name (`proxy`, `proxy_http`, `passenger`...). */
  modules?: string[];
  /** Extra lines of server config before the site (such as PassengerRoot). */
  extra?: string[];
}

/** Writes the server config under `dir` and returns its path (what `apache2 -t -f` checks). */
export function apacheConfig(dir: string, site: string, port: number, options: ApacheOptions = {}): string {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  mkdirSync(join(dir, 'run'), { recursive: true });
  const modules = [...new Set([...baseModules, ...(options.modules ?? [])])];
  for (const name of modules) {
    if (!existsSync(join(modulesDir, `mod_${name}.so`))) throw new Error(`Apache module mod_${name}.so is not installed in ${modulesDir}`);
  }
  const root = process.getuid?.() === 0;
  const config = join(dir, 'apache2.conf');
  writeFileSync(
    config,
    [
      `ServerRoot ${dir}`,
      'ServerName 127.0.0.1',
      `PidFile ${dir}/run/apache2.pid`,
      `DefaultRuntimeDir ${dir}/run`,
      `ErrorLog ${dir}/logs/error.log`,
      'LogLevel warn',
      ...(root ? ['User www-data', 'Group www-data'] : []),
      ...modules.map((name) => `LoadModule ${name === 'mpm_event' ? 'mpm_event' : name}_module ${modulesDir}/mod_${name}.so`),
      'StartServers 1',
      'ServerLimit 1',
      'ThreadsPerChild 25',
      'MaxRequestWorkers 25',
      'TypesConfig /etc/mime.types',
      `Listen 127.0.0.1:${port}`,
      ...(options.extra ?? []),
      `Include ${site}`,
      '',
    ].join('\n'),
  );
  return config;
}

/** `apache2 -t` on the config; throws with Apache's own words when it refuses it. */
export function checkApacheConfig(config: string): string {
  try {
    return execFileSync('apache2', ['-t', '-f', config], { stdio: 'pipe', encoding: 'utf8' }) + '';
  } catch (error) {
    const failed = error as { stderr?: string; stdout?: string };
    throw new Error(`apache2 -t refused ${config}:\n${failed.stderr ?? ''}${failed.stdout ?? ''}`);
  }
}

/** Starts Apache with `site` (a file holding `<VirtualHost 127.0.0.1:<port>>`) under `dir`. */
export async function startApache(dir: string, site: string, port: number, options: ApacheOptions = {}): Promise<RunningServer> {
  const config = apacheConfig(dir, site, port, options);
  checkApacheConfig(config);
  const apache = spawn('apache2', ['-f', config, '-DFOREGROUND'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  apache.stderr!.on('data', (chunk) => (log += chunk));
  apache.stdout!.on('data', (chunk) => (log += chunk));
  await waitForListening('apache2', port, apache, () => log);
  // SIGWINCH: graceful stop (finish the requests in flight, then exit).
  return { log: () => log, stop: stopper(apache, 'SIGWINCH') };
}
