/**
 * Runs a task through a built entry's run mode: `node <file> run <task> [args...]` (node, fastcgi,
 * cgi and iisnode builds). The task's own output is shown as it comes (on stderr with --json); the
 * last line on stdout is the JSON result. Exit 1 (the task threw) and 2 (unknown task, bad
 * arguments) become AdaptErrors with the entry's own message.
 */
import { spawn } from 'node:child_process';
import { AdaptError, type RunTaskResult, type TaskIdentity } from '@adapt/core';

export interface BuiltTaskOptions {
  file: string;
  task: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where the task's own stdout lines go: stdout, or stderr (with --json). */
  output: 'stdout' | 'stderr';
  /** Another user to run as (the CLI runs as root; the service does not). */
  as?: TaskIdentity;
}

export function runBuiltTask(options: BuiltTaskOptions): Promise<RunTaskResult> {
  return new Promise((resolve, reject) => {
    const identity = options.as ? { uid: options.as.uid, gid: options.as.gid } : {};
    const child = spawn(process.execPath, [options.file, 'run', options.task, ...options.args], {
      cwd: options.as?.cwd ?? options.cwd,
      env: options.env,
      stdio: ['inherit', 'pipe', 'pipe'],
      ...identity,
    });
    const out = options.output === 'stdout' ? process.stdout : process.stderr;
    // every complete line but the latest is the task's output; the latest may be the result
    let pending = '';
    let last: string | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (last !== undefined) out.write(`${last}\n`);
        last = line;
      }
    });
    let errors = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      errors += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (pending) {
        if (last !== undefined) out.write(`${last}\n`);
        last = pending;
      }
      if (code === 0) {
        try {
          resolve({ result: JSON.parse(last ?? '') });
        } catch {
          reject(
            new AdaptError('TASK_FAILED', `${options.file} run ${options.task} printed no JSON result`, {
              hint: 'rebuild with this version of adapt: older builds have no run mode',
            }),
          );
        }
        return;
      }
      if (last !== undefined) out.write(`${last}\n`);
      const message = /^adapt: (.*)$/m.exec(errors)?.[1];
      if (code === 2) {
        reject(
          new AdaptError('TASK_REFUSED', message ?? `the task "${options.task}" was refused`, {
            hint: 'the build answered with exit code 2: an unknown task or bad arguments',
            exitCode: 2,
          }),
        );
      } else {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new AdaptError('TASK_FAILED', `task "${options.task}" failed: it ${how}`, { hint: message ? `adapt: ${message}` : 'its error is above', exitCode: 1 }));
      }
    });
  });
}
