/**
 * `workers: n`: the primary forks n workers that each run the same entry (and so call `serve()`
 * again, which listens on the shared port). A worker that dies is replaced; a graceful close asks
 * every worker to drain and waits for all of them.
 */
import cluster, { type Worker } from 'node:cluster';
import { nodeHttp } from '@adapt/core';
import type { ResolvedOptions } from './options.js';
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

  cluster.on('exit', (worker, code, signal) => {
    if (closing) return;
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

  return { url: serverUrl(options, port), port: options.path ? undefined : port, server: nodeHttp().createServer(), close };
}
