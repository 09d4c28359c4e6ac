/**
 * `adapt dev --target lambda`: each version of the app runs through `toLambdaHandler` in the dev
 * process, behind the same local HTTP front as `adapt start` (local-server.ts): every request is
 * the event of `--source`, every answer what that source would send, streamed when
 * `targets.lambda.streaming` is on, 504 after the function's timeout. The memory setting is not
 * applied (one process serves every version); `adapt start --target lambda` applies it.
 */
import { PassThrough } from 'node:stream';
import type { DevOptions, DevServing, TargetContext } from '@adapt/core';
import { installAwsLambdaGlobal, lambdaContext } from './invoke.js';
import { createLocalListener, type LocalAnswer, type LocalInvoker } from './local-server.js';
import { resolveLambdaSettings } from './settings.js';
import { sourceOption } from './start.js';

type Handler = (event: unknown, streamOrContext: unknown, context?: unknown) => unknown;

function errorDetail(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Calls the handler in this process; a streaming handler writes into a stream the front reads. */
function inProcessInvoker(handler: Handler, streaming: boolean, context: (timeoutMs: number) => unknown): LocalInvoker {
  return {
    invoke(event, timeoutMs) {
      if (!streaming) {
        const answer = Promise.resolve()
          .then(() => handler(event, context(timeoutMs)))
          .then((result): LocalAnswer => ({ kind: 'buffered', payload: Buffer.from(JSON.stringify(result ?? null)) }))
          .catch((error: unknown): LocalAnswer => ({ kind: 'error', detail: errorDetail(error) }));
        return { answer, abandon() {} };
      }
      const stream = new PassThrough();
      let contentType: string | undefined;
      const ended = new Promise<Record<string, string | undefined>>((resolve) => {
        stream.once('end', () => resolve({}));
        stream.once('error', (error) => resolve({ 'lambda-runtime-function-error-type': error.name || 'Error' }));
      });
      const answer = new Promise<LocalAnswer>((resolve) => {
        const started = () => resolve({ kind: 'stream', contentType, body: stream, ended });
        const write = stream.write.bind(stream);
        let first = true;
        Object.assign(stream, {
          setContentType(type: string) {
            contentType = type;
          },
          write(...args: Parameters<typeof write>) {
            if (first) {
              first = false;
              started();
            }
            return write(...args);
          },
        });
        stream.once('finish', started);
        Promise.resolve()
          .then(() => handler(event, stream, context(timeoutMs)))
          .catch((error: unknown) => {
            if (first) resolve({ kind: 'error', detail: errorDetail(error) });
            stream.destroy(error instanceof Error ? error : new Error(String(error)));
          });
      });
      return { answer, abandon: () => stream.destroy() };
    },
  };
}

export async function devLambda(ctx: TargetContext, options: DevOptions): Promise<DevServing> {
  const settings = resolveLambdaSettings(ctx);
  const source = sourceOption(options.source, settings.streaming);
  if (settings.streaming) installAwsLambdaGlobal();
  const { toLambdaHandler } = await import('../index.js');
  const report = (line: string) => ctx.log.warn(line);
  return (app) => {
    const handler = toLambdaHandler(app, settings.streaming ? { streaming: true } : {}) as unknown as Handler;
    const invoker = inProcessInvoker(handler, settings.streaming, (timeoutMs) => lambdaContext(settings.functionName, settings.memory, timeoutMs));
    return createLocalListener({ source, timeoutSeconds: settings.timeout, invoker, report });
  };
}
