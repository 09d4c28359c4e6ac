/**
 * What the real front servers of the tests (Apache, lighttpd) share: wait until a spawned server
 * listens on a loopback port, and stop it.
 */
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';

export interface RunningServer {
  /** What the server wrote to stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

export async function waitForListening(name: string, port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      }).once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${name} did not listen on ${port}: ${log()}`);
}

export function stopper(child: ChildProcess, signal: NodeJS.Signals): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
}
