/**
 * adapt's local Lambda runtime client, run by `adapt start --target lambda` as a child process:
 * `node local-runtime.js <bundle>` with AWS_LAMBDA_RUNTIME_API set. It does what the Node.js
 * runtime's client does, in less: poll for the next event, call the bundle's `handler`, post the
 * result (or stream it, for `awslambda.streamifyResponse` handlers), post an init error when the
 * module does not load. `--runtime-api` runs the real aws-lambda-ric instead.
 */
import { request, type IncomingMessage } from 'node:http';
import { pathToFileURL } from 'node:url';
import { installAwsLambdaGlobal } from './invoke.js';

type Handler = (event: unknown, streamOrContext: unknown, context?: unknown) => unknown;

const base = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime`;
const streamingMarker = Symbol.for('aws.lambda.runtime.handler.streaming');

function post(path: string, body: string, headers: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      res.once('end', () => resolve());
    });
    req.once('error', reject);
    req.end(body);
  });
}

function next(): Promise<{ headers: IncomingMessage['headers']; event: unknown }> {
  return new Promise((resolve, reject) => {
    request(`${base}/invocation/next`, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => {
        try {
          resolve({ headers: res.headers, event: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (error) {
          reject(error);
        }
      });
      res.once('error', reject);
    })
      .once('error', reject)
      .end();
  });
}

function errorBody(error: unknown): string {
  const e = error instanceof Error ? error : new Error(String(error));
  return JSON.stringify({ errorType: e.name || 'Error', errorMessage: e.message, trace: (e.stack ?? '').split('\n') });
}

async function streamInvocation(handler: Handler, id: string, event: unknown, context: unknown): Promise<void> {
  const req = request(`${base}/invocation/${encodeURIComponent(id)}/response`, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      'lambda-runtime-function-response-mode': 'streaming',
      'transfer-encoding': 'chunked',
      trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
    },
  });
  const done = new Promise<void>((resolve) => {
    req.once('response', (res) => res.resume().once('end', resolve));
    req.once('error', () => resolve());
  });
  const stream = Object.assign(req, {
    setContentType(type: string) {
      if (!req.headersSent) req.setHeader('content-type', type);
    },
  });
  try {
    await handler(event, stream, context);
    if (!req.writableEnded) req.end();
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    req.addTrailers({ 'Lambda-Runtime-Function-Error-Type': e.name || 'Error', 'Lambda-Runtime-Function-Error-Body': Buffer.from(errorBody(e)).toString('base64') });
    if (!req.writableEnded) req.end();
    console.error(e);
  }
  await done;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  installAwsLambdaGlobal();
  let handler: Handler;
  try {
    const loaded = (await import(pathToFileURL(file).href)) as { handler?: Handler };
    if (typeof loaded.handler !== 'function') throw new TypeError(`${file} exports no handler function`);
    handler = loaded.handler;
  } catch (error) {
    console.error(error);
    await post('/init/error', errorBody(error), { 'lambda-runtime-function-error-type': 'Runtime.ImportModuleError' });
    process.exit(1);
  }
  const streaming = (handler as unknown as Record<symbol, unknown>)[streamingMarker] === 'response';
  const env = process.env;
  for (;;) {
    const { headers, event } = await next();
    const id = String(headers['lambda-runtime-aws-request-id']);
    const deadline = Number(headers['lambda-runtime-deadline-ms']);
    const context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
      invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
      memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      awsRequestId: id,
      logGroupName: `/aws/lambda/${env.AWS_LAMBDA_FUNCTION_NAME}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    if (streaming) {
      await streamInvocation(handler, id, event, context);
      continue;
    }
    try {
      const result = await handler(event, context);
      await post(`/invocation/${encodeURIComponent(id)}/response`, JSON.stringify(result ?? null));
    } catch (error) {
      console.error(error);
      await post(`/invocation/${encodeURIComponent(id)}/error`, errorBody(error), { 'lambda-runtime-function-error-type': 'Error' });
    }
  }
}

await main();
