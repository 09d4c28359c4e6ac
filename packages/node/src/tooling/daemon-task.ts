/**
 * `adapt start --target node --with-daemon [task]`: the daemon task (`node server.mjs run
 * <task>`) in its own process beside the server, with the server's environment. When it fails it
 * is restarted after an exponential backoff (1 s, doubled each time, at most 30 s; back to 1 s once
 * it has run that long), each restart logged; a clean exit (0) or a refusal (2: unknown task, bad
 * arguments) is not restarted. stop() sends SIGTERM (the task's signal aborts), then SIGKILL after
 * the grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { TargetLogger } from '@adapt/core';

export interface DaemonTaskOptions {
  server: string;
  task: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: TargetLogger;
  /** Where the task's stdout goes. */
  stdout: NodeJS.WritableStream;
  /** Seconds between SIGTERM and SIGKILL on stop. */
  graceSeconds: number;
  /** Backoff bounds in ms. Default 1000 and 30000. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

export interface DaemonTask {
  /** Stops the task (and any pending restart); resolves once its process is gone. */
  stop(): Promise<void>;
}

export function superviseDaemonTask(options: DaemonTaskOptions): DaemonTask {
  const first = options.firstDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 30_000;
  const name = `daemon task "${options.task}"`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let restarts = 0;
  let delay = first;

  const launch = () => {
    timer = undefined;
    const started = Date.now();
    const proc = spawn(process.execPath, [options.server, 'run', options.task], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'inherit'],
      // its own group: a Ctrl+C reaches it once, through stop()
      detached: process.platform !== 'win32',
    });
    child = proc;
    proc.stdout!.pipe(options.stdout, { end: false });
    options.log.info(`${name} started (process ${proc.pid})`);
    exited = new Promise((resolve) => {
      proc.once('error', (error) => options.log.warn(`${name}: cannot start: ${error.message}`));
      proc.once('close', (code, signal) => {
        child = undefined;
        resolve();
        if (stopping) return;
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        if (code === 0) return options.log.info(`${name} finished (exit code 0); not restarted`);
        if (code === 2) return options.log.warn(`${name} ${how} (an unknown task or bad arguments); not restarted`);
        if (Date.now() - started >= max) delay = first;
        restarts++;
        options.log.warn(`${name} ${how}; restart ${restarts} in ${delay / 1000} s`);
        timer = setTimeout(launch, delay);
        delay = Math.min(delay * 2, max);
      });
    });
  };
  launch();
  // never outlive the CLI, even when it dies without stopping us
  const orphanGuard = () => child?.kill('SIGKILL');
  process.on('exit', orphanGuard);

  let stopped: Promise<void> | undefined;
  const stop = async () => {
    stopping = true;
    process.off('exit', orphanGuard);
    if (timer) clearTimeout(timer);
    const proc = child;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      // once: a second SIGTERM makes the task's process exit at once
      proc.kill('SIGTERM');
      const kill = setTimeout(() => proc.kill('SIGKILL'), options.graceSeconds * 1000);
      await exited;
      clearTimeout(kill);
    }
  };
  return {
    stop() {
      stopped ??= stop();
      return stopped;
    },
  };
}
