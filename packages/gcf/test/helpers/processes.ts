/**
 * Real processes for the tests: a bundle built with esbuild from a fixture entry, served by the
 * real functions-framework (`functions-framework --target=... --source=<bundle folder>`) or by
 * node itself for App Engine (PORT and GAE_ENV set). Each helper waits until the port answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface RunningServer {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process wrote so far. */
  output(): string;
  /** Resolves once the process has written `text` (its log lines arrive apart from the HTTP answer). */
  waitForOutput(text: string): Promise<string>;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
/** functions-framework's own CLI entry (its `functions-framework` bin: build/src/main.js, beside the main module). */
export const frameworkMain = join(dirname(require.resolve('@google-cloud/functions-framework')), 'main.js');

/** Bundles `fixtures/<name>` into a fresh folder with a package.json, as a deployed function's source would be. */
export async function buildBundle(fixture: string): Promise<{ dir: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'adapt-gcf-'));
  await build({
    entryPoints: [fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url))],
    outfile: join(dir, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    // an Express app bundled as ESM calls require() for node built-ins
    banner: { js: "import { createRequire as __adaptRequire } from 'node:module'; const require = __adaptRequire(import.meta.url);" },
  });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', main: 'index.js' }));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts the real functions-framework on a free port with `--target` and `--source`. */
export async function startFramework(source: string, target: string, options: { env?: Record<string, string>; args?: string[] } = {}): Promise<RunningServer> {
  const port = await freePort();
  return startProcess([frameworkMain, `--target=${target}`, `--source=${source}`, `--port=${port}`, ...(options.args ?? [])], port, { NODE_ENV: 'production', ...options.env });
}

/** Starts a bundle as App Engine standard does (`npm start` runs node on it), with PORT and GAE_ENV=standard. */
export async function startAppEngine(source: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  return startProcess([join(source, 'index.js')], port, { NODE_ENV: 'production', PORT: String(port), GAE_ENV: 'standard', GAE_SERVICE: 'default', GAE_VERSION: 'test', ...env });
}

async function startProcess(args: string[], port: number, env: Record<string, string>): Promise<RunningServer> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk;
    for (const wake of waiters) wake();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const waitForOutput = (text: string) =>
    new Promise<string>((resolve) => {
      const check = () => {
        if (!output.includes(text)) return;
        waiters.delete(check);
        resolve(output);
      };
      waiters.add(check);
      check();
    });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  let gone = false;
  void exited.then(() => (gone = true));
  while (!(await answers(port))) {
    if (gone) throw new Error(`the server process exited before listening:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url: `http://127.0.0.1:${port}`, port, child, output: () => output, waitForOutput, stop };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
