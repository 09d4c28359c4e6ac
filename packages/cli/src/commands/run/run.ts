/** `adapt run`: one of the app's tasks, here (a child process) or through a target. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AdaptError, type AdaptTarget, type AppManifest, type RunTaskResult, type TargetContext, type TaskIdentity } from '@adapt/core';
import { runBuiltTask } from '../../built-task.js';
import { loadProject } from '../../config.js';
import { targetContext } from '../../context.js';
import { shownPath, type Output } from '../../output.js';
import { loadTarget } from '../../targets.js';
import { bundleTaskRunner, runnerError, stageEnv } from '../../task-runner.js';

export interface RunOptions {
  cwd: string;
  task: string | undefined;
  args: string[];
  target?: string;
  stage?: string;
  out?: string;
}

/** The target-less context: the stage's shared settings (no target's own). */
const localTarget: AdaptTarget = { name: 'local', description: 'this machine', bundle: () => ({ entrySource: () => '', fileName: 'runner.mjs', format: 'esm' }) };

export async function runRun(options: RunOptions, output: Output): Promise<void> {
  const project = await loadProject(options.cwd);
  const target = options.target ? await loadTarget(project.dir, options.target) : localTarget;
  const context = targetContext(project, target, output, { stage: options.stage, out: options.out });
  if (!options.task) {
    const manifest = await output.step("read the app's tasks", () => context.readAppManifest());
    output.result({ ok: true, stage: context.stage, ...manifest }, () => taskList(manifest));
    return;
  }
  const where = options.target ? `on ${target.name}` : 'here';
  output.info(`run task "${options.task}" ${where} (stage ${context.stage})`);
  const result = options.target ? await runOnTarget(target, context, options.task, options.args, output) : await runHere(context, options.task, options.args, output);
  output.result({ ok: true, task: options.task, args: options.args, target: options.target ?? null, stage: context.stage, ...result }, () => {
    const log = result.log ? `log:\n${result.log.trimEnd()}\n\n` : '';
    return `${log}result:\n${JSON.stringify(result.result, null, 2)}`;
  });
}

async function runHere(context: TargetContext, task: string, args: string[], output: Output): Promise<RunTaskResult> {
  const runner = await output.step('bundle the app for the task', () => bundleTaskRunner(context));
  try {
    const { answer, exitCode } = await runner.call(['run', task, ...args], { stdout: output.json ? 'stderr' : 'inherit' });
    if (answer?.ok) return { result: answer.result };
    if (answer && !answer.ok && answer.phase === 'task' && answer.error.stack) process.stderr.write(`${answer.error.stack}\n`);
    throw runnerError(context, answer, exitCode, `task "${task}"`);
  } finally {
    runner.remove();
  }
}

async function runOnTarget(target: AdaptTarget, context: TargetContext, task: string, args: string[], output: Output): Promise<RunTaskResult> {
  const runBuiltEntry = (file: string, env: Record<string, string | undefined>, as?: TaskIdentity) =>
    runBuiltTask({ file, task, args, env, cwd: context.cwd, output: output.json ? 'stderr' : 'stdout', as });
  if (target.runTask) return target.runTask(context, { task, args, runBuiltEntry });
  const spec = target.bundle(context);
  if (!spec.runsTasks) {
    throw new AdaptError('USAGE', `the ${target.name} target cannot run tasks`, {
      hint: 'run the task here (adapt run <task>, without --target), or on a target that runs tasks: lambda, node, fastcgi, cgi, iisnode',
    });
  }
  const file = join(context.outDir, spec.fileName);
  if (!existsSync(file)) {
    throw new AdaptError('NOT_BUILT', `no ${target.name} build at ${shownPath(context.outDir)}`, {
      hint: `build it first: adapt build --target ${target.name}${context.stage ? ` --stage ${context.stage}` : ''}`,
    });
  }
  return runBuiltEntry(file, stageEnv(context));
}

function taskList(manifest: AppManifest): string {
  if (manifest.tasks.length === 0) return 'the app declares no tasks; add them beside fetch: export default { fetch, tasks: { setup: async (args, context) => {...} } }';
  const width = Math.max(...manifest.tasks.map((task) => task.name.length));
  const lines = ['tasks:', ...manifest.tasks.map((task) => `  ${task.name.padEnd(width)}  ${task.description ?? ''}`.trimEnd())];
  if (manifest.schedules.length > 0) {
    lines.push('', 'schedules:');
    for (const schedule of manifest.schedules) {
      const when = schedule.cron ? `cron ${schedule.cron}` : `rate ${schedule.rate}`;
      const args = schedule.args.length ? ` ${schedule.args.join(' ')}` : '';
      lines.push(`  ${schedule.name}: ${schedule.task}${args} (${when}, ${schedule.timezone}${schedule.enabled ? '' : ', disabled'})`);
    }
  }
  lines.push('', 'run one with: adapt run <task> [args...]');
  return lines.join('\n');
}
