/**
 * `adapt start --target node`: runs server.mjs in a child process as the unit would, with the
 * stage's env. On POSIX the child gets its own process group, so a Ctrl+C reaches it exactly once
 * (through us: a second signal would make the server exit at once instead of draining). SIGINT,
 * SIGTERM and SIGHUP are forwarded; we exit when it does. On Windows the console delivers Ctrl+C to
 * both processes, and `detached` would open a new console, so the child stays in ours.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AdaptError, type StartOptions, type TargetContext } from '@adapt/core';
import { superviseDaemonTask } from './daemon-task.js';
import { nodeSettings } from './settings.js';

const ownGroup = process.platform !== 'win32';
const forwarded: NodeJS.Signals[] = ownGroup ? ['SIGINT', 'SIGTERM', 'SIGHUP'] : ['SIGTERM'];

export function startServer(context: TargetContext, options: StartOptions): Promise<void> {
  const server = join(context.outDir, 'server.mjs');
  if (!existsSync(server)) {
    return Promise.reject(new AdaptError('NOT_BUILT', `${server} does not exist`, { hint: 'build it first: adapt build --target node' }));
  }
  const settings = nodeSettings(context);
  if (options.daemon) return startDaemon(server, context, options, options.daemon as DaemonFiles);
  const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production', ...settings.env, PORT: String(options.port), HOST: options.host };
  const child = spawn(process.execPath, [server], {
    cwd: context.outDir,
    // stdout is read for the "listening on" line, then passed on (to stderr with --json)
    stdio: ['inherit', 'pipe', 'inherit'],
    detached: ownGroup,
    env,
  });
  context.log.debug(`started ${server} as process ${child.pid}`);
  const sink = options.stdout === 'stderr' ? process.stderr : process.stdout;
  // --with-daemon [task]: the daemon task beside the server, with its environment
  const task = typeof options.withDaemon === 'string' ? options.withDaemon : undefined;
  const daemon = task ? superviseDaemonTask({ server, task, cwd: context.outDir, env, log: context.log, stdout: sink, graceSeconds: settings.stopTimeout }) : undefined;
  watchOutput(child.stdout!, sink, /listening on (\S+)/, (match) => options.onListening?.(match[1]!));
  return new Promise<void>((resolve, reject) => {
    let signalled: NodeJS.Signals | undefined;
    const forward = (signal: NodeJS.Signals) => {
      signalled = signal;
      if (signal !== 'SIGHUP') void daemon?.stop();
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
    child.once('close', async (code, signal) => {
      cleanup();
      await daemon?.stop();
      if (code === 0 || (signalled && (signal === signalled || code === 128 + (signalNumbers[signalled] ?? 0) || code === 0))) return resolve();
      reject(
        new AdaptError('START_FAILED', `the server exited with ${signal ? `signal ${signal}` : `code ${code}`}`, {
          hint: 'its own error is printed above; fix it, rebuild with adapt build --target node, and start again',
        }),
      );
    });
  });
}

/** Passes a child's output on to `sink`, calling `onMatch` once, with the first match of `pattern` (the fastcgi target's start too). */
export function watchOutput(output: Readable, sink: NodeJS.WritableStream, pattern: RegExp, onMatch: (match: RegExpExecArray) => void): void {
  let pending = '';
  let announced = false;
  output.on('data', (chunk: Buffer) => {
    sink.write(chunk);
    if (announced) return;
    pending += chunk.toString('utf8');
    const match = pattern.exec(pending);
    if (match) {
      announced = true;
      pending = '';
      onMatch(match);
    } else if (pending.length > 65536) pending = pending.slice(-1024);
  });
}

/** `adapt start --daemon`: where the detached server writes; the CLI keeps the pid file. */
interface DaemonFiles {
  out: string;
  err: string;
  onSpawned?(pid: number): void;
}

/** Opens the daemon's listening socket here (a taken port fails before anything starts). */
function openListener(port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const listener = createServer();
    listener.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new AdaptError('PORT_IN_USE', `port ${port} on ${host} is already in use`, { hint: 'choose another port', cause: error }) : error),
    );
    listener.listen({ port, host }, () => resolve(listener));
  });
}

/**
 * Starts server.mjs detached (its own session, output appended to the log files) as a supervising
 * cluster primary (ADAPT_SUPERVISE=1, so SIGHUP restarts it without downtime), and resolves once
 * it listens; rejects with its error output if it exits first. The listening socket is opened
 * here and handed on as fd 3 (ADAPT_LISTEN_FD=3), so that `adapt restart` can replace the primary
 * itself: each primary hands the same socket to the next, and no connection is refused.
 */
async function startDaemon(server: string, context: TargetContext, options: StartOptions, files: DaemonFiles): Promise<void> {
  const settings = nodeSettings(context);
  const listener = await openListener(options.port, options.host);
  // the socket's descriptor (libuv's, on POSIX); -1 on Windows, where the primary listens itself
  const fd = (listener as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
  const port = (listener.address() as AddressInfo).port;
  const from = existsSync(files.out) ? statSync(files.out).size : 0;
  const errFrom = existsSync(files.err) ? statSync(files.err).size : 0;
  const out = openSync(files.out, 'a');
  const err = openSync(files.err, 'a');
  const handOn = fd >= 0;
  const child = spawn(process.execPath, [server], {
    cwd: context.outDir,
    stdio: handOn ? ['ignore', out, err, fd] : ['ignore', out, err],
    detached: true,
    env: {
      ...process.env,
      NODE_ENV: process.env.NODE_ENV ?? 'production',
      ...settings.env,
      PORT: String(handOn ? port : options.port),
      HOST: options.host,
      ADAPT_SUPERVISE: '1',
      ...(handOn ? { ADAPT_LISTEN_FD: '3' } : {}),
    },
  });
  closeSync(out);
  closeSync(err);
  // the child holds its own copy of the socket now
  await new Promise((resolve) => listener.close(resolve));
  child.unref();
  if (child.pid !== undefined) files.onSpawned?.(child.pid);
  const since = (file: string, offset: number) => (existsSync(file) ? readFileSync(file).subarray(offset).toString('utf8') : '');
  return await new Promise<void>((resolve, reject) => {
    let exited: string | undefined;
    child.once('exit', (code, signal) => (exited = signal ? `signal ${signal}` : `code ${code}`));
    child.once('error', (error) => (exited = error.message));
    const started = Date.now();
    const poll = () => {
      const match = /listening on (\S+)/.exec(since(files.out, from));
      if (match) {
        options.onListening?.(match[1]);
        return resolve();
      }
      if (exited !== undefined || Date.now() - started > 60_000) {
        if (exited === undefined) child.kill('SIGTERM');
        const errors = since(files.err, errFrom).trim();
        return reject(
          new AdaptError('START_FAILED', `the server ${exited ? `exited with ${exited}` : 'did not listen within 60 s'} before listening${errors ? `:\n${errors}` : ''}`, {
            hint: `see ${files.err}; fix the error, rebuild with adapt build --target node, and start again`,
          }),
        );
      }
      setTimeout(poll, 50);
    };
    poll();
  });
}

const signalNumbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
