/**
 * `workers: n`: the primary forks n workers that each run the same entry (and so call `serve()`
 * again, which listens on the shared port). A worker that dies is replaced; a graceful close asks
 * every worker to drain and waits for all of them.
 *
 * SIGHUP (`adapt restart`) replaces the workers one at a time: a new worker is forked (loading the
 * entry afresh from disk), and only once it listens is the old one asked to drain. The primary
 * keeps the listening socket the whole time, so a connection is never refused: this is how a
 * restart loses no request on Node 20 too, where `listen({ reusePort })` does not exist (it came
 * in Node 22.12/23.1). It logs `adapt: restart complete` or `adapt: restart failed: ...`; a new
 * worker that exits before listening stops the restart and leaves the old workers serving.
 *
 * With ADAPT_LISTEN_FD (`adapt start --daemon` opened the socket and handed it on), SIGHUP replaces
 * the primary too, so that all the code that serves is the new build's: a new primary is started
 * from the entry on disk with the same socket, and once its workers listen (both primaries accept
 * on it meanwhile) the old one drains its workers and exits. It logs `adapt: restart complete (new
 * process <pid>)`; a new primary that exits before listening leaves the old one serving.
 */
import { spawn } from 'node:child_process';
import cluster, { type Worker } from 'node:cluster';
import { nodeHttp } from '@adapt/core';
import type { ResolvedOptions } from './options.js';
import { inheritedListenFd } from './listen-fd.js';
import { serverUrl, type ServerHandle } from './server-handle.js';
import { onShutdownSignals } from './signals.js';

export async function servePrimary(options: ResolvedOptions): Promise<ServerHandle> {
  let closing = false;
  let port: number | undefined;
  const restarts: number[] = [];

  const fork = (): Worker => cluster.fork({ ADAPT_WORKER: '1' });

  const firstListening = new Promise<void>((resolve, reject) => {
    let listening = 0;
    const onListening = (_worker: Worker, address: { port: number }) => {
      port ??= address.port;
      if (++listening === options.workers) {
        cluster.off('listening', onListening);
        cluster.off('exit', onEarlyExit);
        resolve();
      }
    };
    const onEarlyExit = (worker: Worker, code: number | null, signal: string | null) => {
      if (listening < options.workers) {
        cluster.off('listening', onListening);
        cluster.off('exit', onEarlyExit);
        reject(new Error(`adapt: worker ${worker.process.pid} exited before listening (${signal ?? `code ${code}`}); see its error above`));
      }
    };
    cluster.on('listening', onListening);
    cluster.on('exit', onEarlyExit);
  });

  for (let i = 0; i < options.workers; i++) fork();
  try {
    await firstListening;
  } catch (error) {
    closing = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    throw error;
  }
  // started by an old primary (replacePrimary below): tell it this one listens, then stand alone
  if (process.env.ADAPT_REPLACES && process.send) {
    process.send({ adapt: 'listening' });
    process.disconnect();
  }

  const retiring = new Set<Worker>();
  cluster.on('exit', (worker, code, signal) => {
    if (closing || retiring.delete(worker)) return;
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && restarts[0] < now - 10_000) restarts.shift();
    const delay = restarts.length > 5 ? 1000 : 0; // crash loop: do not spin
    console.error(`adapt: worker ${worker.process.pid} died (${signal ?? `exit code ${code}`}); starting another${delay ? ' in 1 s' : ''}`);
    setTimeout(() => {
      if (!closing) fork();
    }, delay).unref();
  });

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve();
              worker.once('exit', () => resolve());
              worker.send({ adapt: 'shutdown' });
              // a worker stuck past its own timeout is stopped
              setTimeout(() => worker.process.kill('SIGKILL'), options.shutdownTimeout + 5_000).unref();
            }),
        ),
      );
      removeSignals();
    })();
    return closed;
  };
  const removeSignals = options.handleSignals ? onShutdownSignals(close) : () => {};

  let restarting = false;
  /** A new primary from the entry on disk, on the inherited socket; once it listens, this one drains and exits. */
  const replacePrimary = (fd: number) =>
    new Promise<void>((resolve) => {
      const stdio: Array<'ignore' | 'ipc' | number> = ['ignore', 1, 2];
      while (stdio.length < fd) stdio.push('ignore');
      stdio[fd] = fd;
      stdio.push('ipc');
      const next = spawn(process.execPath, [...process.execArgv, process.argv[1]!], {
        stdio,
        detached: true,
        env: { ...process.env, ADAPT_REPLACES: String(process.pid) },
      });
      let done = false;
      next.once('message', (message: { adapt?: string }) => {
        if (done || message?.adapt !== 'listening') return;
        done = true;
        next.unref();
        console.log(`adapt: restart complete (new process ${next.pid}); process ${process.pid} drains and exits`);
        resolve();
        void close().then(() => process.exit(0));
      });
      next.once('exit', (code, signal) => {
        if (done) return;
        done = true;
        console.log(
          `adapt: restart failed: the new process ${next.pid} exited before listening (${signal ?? `code ${code}`}); see its error above; process ${process.pid} keeps serving`,
        );
        restarting = false;
        resolve();
      });
      next.once('error', (error) => {
        if (done) return;
        done = true;
        console.log(`adapt: restart failed: cannot start a new process: ${error.message}; process ${process.pid} keeps serving`);
        restarting = false;
        resolve();
      });
    });
  const restart = async () => {
    if (restarting || closing) return console.log('adapt: restart already in progress; ignoring SIGHUP');
    restarting = true;
    const fd = inheritedListenFd();
    if (fd !== undefined) {
      console.log(`adapt: SIGHUP received; starting a new process on the same socket`);
      return replacePrimary(fd);
    }
    const old = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined && !worker.isDead());
    console.log(`adapt: SIGHUP received; replacing ${old.length} worker${old.length === 1 ? '' : 's'} one at a time`);
    try {
      for (const worker of old) {
        await replacement();
        if (closing) return;
        retiring.add(worker);
        await new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          worker.once('exit', () => resolve());
          worker.send({ adapt: 'shutdown' });
          setTimeout(() => worker.process.kill('SIGKILL'), options.shutdownTimeout + 5_000).unref();
        });
      }
      console.log(`adapt: restart complete (${old.length} worker${old.length === 1 ? '' : 's'} replaced)`);
    } catch (error) {
      console.log(`adapt: restart failed: ${(error as Error).message}; the old workers keep serving`);
    } finally {
      restarting = false;
    }
  };
  /** Forks a worker and resolves once it listens; rejects if it exits first. */
  const replacement = () =>
    new Promise<void>((resolve, reject) => {
      const worker = fork();
      const onExit = (code: number | null, signal: string | null) => {
        worker.off('listening', onListening);
        retiring.add(worker); // not replaced: a new build that cannot start is not retried in a loop
        reject(new Error(`new worker ${worker.process.pid} exited before listening (${signal ?? `code ${code}`}); see its error above`));
      };
      const onListening = () => {
        worker.off('exit', onExit);
        resolve();
      };
      worker.once('exit', onExit);
      worker.once('listening', onListening);
    });
  if (options.handleSignals) process.on('SIGHUP', () => void restart());

  return { url: serverUrl(options, port), port: options.path ? undefined : port, server: nodeHttp().createServer(), close };
}
