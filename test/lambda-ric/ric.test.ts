/**
 * The built handler under the real runtime: aws-lambda-ric 3.3.0 (the Runtime Interface Client
 * in AWS's Node.js images) runs a bundle made from toLambdaHandler against the loopback Runtime
 * API in runtime-api.ts. Buffered and streamed responses, a 20 MB streamed binary body, and
 * several invocations in a row on one process (RIC waits for an empty event loop in streaming
 * mode unless told not to).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeApi, splitPrelude, type InvocationOutcome } from './runtime-api.js';
import { BIG, bigByte } from './app.js';
import { taskEvent } from '@adapt/core';
import { buildEvent } from '../../packages/lambda/test/helpers/sources.js';
import { functionError } from '../../packages/lambda/src/tooling/run-task.js';
import { requireComponent, ricPackageDir } from '../components.js';

const here = dirname(fileURLToPath(import.meta.url));
// built by scripts/provision.mjs (npm test runs it): a native addon, kept out of `npm ci`
const ricBin = join(ricPackageDir, 'bin', 'index.mjs');
const lambdaEntry = join(here, '..', '..', 'packages', 'lambda', 'dist', 'index.js');

interface Function {
  api: RuntimeApi;
  child: ChildProcess;
  output: string[];
  dir: string;
}

async function startFunction(streaming: boolean): Promise<Function> {
  const dir = mkdtempSync(join(tmpdir(), 'adapt-ric-'));
  await build({
    stdin: {
      contents: [
        `import { toLambdaHandler } from ${JSON.stringify(lambdaEntry)};`,
        `import app from ${JSON.stringify(join(here, 'app.ts'))};`,
        `export const handler = toLambdaHandler(app, { streaming: ${streaming} });`,
      ].join('\n'),
      resolveDir: here,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: join(dir, 'index.mjs'),
    logLevel: 'silent',
  });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  const api = await RuntimeApi.start();
  const output: string[] = [];
  const child = spawn(process.execPath, [ricBin, 'index.handler'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      AWS_LAMBDA_RUNTIME_API: api.address,
      LAMBDA_TASK_ROOT: dir,
      _HANDLER: 'index.handler',
      AWS_LAMBDA_FUNCTION_NAME: 'ric-test',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  return { api, child, output, dir };
}

async function stopFunction(fn: Function | undefined): Promise<void> {
  if (!fn) return;
  if (fn.child.exitCode === null) {
    fn.child.kill('SIGKILL');
    await new Promise((resolve) => fn.child.once('exit', resolve));
  }
  await fn.api.close();
  rmSync(fn.dir, { recursive: true, force: true });
}

function invoke(fn: Function, event: unknown, timeoutMs?: number): Promise<InvocationOutcome> {
  return Promise.race([
    fn.api.invoke(event, timeoutMs),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer from RIC in 20 s; its output:\n${fn.output.join('')}`)), 20_000).unref()),
  ]);
}

const get = (path: string) => buildEvent('function-url', { method: 'GET', path });

describe('aws-lambda-ric 3.3.0: buffered handler', () => {
  const ricHere = requireComponent('aws-lambda-ric');
  let fn: Function | undefined;
  beforeAll(async () => {
    if (!ricHere) return;
    fn = await startFunction(false);
  });
  afterAll(() => stopFunction(fn));

  it('answers a Function URL event with a v2 result; setup ran once', async () => {
    for (let i = 0; i < 3; i++) {
      const outcome = await invoke(fn!, get('/hello?x=1'));
      expect(outcome.kind, fn!.output.join('')).toBe('response');
      const result = JSON.parse(outcome.body.toString());
      expect(result).toMatchObject({ statusCode: 200, body: 'hello GET ?x=1 setups=1', isBase64Encoded: false });
    }
  });

  it('binary bodies go base64, cookies apart', async () => {
    const result = JSON.parse((await invoke(fn!, get('/bytes'))).body.toString());
    expect(result.isBase64Encoded).toBe(true);
    expect([...Buffer.from(result.body, 'base64')]).toEqual(Array.from({ length: 256 }, (_, i) => i));
    expect(result.cookies).toEqual(['a=1']);
  });

  it('ALB and REST events in the same process answer in their own shapes', async () => {
    const alb = JSON.parse((await invoke(fn!, buildEvent('alb-multi', { method: 'GET', path: '/hello' }))).body.toString());
    expect(alb.statusDescription).toBe('200 OK');
    expect(alb.multiValueHeaders['content-type']).toEqual(['text/plain']);
    const rest = JSON.parse((await invoke(fn!, buildEvent('apigw-v1', { method: 'POST', path: '/echo', body: 'abc' }))).body.toString());
    expect(Buffer.from(rest.body, rest.isBase64Encoded ? 'base64' : 'utf8').toString()).toBe('abc');
  });

  it('waitUntil with a timer finishes before the answer; the next event is not held up', async () => {
    const first = JSON.parse((await invoke(fn!, get('/later'))).body.toString());
    expect(first.body).toBe('later timers=0');
    const second = JSON.parse((await invoke(fn!, get('/later'))).body.toString());
    expect(second.body).toBe('later timers=1');
  });

  it('an app that never answers: the adapter posts its own 504 as the invocation response, from the deadline', async () => {
    // deadline in 3 s: request.signal aborts at 2 s, the adapter answers 504 at 2.5 s (the timing
    // itself is tested with fake timers in packages/lambda/test/bad-input.test.ts). The app never
    // answers, so a 504 posted as the invocation's response is the adapter's own, from the deadline.
    const outcome = await invoke(fn!, get('/never'), 3_000);
    expect(outcome.kind).toBe('response');
    const result = JSON.parse(outcome.body.toString());
    expect(result.statusCode).toBe(504);
    expect(fn!.output.join('')).toMatch(/504 TIMEOUT/);
    // and the function keeps serving
    expect(JSON.parse((await invoke(fn!, get('/hello'))).body.toString()).statusCode).toBe(200);
  });

  it('answers the task event with the task result; a throwing or unknown task is a function error', async () => {
    const outcome = await invoke(fn!, taskEvent('report', ['daily'], 'nightly'));
    expect(outcome.kind, fn!.output.join('')).toBe('response');
    expect(JSON.parse(outcome.body.toString())).toEqual({ report: ['daily'], schedule: 'nightly', setups: 1 });
    const failed = await invoke(fn!, taskEvent('fail'));
    expect(failed.kind).toBe('error');
    expect(JSON.parse(failed.body.toString())).toMatchObject({ errorType: 'RangeError', errorMessage: 'the report broke' });
    const unknown = await invoke(fn!, taskEvent('nope'));
    expect(JSON.parse(unknown.body.toString())).toMatchObject({ errorType: 'UNKNOWN_TASK', errorMessage: 'unknown task "nope"; known tasks: report, fail' });
    // what `adapt run --target lambda` makes of these function errors (Invoke's payload is the error RIC posted)
    const log = 'START RequestId: 1\nreport task on lambda\nEND RequestId: 1\n';
    const thrown = functionError('fail', 'ric-test:live', failed.body.toString(), log);
    expect(thrown).toMatchObject({ code: 'TASK_FAILED', exitCode: 1, message: 'task "fail" failed on ric-test:live: RangeError: the report broke' });
    expect(thrown.hint).toMatch(/^stack:\nRangeError: the report broke\n\s+at fail .*\n\nlog tail:\nSTART RequestId: 1\nreport task on lambda\nEND RequestId: 1$/s);
    expect(functionError('nope', 'ric-test:live', unknown.body.toString(), undefined)).toMatchObject({
      code: 'UNKNOWN_TASK',
      exitCode: 2,
      message: 'unknown task "nope"; known tasks: report, fail',
    });
    expect(JSON.parse((await invoke(fn!, get('/hello'))).body.toString()).statusCode).toBe(200);
  });

  it('a non-HTTP event fails the invocation with a named error', async () => {
    const outcome = await invoke(fn!, { Records: [{ eventSource: 'aws:sqs' }] });
    expect(outcome.kind).toBe('error');
    expect(outcome.body.toString()).toMatch(/UnsupportedEventError.*aws:sqs/s);
  });
});

describe('aws-lambda-ric 3.3.0: streaming handler', () => {
  const ricHere = requireComponent('aws-lambda-ric');
  let fn: Function | undefined;
  beforeAll(async () => {
    if (!ricHere) return;
    fn = await startFunction(true);
  });
  afterAll(() => stopFunction(fn));

  it('streams the HTTP integration prelude then the body', async () => {
    const outcome = await invoke(fn!, get('/hello?q=2'));
    expect(outcome.kind, fn!.output.join('')).toBe('response');
    expect(outcome.headers['lambda-runtime-function-response-mode']).toBe('streaming');
    expect(outcome.headers['content-type']).toBe('application/vnd.awslambda.http-integration-response');
    expect(outcome.headers['transfer-encoding']).toBe('chunked');
    const { prelude, body } = splitPrelude(outcome.body);
    expect(prelude).toMatchObject({ statusCode: 200, headers: { 'content-type': 'text/plain' } });
    expect(body.toString()).toBe('hello GET ?q=2 setups=1');
  });

  it('answers the task event with the task result as JSON on the stream', async () => {
    const outcome = await invoke(fn!, taskEvent('report', ['weekly']));
    expect(outcome.kind, fn!.output.join('')).toBe('response');
    expect(JSON.parse(outcome.body.toString())).toEqual({ report: ['weekly'], schedule: null, setups: 1 });
  });

  it('a 204 still sends its prelude', async () => {
    const { prelude, body } = splitPrelude((await invoke(fn!, get('/empty'))).body);
    expect(prelude.statusCode).toBe(204);
    expect(prelude.headers?.['x-empty']).toBe('yes');
    expect(body.length).toBe(0);
  });

  it('a 20 MB streamed binary body arrives intact', async () => {
    const outcome = await invoke(fn!, get('/big'));
    expect(outcome.kind, fn!.output.join('')).toBe('response');
    const { prelude, body } = splitPrelude(outcome.body);
    expect(prelude.statusCode).toBe(200);
    expect(body.length).toBe(BIG);
    const expected = Buffer.alloc(BIG);
    for (let i = 0; i < BIG; i++) expected[i] = bigByte(i);
    expect(createHash('sha256').update(body).digest('hex')).toBe(createHash('sha256').update(expected).digest('hex'));
  });

  it('invocations follow each other without waiting for an empty event loop', async () => {
    const first = splitPrelude((await invoke(fn!, get('/later'))).body).body.toString();
    const second = splitPrelude((await invoke(fn!, get('/hello'))).body).body.toString();
    expect(first).toMatch(/^later timers=\d+$/);
    expect(second).toBe('hello GET  setups=1');
  });

  it('a body that fails mid-stream fails the invocation with error trailers; the next one is served', async () => {
    const outcome = await invoke(fn!, get('/fail-mid'));
    expect(outcome.kind).toBe('error');
    expect(outcome.trailers['lambda-runtime-function-error-type']).toBeDefined();
    expect(splitPrelude(outcome.body).body.toString()).toBe('partial');
    expect(splitPrelude((await invoke(fn!, get('/hello'))).body).prelude.statusCode).toBe(200);
  });

  it('ALB in streaming mode gets its buffered JSON result through the stream', async () => {
    const outcome = await invoke(fn!, buildEvent('alb', { method: 'GET', path: '/hello' }));
    const result = JSON.parse(outcome.body.toString());
    expect(result).toMatchObject({ statusCode: 200, statusDescription: '200 OK', body: 'hello GET  setups=1' });
  });
});
