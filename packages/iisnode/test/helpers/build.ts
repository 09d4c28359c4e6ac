/** Builds a project with the real `adapt build --target iisnode`, and runs the build as iisnode would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const cliBin = join(repoRoot, 'packages/cli/bin/adapt.js');
const interceptor = fileURLToPath(new URL('../fixtures/interceptor.cjs', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliBin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A temporary project: adapt.config.mjs with `config` (entry made absolute), plus any extra files. */
export function makeProject(config: Record<string, unknown>, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'adapt-iisnode-project-'));
  writeFileSync(join(dir, 'adapt.config.mjs'), `export default ${JSON.stringify(config, null, 2)};\n`);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'iisnode-probe', private: true, type: 'module' }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** `adapt build --target iisnode` in `project` into a fresh folder; throws with the CLI's output on failure. */
export async function buildIisnode(project: string): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'adapt-iisnode-out-'));
  const result = await runCli(['build', '--target', 'iisnode', '--out', out], project);
  if (result.code !== 0) throw new Error(`adapt build --target iisnode failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return out;
}

export interface RunningBuild {
  child: ChildProcess;
  socketPath: string;
  output(): string;
  stop(): Promise<void>;
}

/** Runs `<out>/index.cjs` through a require()-ing interceptor, PORT set to a fresh unix socket path. */
export function runAsIisnode(out: string, env: Record<string, string> = {}): Promise<RunningBuild> {
  const socketDir = mkdtempSync(join(tmpdir(), 'adapt-iisnode-pipe-'));
  const socketPath = join(socketDir, 'iisnode.sock');
  const child = spawn(process.execPath, [interceptor, join(out, 'index.cjs')], { cwd: out, env: { ...process.env, PORT: socketPath, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(socketDir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!/listening on unix:/.test(output)) return;
      child.stdout!.off('data', check);
      resolve({ child, socketPath, output: () => output, stop });
    };
    child.stdout!.on('data', check);
    void exited.then(() => reject(new Error(`the build exited before listening:\n${output}`)));
  });
}
