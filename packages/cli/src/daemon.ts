/**
 * The daemon's files, in the project's .adapt folder:
 *   .adapt/run/<app>.pid    the server's process id (its cluster primary), one line
 *   .adapt/run/<app>.json   what `adapt status` shows: pid, url, target, stage, start time, log files
 *   .adapt/log/<app>.out.log and <app>.err.log   the server's stdout and stderr, appended
 * A pid file whose process is gone is stale: the commands remove it and say so.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Project } from './config.js';

export interface DaemonFiles {
  pid: string;
  state: string;
  out: string;
  err: string;
}

export interface DaemonState {
  pid: number;
  url: string;
  target: string;
  stage: string;
  startedAt: string;
  out: string;
  err: string;
}

export function daemonFiles(project: Project): DaemonFiles {
  const run = join(project.dir, '.adapt', 'run');
  const log = join(project.dir, '.adapt', 'log');
  return {
    pid: join(run, `${project.appName}.pid`),
    state: join(run, `${project.appName}.json`),
    out: join(log, `${project.appName}.out.log`),
    err: join(log, `${project.appName}.err.log`),
  };
}

export function prepareFolders(files: DaemonFiles): void {
  mkdirSync(join(files.pid, '..'), { recursive: true });
  mkdirSync(join(files.out, '..'), { recursive: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type Daemon = { running: true; pid: number; state: DaemonState | undefined } | { running: false; stalePid?: number };

/** Reads the pid file; a stale one (its process gone) is removed with the state file. */
export function readDaemon(files: DaemonFiles): Daemon {
  if (!existsSync(files.pid)) return { running: false };
  const pid = Number(readFileSync(files.pid, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    let state: DaemonState | undefined;
    try {
      state = JSON.parse(readFileSync(files.state, 'utf8')) as DaemonState;
      if (state.pid !== pid) state = undefined;
    } catch {
      state = undefined;
    }
    return { running: true, pid, state };
  }
  removeDaemonFiles(files);
  return { running: false, stalePid: Number.isInteger(pid) ? pid : -1 };
}

export function writeDaemon(files: DaemonFiles, state: DaemonState): void {
  writeFileSync(files.pid, `${state.pid}\n`);
  writeFileSync(files.state, JSON.stringify(state, null, 2) + '\n');
}

export function removeDaemonFiles(files: DaemonFiles): void {
  rmSync(files.pid, { force: true });
  rmSync(files.state, { force: true });
}

/** Resolves once `pid` is gone; false if it is still there after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const started = Date.now();
  while (isAlive(pid)) {
    if (Date.now() - started > timeoutMs) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/**
 * Who listens on a TCP port, on Linux: the pid and command line of the process holding the socket
 * (found through /proc/net/tcp* and /proc/<pid>/fd), when this user may see it; else undefined.
 */
export function portHolder(port: number): { pid: number; command: string } | undefined {
  if (process.platform !== 'linux') return undefined;
  const inodes = new Set<string>();
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && fields[1].endsWith(`:${hex}`) && fields[3] === '0A') inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(link);
      if (match && inodes.has(match[1])) {
        let command = '';
        try {
          command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
        } catch {
          // gone meanwhile
        }
        return { pid: Number(entry), command };
      }
    }
  }
  return undefined;
}

export function formatUptime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const parts = [
    [Math.floor(seconds / 86400), 'd'],
    [Math.floor(seconds / 3600) % 24, 'h'],
    [Math.floor(seconds / 60) % 60, 'm'],
    [seconds % 60, 's'],
  ] as const;
  const shown = parts.filter(([value]) => value > 0).slice(0, 2);
  return shown.length === 0 ? '0s' : shown.map(([value, unit]) => `${value}${unit}`).join(' ');
}
