/**
 * The app's tasks seen from the CLI: esbuild bundles the entry alone with a small runner, and a
 * child `node` with the stage's settings as env imports it, to read the manifest
 * (`readAppManifest()` on every TargetContext) or run one task locally (`adapt run` without a
 * target). The child answers with one JSON document on file descriptor 3, so that the app's own
 * output on stdout and stderr stays apart from it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AdaptError, type AppManifest, type TargetContext } from '@adapt/core';
import { bundleTarget } from './bundle.js';
import { shownPath } from './output.js';

/** What the child writes on fd 3: the manifest, a task's result, or the failure. */
type RunnerAnswer =
  | { ok: true; manifest?: AppManifest; result?: unknown }
  | { ok: false; phase: 'import' | 'manifest' | 'task'; error: { code?: string; message: string; hint?: string; stack?: string; exitCode?: number } };

/** The runner: `node runner.mjs manifest` or `node runner.mjs run <task> [args...]`. */
function runnerSource(importApp: string): string {
  return `import { writeSync } from 'node:fs';
import { appManifest, isAdaptError, runTaskCommand } from '@adapt/core';

const answer = (value) => writeSync(3, JSON.stringify(value) + '\\n');
const report = (phase, error) => {
  const adapt = isAdaptError(error);
  answer({ ok: false, phase, error: {
    code: adapt ? error.code : undefined,
    message: error instanceof Error ? error.message : String(error),
    hint: adapt ? error.hint : undefined,
    stack: !adapt && error instanceof Error ? error.stack : undefined,
    exitCode: adapt ? error.exitCode : 1,
  } });
};
let app;
try {
  const module = await import(${JSON.stringify(importApp)});
  app = module.default ?? module.app;
} catch (error) {
  report('import', error);
  process.exit(1);
}
const [mode, ...argv] = process.argv.slice(2);
if (mode === 'manifest') {
  try {
    answer({ ok: true, manifest: appManifest(app) });
  } catch (error) {
    report('manifest', error);
    process.exitCode = 1;
  }
} else {
  process.exitCode = await runTaskCommand(app, argv, {
    platform: 'local',
    writeResult: (json) => answer({ ok: true, result: JSON.parse(json) }),
    onError: (error) => report('task', error),
  });
}
`;
}

export interface TaskRunner {
  file: string;
  /** Runs the runner with these arguments; resolves with its answer and exit code. */
  call(argv: string[], options?: { stdout?: 'inherit' | 'stderr' | 'ignore'; stderr?: 'inherit' | 'ignore' }): Promise<{ answer: RunnerAnswer | undefined; exitCode: number }>;
  remove(): void;
}

/** The environment a task sees locally: this process's, NODE_ENV for the stage, then the stage's `env` settings. */
export function stageEnv(context: TargetContext): NodeJS.ProcessEnv {
  const env = (context.settings.env ?? {}) as Record<string, string>;
  return { ...process.env, NODE_ENV: process.env.NODE_ENV ?? (context.production ? 'production' : 'development'), ...env };
}

/** Bundles the app's entry with the runner into a fresh folder under `.adapt/`. */
export async function bundleTaskRunner(context: TargetContext): Promise<TaskRunner> {
  const parent = join(context.cwd, '.adapt');
  mkdirSync(parent, { recursive: true });
  const outDir = mkdtempSync(join(parent, '.tasks-'));
  const runnerTarget = { name: 'tasks', description: 'the task runner', bundle: () => ({ entrySource: runnerSource, fileName: 'runner.mjs', format: 'esm' as const }) };
  let file: string;
  try {
    file = (await bundleTarget(runnerTarget, { ...context, outDir }, { minify: false, sourcemap: true })).file;
  } catch (error) {
    rmSync(outDir, { recursive: true, force: true });
    throw error;
  }
  const env = stageEnv(context);
  return {
    file,
    remove: () => rmSync(outDir, { recursive: true, force: true }),
    call(argv, options = {}) {
      return new Promise((resolve, reject) => {
        const stdout = options.stdout ?? 'inherit';
        // source maps: a task's stack names the app's own files and lines
        const child = spawn(process.execPath, ['--enable-source-maps', file, ...argv], {
          cwd: context.cwd,
          env,
          stdio: ['inherit', stdout === 'stderr' ? 'pipe' : stdout, options.stderr ?? 'inherit', 'pipe'],
        });
        if (stdout === 'stderr') child.stdout!.pipe(process.stderr, { end: false });
        let text = '';
        const answers = child.stdio[3] as Readable;
        answers.setEncoding('utf8');
        answers.on('data', (chunk: string) => {
          text += chunk;
        });
        child.on('error', reject);
        child.on('close', (code, signal) => {
          const line = text.trim().split('\n').pop();
          let answer: RunnerAnswer | undefined;
          try {
            answer = line ? (JSON.parse(line) as RunnerAnswer) : undefined;
          } catch {
            answer = undefined;
          }
          resolve({ answer, exitCode: code ?? (signal ? 128 + (signal === 'SIGKILL' ? 9 : 15) : 1) });
        });
      });
    },
  };
}

/** The failure a runner answer stands for, as the AdaptError the CLI prints. */
export function runnerError(context: TargetContext, answer: RunnerAnswer | undefined, exitCode: number, what: string): AdaptError {
  const entry = shownPath(context.entry);
  if (!answer || answer.ok) {
    return new AdaptError('TASK_RUNNER_FAILED', `${what}: the child process exited with code ${exitCode} without an answer`, {
      hint: `the app module ${entry} may call process.exit at import; run with --verbose to see its output`,
    });
  }
  const { error } = answer;
  if (answer.phase === 'import') {
    return new AdaptError('APP_IMPORT_FAILED', `${what}: the app module ${entry} threw at import: ${error.message}`, {
      hint: `fix the error in ${entry} (or a module it imports); it runs with the stage "${context.stage}" settings as env${error.stack ? `\n${error.stack}` : ''}`,
    });
  }
  if (answer.phase === 'task' && !error.code) {
    return new AdaptError('TASK_FAILED', `${what} threw: ${error.message}`, { hint: 'its stack is above', exitCode: 1 });
  }
  return new AdaptError(error.code ?? 'TASK_FAILED', error.message, { hint: error.hint, exitCode: error.exitCode ?? 1 });
}

/** `readAppManifest()`: the app's tasks and schedules, read in a child process. */
export async function readAppManifest(context: TargetContext): Promise<AppManifest> {
  const runner = await bundleTaskRunner(context);
  try {
    const { answer, exitCode } = await runner.call(['manifest'], { stdout: 'stderr' });
    if (answer?.ok && answer.manifest) return answer.manifest;
    throw runnerError(context, answer, exitCode, "reading the app's tasks and schedules");
  } finally {
    runner.remove();
  }
}
