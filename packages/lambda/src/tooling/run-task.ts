/**
 * `adapt run <task> --target lambda`: invokes the deployed function through the stage's alias
 * with the task event, asks for the log tail (LogType Tail: the last 4 KB, base64) and reads the
 * result back. A function error is a failure with its message and the log; an unknown task or
 * bad arguments (the handler names them in errorType) exit with 2, like the run mode elsewhere.
 */
import { AdaptError, taskEvent, type RunTaskOptions, type RunTaskResult, type TargetContext } from '@adapt/core';
import { releaseRuntime, resolveRuntime, type AwsRuntime } from './aws.js';
import { checkStageAlias, resolveLambdaSettings } from './settings.js';

/** errorType of the task refusals the handler reports (see src/task-event.ts). */
const refusals = new Set(['UNKNOWN_TASK', 'BAD_TASK_ARGS', 'BAD_TASK_EVENT', 'BAD_TASKS']);

export async function runLambdaTask(ctx: TargetContext, options: RunTaskOptions, runtime: AwsRuntime = {}): Promise<RunTaskResult> {
  const settings = resolveLambdaSettings(ctx);
  checkStageAlias(ctx, settings);
  const { functionName, alias } = settings;
  const resolved = await resolveRuntime(settings, runtime, ctx.log);
  const { lambda, lambdaSdk, region } = resolved.clients;
  try {
    const answer = await ctx.log
      .step(`invoke ${functionName}:${alias} in ${region} with task "${options.task}"`, () =>
        lambda.send(
          new lambdaSdk.InvokeCommand({
            FunctionName: functionName,
            Qualifier: alias,
            InvocationType: 'RequestResponse',
            LogType: 'Tail',
            Payload: Buffer.from(JSON.stringify(taskEvent(options.task, options.args))),
          }),
        ),
      )
      .catch((error: unknown) => {
        if ((error as { name?: string }).name === 'ResourceNotFoundException') {
          throw new AdaptError('FUNCTION_NOT_FOUND', `${functionName}:${alias} does not exist in ${region}: stage ${ctx.stage} is not deployed.`, {
            hint: `Deploy it first: adapt deploy --target lambda --stage ${ctx.stage}.`,
            cause: error,
          });
        }
        throw error;
      });
    const log = answer.LogResult ? Buffer.from(answer.LogResult, 'base64').toString('utf8') : undefined;
    const text = Buffer.from(answer.Payload ?? new Uint8Array()).toString('utf8');
    if (answer.FunctionError) throw functionError(options.task, `${functionName}:${alias}`, text, log);
    let result: unknown;
    try {
      result = text === '' ? null : JSON.parse(text);
    } catch {
      throw new AdaptError('TASK_FAILED', `${functionName}:${alias} answered the task event with something other than JSON: ${text.slice(0, 200)}`, {
        hint: 'Deploy this version of the app (adapt deploy --target lambda): older handlers do not know the task event.',
      });
    }
    return { result, log, functionName, alias, version: answer.ExecutedVersion };
  } finally {
    releaseRuntime(resolved, runtime);
  }
}

/** The Lambda function error, `{ errorType, errorMessage, trace }`, as the AdaptError the CLI prints. */
export function functionError(task: string, where: string, payload: string, log: string | undefined): AdaptError {
  let error: { errorType?: string; errorMessage?: string; trace?: string[]; stackTrace?: string[] } = {};
  try {
    error = JSON.parse(payload) ?? {};
  } catch {
    error = { errorMessage: payload };
  }
  const type = error.errorType ?? 'Error';
  const message = error.errorMessage ?? 'the function failed without a message';
  const trace = (error.trace ?? error.stackTrace ?? []).join('\n');
  const details = [trace && `stack:\n${trace}`, log && `log tail:\n${log.trimEnd()}`].filter(Boolean).join('\n\n');
  if (refusals.has(type)) return new AdaptError(type, message, { hint: details || undefined, exitCode: 2 });
  return new AdaptError('TASK_FAILED', `task "${task}" failed on ${where}: ${type}: ${message}`, { hint: details || 'adapt logs are in CloudWatch', exitCode: 1 });
}
