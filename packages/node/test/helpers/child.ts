/** Runs test/fixtures/server.mjs in a child process and waits until it listens. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildServer {
  child: ChildProcess;
  url: string;
  port: number;
  pid: number;
  /** Everything the child wrote so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the child has exited. */
  exited: Promise<number | string>;
}

const fixture = fileURLToPath(new URL('../fixtures/server.mjs', import.meta.url));
const running = new Set<ChildProcess>();

/** Kills every child still running (a failed test must not leave servers behind); cluster workers exit with their primary. */
export async function stopChildren(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
  running.clear();
}

export function startChild(options: Record<string, unknown> = {}, nodeArgs: string[] = []): Promise<ChildServer> {
  const child = spawn(process.execPath, [...nodeArgs, fixture], {
    env: { ...process.env, FIXTURE_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the child server did not start:\n${output}`)), 20_000);
    const check = () => {
      const match = new RegExp(`listening (\\S+) ${child.pid}\\b`).exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      const url = match[1];
      resolve({ child, url, port: Number(new URL(url).port), pid: child.pid!, output: () => output, exited });
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the child server exited (${code}) before listening:\n${output}`));
    });
  });
}
