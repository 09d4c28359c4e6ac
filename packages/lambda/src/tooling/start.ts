/**
 * `adapt start --target lambda`: the built function (.adapt/lambda/index.mjs) behind HTTP on
 * localhost, the way Lambda runs it. A local Runtime API hands each request's event to a runtime
 * client in a child process: adapt's own (local-runtime.ts), or with `--runtime-api` the real
 * aws-lambda-ric, resolved from the app's node_modules. The child gets the function's env,
 * `--max-old-space-size` from its memory setting, and is replaced after a timeout (504) or a
 * crash, as Lambda replaces a sandbox. `--source` picks the event shape (Function URL by default).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdaptError, type StartOptions, type TargetContext } from '@adapt/core';
import { bundleFileName, handlerName } from './bundle.js';
import { createLocalListener, type LocalAnswer, type LocalInvoker } from './local-server.js';
import { RuntimeApi } from './runtime-api.js';
import { resolveLambdaSettings, type ResolvedLambdaSettings } from './settings.js';
import { sourceKinds, type SourceKind } from './sources.js';

/** The `--source` flag: one of sourceKinds, Function URL when absent. */
export function sourceOption(value: unknown, streaming: boolean): SourceKind {
  const source = (value ?? 'function-url') as SourceKind;
  if (!sourceKinds.includes(source)) {
    throw new AdaptError('USAGE', `unknown --source "${String(value)}"`, { hint: `use one of ${sourceKinds.join(', ')}` });
  }
  if (streaming && source !== 'function-url') {
    throw new AdaptError('USAGE', `this build streams (targets.lambda.streaming), and only a Function URL streams; --source ${source} cannot carry it`, {
      hint: 'leave out --source (Function URL), or build without streaming',
    });
  }
  return source;
}

/** aws-lambda-ric's entry script, from the app's node_modules. */
function ricEntry(cwd: string): string {
  try {
    const manifest = createRequire(join(cwd, 'package.json')).resolve('aws-lambda-ric/package.json');
    return join(dirname(manifest), 'bin', 'index.mjs');
  } catch {
    throw new AdaptError('RIC_MISSING', '--runtime-api runs the handler under aws-lambda-ric, which this app does not have installed', {
      hint: 'install it in the app: npm install --save-dev aws-lambda-ric (it builds a native addon: it needs make, cmake, autoconf, automake, libtool and a C++ compiler); or drop --runtime-api',
    });
  }
}

function runtimeEnvironment(ctx: TargetContext, settings: ResolvedLambdaSettings, api: RuntimeApi): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'production',
    ...settings.env,
    AWS_LAMBDA_RUNTIME_API: api.address,
    LAMBDA_TASK_ROOT: ctx.outDir,
    _HANDLER: handlerName,
    AWS_LAMBDA_FUNCTION_NAME: settings.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(settings.memory),
    AWS_EXECUTION_ENV: `AWS_Lambda_${settings.runtime}`,
    ...(settings.region ? { AWS_REGION: settings.region, AWS_DEFAULT_REGION: settings.region } : {}),
  };
}

