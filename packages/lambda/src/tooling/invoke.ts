/**
 * `adapt invoke --target lambda --event e.json` (or `--path /x`): runs the built bundle's handler
 * in this process on one event, the way the Node.js runtime calls it, and prints the result and
 * the HTTP response it stands for. Streaming handlers get a local `awslambda` global whose
 * response stream collects the prelude and the body.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { AdaptError, isAdaptError, type InvokeOptions, type InvokeResult, type TargetContext } from '@adapt/core';
import { bundleFileName } from './bundle.js';
import { resultToResponse, syntheticHttpEvent } from './event.js';
import { resolveLambdaSettings } from './settings.js';

type Handler = (event: unknown, contextOrStream: unknown, context?: unknown) => unknown;

const streamingMarker = Symbol.for('aws.lambda.runtime.handler.streaming');
const delimiter = Buffer.alloc(8);

/**
 * The piece of the Node.js runtime's `awslambda` global that response streaming uses. Members are
 * added to an existing object: the AWS SDK (@aws/lambda-invoke-store) creates `awslambda = {}`
 * when it loads, so an empty global does not mean a runtime is there.
 */
export function installAwsLambdaGlobal(): void {
  const global = globalThis as { awslambda?: Record<string, unknown> };
  const awslambda = (global.awslambda ??= {});
  awslambda.streamifyResponse ??= function streamifyResponse(handler: Handler): Handler {
    (handler as unknown as Record<symbol, unknown>)[streamingMarker] = 'response';
    return handler;
  };
  awslambda.HttpResponseStream ??= {
    from(stream: Writable & { setContentType?: (type: string) => void }, prelude: unknown): Writable {
      stream.setContentType?.('application/vnd.awslambda.http-integration-response');
      stream.write(Buffer.from(JSON.stringify(prelude ?? {})));
      stream.write(delimiter);
      return stream;
    },
  };
}

export function lambdaContext(functionName: string, memory: number, timeoutMs: number): Record<string, unknown> {
  const deadline = Date.now() + timeoutMs;
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memory),
    awsRequestId: `local-${Date.now().toString(36)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

async function readEvent(options: InvokeOptions): Promise<unknown> {
  if (options.event) {
    let text: string;
    try {
      text = await readFile(options.event, 'utf8');
    } catch {
      throw new AdaptError('BAD_EVENT', `Cannot read the event file ${options.event}.`, { hint: 'Give the path of a JSON file with --event, or use --path /some/path.' });
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new AdaptError('BAD_EVENT', `${options.event} is not JSON: ${(error as Error).message}.`, { hint: 'Fix the file, or use --path /some/path for a synthetic request.' });
    }
  }
  return syntheticHttpEvent({ method: options.method ?? 'GET', path: options.path ?? '/' });
}

export async function invokeLambda(ctx: TargetContext, options: InvokeOptions): Promise<InvokeResult> {
  const settings = resolveLambdaSettings(ctx);
  const file = path.join(ctx.outDir, bundleFileName);
  let version: number;
  try {
    version = (await stat(file)).mtimeMs;
  } catch {
    throw new AdaptError('NOT_BUILT', `No build at ${file}.`, { hint: 'Run `adapt build --target lambda` first (with the same --out, if any).' });
  }
  const event = await readEvent(options);
  installAwsLambdaGlobal();
  const mod = (await import(`${pathToFileURL(file).href}?v=${version}`)) as { handler?: Handler };
  if (typeof mod.handler !== 'function') {
    throw new AdaptError('INVOKE_FAILED', `${file} exports no handler function.`, { hint: 'Rebuild with `adapt build --target lambda`.' });
  }
  const handler = mod.handler;
  const context = lambdaContext(settings.functionName, settings.memory, settings.timeout * 1000);
  const streaming = (handler as unknown as Record<symbol, unknown>)[streamingMarker] === 'response';

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AdaptError('INVOKE_FAILED', `The handler did not finish within the function's timeout (${settings.timeout} s).`, {
            hint: 'Raise targets.lambda.timeout, or find what the app waits for.',
          }),
        ),
      settings.timeout * 1000,
    );
  });
  try {
    if (streaming) {
      const chunks: Buffer[] = [];
      const finished = new Promise<void>((resolve, reject) => {
        const stream = new Writable({
          write(chunk: Buffer, _encoding, callback) {
            chunks.push(Buffer.from(chunk));
            callback();
          },
        });
        stream.on('finish', () => resolve());
        stream.on('error', reject);
        Promise.resolve(handler(event, stream, context)).catch(reject);
      });
      await Promise.race([finished, timeout]);
      const raw = Buffer.concat(chunks);
      const response = raw.indexOf(delimiter) >= 0 ? resultToResponse(undefined, raw) : { status: 200, headers: {}, body: raw.toString('utf8'), bodyEncoding: 'utf8' as const };
      // What the platform receives: the stream's bytes (prelude, 8 NUL bytes, body).
      const text = raw.toString('utf8');
      const utf8 = Buffer.from(text, 'utf8').equals(raw);
      return { result: { streamed: true, bytes: raw.byteLength, payload: utf8 ? text : raw.toString('base64'), payloadEncoding: utf8 ? 'utf8' : 'base64' }, response };
    }
    const result = await Promise.race([Promise.resolve(handler(event, context)), timeout]);
    return { result, response: resultToResponse(result) };
  } catch (error) {
    if (isAdaptError(error)) throw error;
    throw new AdaptError('INVOKE_FAILED', `The handler threw: ${error instanceof Error ? error.message : String(error)}`, {
      hint: 'On Lambda this is a function error (the caller gets a 502). Fix the app or the event.',
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}
