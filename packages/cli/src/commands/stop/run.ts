/** `adapt stop`: SIGTERM to the daemon (it drains in-flight requests), wait for it to exit, remove its pid file. */
import { AdaptError } from '@adapt/core';
import { loadProject } from '../../config.js';
import { daemonFiles, readDaemon, removeDaemonFiles, waitForExit, type DaemonFiles } from '../../daemon.js';
import { usageError } from '../../errors.js';
import type { Output } from '../../output.js';
import type { Project } from '../../config.js';

export function seconds(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw usageError(`--timeout must be a positive number of seconds, got "${value}"`, 'such as --timeout 60');
  return number;
}

/** The running daemon's pid, or NOT_RUNNING (exit code 3) saying how to start it. */
export function runningPid(project: Project, files: DaemonFiles, command: string): number {
  const daemon = readDaemon(files);
  if (daemon.running) return daemon.pid;
  const stale = daemon.stalePid !== undefined ? ` (removed a stale pid file: process ${daemon.stalePid} is gone)` : '';
  throw new AdaptError('NOT_RUNNING', `${project.appName} is not running${stale}; nothing to ${command}`, {
    hint: 'start it with adapt start --daemon',
    exitCode: 3,
  });
}

export async function runStop(options: { cwd: string; timeout?: string }, output: Output): Promise<void> {
  const timeout = seconds(options.timeout, 60);
  const project = await loadProject(options.cwd);
  const files = daemonFiles(project);
  const pid = runningPid(project, files, 'stop');
  output.info(`stopping ${project.appName} (process ${pid}): finishing requests in flight...`);
  process.kill(pid, 'SIGTERM');
  if (!(await waitForExit(pid, timeout * 1000))) {
    throw new AdaptError('STOP_TIMEOUT', `${project.appName} (process ${pid}) is still running ${timeout} s after SIGTERM`, {
      hint: `it may still be draining long requests: wait and run adapt stop again with a longer --timeout, or end it now with kill -KILL ${pid}`,
    });
  }
  removeDaemonFiles(files);
  output.result({ ok: true, app: project.appName, stopped: true, pid }, () => `${project.appName} stopped (process ${pid})`);
}