export async function startLambda(ctx: TargetContext, options: StartOptions): Promise<void> {
  const settings = resolveLambdaSettings(ctx);
  const source = sourceOption(options.source, settings.streaming);
  const bundle = join(ctx.outDir, bundleFileName);
  if (!existsSync(bundle)) {
    throw new AdaptError('NOT_BUILT', `no Lambda build at ${bundle}`, { hint: 'build it first: adapt build --target lambda (with the same --out and --stage, if any)' });
  }
  const client = options.runtimeApi ? [ricEntry(ctx.cwd), handlerName] : [fileURLToPath(new URL('./local-runtime.js', import.meta.url)), bundle];
  const sink = options.stdout === 'stderr' ? process.stderr : process.stdout;
  const api = await RuntimeApi.start();
  const functionArn = `arn:aws:lambda:${settings.region ?? 'us-east-1'}:000000000000:function:${settings.functionName}`;

  let child: ChildProcess | undefined;
  /** Invocations handed to the current child, failed with 502 if it dies. */
  const inFlight = new Map<string, (answer: LocalAnswer) => void>();
  const spawnRuntime = (): ChildProcess => {
    const started = spawn(process.execPath, [`--max-old-space-size=${settings.memory}`, ...client], {
      cwd: ctx.outDir,
      env: runtimeEnvironment(ctx, settings, api),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    started.stdout!.on('data', (chunk: Buffer) => sink.write(chunk));
    started.once('exit', (code, signal) => {
      if (child === started) child = undefined;
      api.dropWaiting();
      for (const [id, fail] of inFlight) {
        api.forget(id);
        fail({ kind: 'error', detail: `the runtime exited (${signal ?? `code ${code}`}) before answering` });
      }
      inFlight.clear();
    });
    ctx.log.debug(`lambda: runtime ${client[0]} started as process ${started.pid}`);
    return started;
  };
  const replaceRuntime = () => {
    const old = child;
    child = undefined;
    if (old && old.exitCode === null) old.kill('SIGKILL');
  };
  api.onInitError = (body) => process.stderr.write(`adapt: the function failed to start (init error): ${body}\n`);

  const invoker: LocalInvoker = {
    invoke(event, timeoutMs) {
      child ??= spawnRuntime();
      const invocation = api.invoke(event, { timeoutMs, functionArn });
      const answer = new Promise<LocalAnswer>((resolve) => {
        inFlight.set(invocation.id, resolve);
        invocation.answer.then(
          async (runtimeAnswer) => {
            inFlight.delete(invocation.id);
            if (runtimeAnswer.path === 'error') {
              const chunks: Buffer[] = [];
              for await (const chunk of runtimeAnswer.body) chunks.push(chunk as Buffer);
              return resolve({ kind: 'error', detail: Buffer.concat(chunks).toString('utf8') });
            }
            if (runtimeAnswer.headers['lambda-runtime-function-response-mode'] === 'streaming') {
              const contentType = runtimeAnswer.headers['content-type'];
              return resolve({ kind: 'stream', contentType, body: runtimeAnswer.body, ended: runtimeAnswer.ended });
            }
            const chunks: Buffer[] = [];
            for await (const chunk of runtimeAnswer.body) chunks.push(chunk as Buffer);
            resolve({ kind: 'buffered', payload: Buffer.concat(chunks) });
          },
          (error: unknown) => resolve({ kind: 'error', detail: String(error) }),
        );
      });
      return {
        started: invocation.taken,
        answer,
        abandon() {
          inFlight.delete(invocation.id);
          api.forget(invocation.id);
          // Lambda stops a timed-out sandbox; the next request starts a fresh one
          replaceRuntime();
        },
      };
    },
  };

  const report = (line: string) => process.stderr.write(`adapt: ${line}\n`);
  const server = createServer(createLocalListener({ source, timeoutSeconds: settings.timeout, invoker, report }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      void api.close();
      reject(
        new AdaptError('START_FAILED', `cannot listen on ${options.host}:${options.port}: ${error.message}`, {
          hint: error.code === 'EADDRINUSE' ? `port ${options.port} is taken; pass --port 0 for any free port` : 'check --host and --port',
          cause: error,
        }),
      );
    });
    server.listen(options.port, options.host, () => resolve());
  });
  // start the runtime now, so the first request does not pay for its start (Lambda's cold start does)
  child = spawnRuntime();
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  sink.write(`adapt: ${ctx.appName} (lambda, ${source}${options.runtimeApi ? ', aws-lambda-ric' : ''}${settings.streaming ? ', streaming' : ''}) listening on ${url}\n`);
  options.onListening?.(url);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      replaceRuntime();
      server.closeAllConnections();
      server.close(() => void api.close().then(resolve));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
