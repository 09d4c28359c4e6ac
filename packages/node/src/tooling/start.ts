/**
 * `adapt start --target node`: runs server.mjs in a child process as the unit would, with the
 * stage's env. On POSIX the child gets its own process group, so a Ctrl+C reaches it exactly once
 * (through us: a second signal would make the server exit at once instead of draining). SIGINT,
 * SIGTERM and SIGHUP are forwarded; we exit when it does. On Windows the console delivers Ctrl+C to
 * both processes, and `detached` would open a new console, so the child stays in ours.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AdaptError, type StartOptions, type TargetContext } from '@adapt/core';
import { nodeSettings } from './settings.js';

const ownGroup = process.platform !== 'win32';
const forwarded: NodeJS.Signals[] = ownGroup ? ['SIGINT', 'SIGTERM', 'SIGHUP'] : ['SIGTERM'];

export function startServer(context: TargetContext, options: StartOptions): Promise<void> {
  const server = join(context.outDir, 'server.mjs');
  if (!existsSync(server)) {
    return Promise.reject(new AdaptError('NOT_BUILT', `${server} does not exist`, { hint: 'build it first: adapt build --target node' }));
  }
  const settings = nodeSettings(context);
  const child = spawn(process.execPath, [server], {
    cwd: context.outDir,
    // stdout is read for the "listening on" line, then passed on (to stderr with --json)
    stdio: ['inherit', 'pipe', 'inherit'],
    detached: ownGroup,
    env: {
      ...process.env,
      NODE_ENV: process.env.NODE_ENV ?? 'production',
      ...settings.env,
      PORT: String(options.port),
      HOST: options.host,
    },
  });
  context.log.debug(`started ${server} as process ${child.pid}`);
  const sink = options.stdout === 'stderr' ? process.stderr : process.stdout;
  let pending = '';
  let announced = false;
  child.stdout!.on('data', (chunk: Buffer) => {
    sink.write(chunk);
    if (announced) return;
    pending += chunk.toString('utf8');
    const match = /listening on (\S+)/.exec(pending);
    if (match) {
      announced = true;
      pending = '';
      options.onListening?.(match[1]);
    } else if (pending.length > 65536) pending = pending.slice(-1024);
  });
  return new Promise<void>((resolve, reject) => {
    let signalled: NodeJS.Signals | undefined;
    const forward = (signal: NodeJS.Signals) => {
      signalled = signal;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const orphanGuard = () => child.kill('SIGKILL');
    for (const signal of forwarded) process.on(signal, forward);
    process.on('exit', orphanGuard);
    const cleanup = () => {
      for (const signal of forwarded) process.off(signal, forward);
      process.off('exit', orphanGuard);
    };
    child.once('error', (error) => {
      cleanup();
      reject(new AdaptError('START_FAILED', `cannot start ${server}: ${error.message}`, { hint: 'check that node can run in this folder', cause: error }));
    });
    child.once('close', (code, signal) => {
      cleanup();
      if (code === 0 || (signalled && (signal === signalled || code === 128 + (signalNumbers[signalled] ?? 0) || code === 0))) return resolve();
      reject(
        new AdaptError('START_FAILED', `the server exited with ${signal ? `signal ${signal}` : `code ${code}`}`, {
          hint: 'its own error is printed above; fix it, rebuild with adapt build --target node, and start again',
        }),
      );
    });
  });
}

const signalNumbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
