/**
 * The `run` mode of a built entry: `node <entry> run <task> [args...]` runs one task with the
 * process's environment instead of serving. The JSON result goes to stdout; exit 0 on success, 1
 * when the task throws (its stack on stderr), 2 for an unknown task or bad arguments. Systemd
 * timers, cron lines and `adapt run` call exactly this.
 */
import { isAdaptError } from './adapt-error.js';
import { createLifecycle, type App, type Platform } from './contract.js';
import { appTasks, findTask, runTask } from './tasks.js';

export interface TaskCommandOptions {
  platform: Platform;
  /** Where the JSON result goes. Default: stdout (flushed before the promise resolves). */
  writeResult?: (json: string) => void | Promise<void>;
  /** Set when a schedule fires the task (ADAPT_SCHEDULE in a timer's environment). */
  schedule?: string;
  /** Receives a failure instead of stderr (the exit code stays the same). */
  onError?: (error: unknown) => void;
}

/** Runs `argv` (`[task, ...args]`) against the app; resolves with the process exit code. */
export async function runTaskCommand(app: App, argv: readonly string[], options: TaskCommandOptions): Promise<number> {
  const [name, ...args] = argv;
  const env = process.env;
  if (name === undefined || name === '') {
    let known: string[];
    try {
      known = Object.keys(appTasks(app));
    } catch (error) {
      return fail(error, options);
    }
    process.stderr.write(`adapt: run needs a task name: run <task> [args...]; known tasks: ${known.length ? known.join(', ') : '(none)'}\n`);
    return 2;
  }
  try {
    findTask(app, name);
  } catch (error) {
    return fail(error, options);
  }
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // the first signal asks the task to stop (context.signal); a second one ends the process
    if (++signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
    controller.abort(new Error(`adapt: task "${name}" received ${signal}`));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // a task may wait for nothing but its signal (a daemon): the process stays until it settles
  const keepAlive = setInterval(() => {}, 2 ** 30);
  const lifecycle = createLifecycle(app, { platform: options.platform, env });
  try {
    await lifecycle.setup();
    const result = await runTask(app, name, args, {
      platform: options.platform,
      env,
      signal: controller.signal,
      schedule: options.schedule ?? (env.ADAPT_SCHEDULE || undefined),
      raw: { argv },
    });
    const json = JSON.stringify(result) ?? 'null';
    await (options.writeResult ?? writeStdout)(`${json}\n`);
    return 0;
  } catch (error) {
    return fail(error, options);
  } finally {
    clearInterval(keepAlive);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await lifecycle.teardown().catch((error) => process.stderr.write(`adapt: teardown failed: ${describe(error)}\n`));
  }
}

function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

function fail(error: unknown, options: TaskCommandOptions): number {
  if (options.onError) {
    options.onError(error);
    return isAdaptError(error) ? error.exitCode : 1;
  }
  if (isAdaptError(error)) {
    process.stderr.write(`adapt: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}`);
    return error.exitCode;
  }
  process.stderr.write(`${describe(error)}\n`);
  return 1;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
