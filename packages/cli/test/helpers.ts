/** Test helpers: run the real `adapt` binary in a child process, and make throwaway projects. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const cliBin = join(repoRoot, 'packages/cli/dist/bin.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** A long-running `adapt` process (dev, start) whose output is watched for a line. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }) {
    this.child = spawn(process.execPath, [cliBin, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolvePromise) => this.child.once('exit', (code) => resolvePromise(code)));
  }

  /** Resolves with the first match of `pattern` in stdout+stderr; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    return new Promise((resolvePromise, reject) => {
      const started = Date.now();
      const check = () => {
        const match = (this.stdout + '\n' + this.stderr).match(pattern);
        if (match) return resolvePromise(match);
        if (this.child.exitCode !== null) return reject(new Error(`process exited (${this.child.exitCode}) before ${pattern}:\n${this.stdout}\n${this.stderr}`));
        if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${pattern}:\n${this.stdout}\n${this.stderr}`));
        setTimeout(check, 25);
      };
      check();
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

export interface TempProject {
  dir: string;
  write(path: string, content: string): void;
  remove(): void;
}

/**
 * A project folder in the OS temp dir. With `linkModules`, its node_modules is the monorepo's, so
 * hono, express and the @adapt packages resolve as in an installed project.
 */
export function tempProject(files: Record<string, string>, options: { linkModules?: boolean } = {}): TempProject {
  const dir = mkdtempSync(join(tmpdir(), 'adapt-cli-'));
  chmodSync(dir, 0o755);
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  for (const [path, content] of Object.entries(files)) write(path, content);
  if (options.linkModules) symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A real target package installed in the project (node_modules/@adapt/echo): its bundle runs the
 * app on one request given on the command line and prints the status and body; package() writes
 * the resolved stage and settings beside it. It has no deploy, rollback, invoke or start.
 */
export const echoTargetFiles: Record<string, string> = {
  'node_modules/@adapt/echo/package.json': JSON.stringify({ name: '@adapt/echo', version: '0.0.0', type: 'module', exports: { './target': './target.js' } }),
  'node_modules/@adapt/echo/target.js': `
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
export default {
  name: 'echo',
  description: 'runs the app on one request from argv',
  bundle() {
    return {
      fileName: 'main.mjs',
      format: 'esm',
      entrySource: (importApp) => \`import * as mod from \${JSON.stringify(importApp)};
import { appFetch } from '@adapt/core';
const app = mod.default ?? mod.app;
const response = await appFetch(app)(new Request('http://echo.local' + (process.argv[2] ?? '/')), { platform: 'echo', env: process.env, remoteAddress: undefined, waitUntil() {}, raw: undefined });
console.log(response.status + ' ' + await response.text());\`,
    };
  },
  async package(context) {
    const text = JSON.stringify({ stage: context.stage, settings: context.settings, appName: context.appName, production: context.production });
    writeFileSync(join(context.outDir, 'settings.json'), text);
    return [{ path: 'settings.json', bytes: Buffer.byteLength(text), description: 'resolved settings' }];
  },
};
`,
};

export const helloApp = `export default {
  fetch(request: Request): Response {
    const url = new URL(request.url);
    const greeting: string = 'hello ' + (url.searchParams.get('name') ?? 'world');
    return new Response(greeting, { headers: { 'content-type': 'text/plain' } });
  },
};
`;

/** A built fastcgi server.mjs (node server.mjs), resolved once it says where it serves FastCGI. */
export async function startFastcgiBundle(file: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolvePromise, reject) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (output.includes('serving FastCGI on')) resolvePromise();
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`server.mjs exited with ${code}: ${output}`)));
  });
  return child;
}

/** A supervisord config of its own under `dir` (control socket, logs in `logs`) that includes `program`; its path. */
export function writeSupervisordConfig(dir: string, logs: string, program: string): string {
  const conf = join(dir, 'supervisord.conf');
  const sock = join(dir, 'supervisor.sock');
  writeFileSync(
    conf,
    `[supervisord]\nnodaemon=true\nlogfile=${logs}/supervisord.log\npidfile=${dir}/supervisord.pid\n\n[unix_http_server]\nfile=${sock}\n\n[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n[supervisorctl]\nserverurl=unix://${sock}\n\n[include]\nfiles = ${program}\n`,
  );
  return conf;
}
