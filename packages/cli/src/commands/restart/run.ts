/**
 * `adapt restart`: SIGHUP to the daemon's primary, then wait for its "restart complete" (or
 * "failed") line. A daemon holding the socket it was handed (ADAPT_LISTEN_FD) starts a new primary
 * from the build on disk and hands it the socket: the pid file then names the new process.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { AdaptError } from '@adapt/core';
import { loadProject } from '../../config.js';
import { daemonFiles, isAlive, writeDaemon, type DaemonState } from '../../daemon.js';
import type { Output } from '../../output.js';
import { runningPid, seconds } from '../stop/run.js';

export async function runRestart(options: { cwd: string; timeout?: string }, output: Output): Promise<void> {
  const timeout = seconds(options.timeout, 120);
  const project = await loadProject(options.cwd);
  const files = daemonFiles(project);
  const pid = runningPid(project, files, 'restart');
  const from = existsSync(files.out) ? statSync(files.out).size : 0;
  output.info(`restarting ${project.appName} (process ${pid}): loading the new build without downtime...`);
  process.kill(pid, 'SIGHUP');
  const started = Date.now();
  for (;;) {
    const log = existsSync(files.out) ? readFileSync(files.out).subarray(from).toString('utf8') : '';
    const done = /adapt: restart complete \(([^)]*)\)/.exec(log);
    if (done) {
      const replaced = /^new process (\d+)$/.exec(done[1]);
      if (replaced) {
        const next = Number(replaced[1]);
        // the old process may be gone already: the state file is read as it is, not checked against it
        const state = JSON.parse(readFileSync(files.state, 'utf8')) as DaemonState;
        writeDaemon(files, { ...state, pid: next, startedAt: new Date().toISOString() });
        output.result(
          { ok: true, app: project.appName, restarted: true, pid: next, previousPid: pid, detail: done[1] },
          () => `${project.appName} restarted: process ${next} serves the new build on the same socket; process ${pid} drains and exits`,
        );
        return;
      }
      output.result({ ok: true, app: project.appName, restarted: true, pid, detail: done[1] }, () => `${project.appName} restarted (${done[1]}; process ${pid} kept the socket)`);
      return;
    }
    const failed = /adapt: restart failed: (.*)/.exec(log);
    if (failed) {
      throw new AdaptError('RESTART_FAILED', `the restart of ${project.appName} failed: ${failed[1]}`, {
        hint: `see ${files.err}; fix the build, adapt build --target node, and adapt restart again`,
      });
    }
    if (!isAlive(pid))
      throw new AdaptError('RESTART_FAILED', `${project.appName} (process ${pid}) exited during the restart`, { hint: `see ${files.err}, then adapt start --daemon` });
    if (Date.now() - started > timeout * 1000) {
      throw new AdaptError('RESTART_TIMEOUT', `${project.appName} did not finish restarting within ${timeout} s`, {
        hint: `old workers may still be draining long requests; see ${files.out}`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
