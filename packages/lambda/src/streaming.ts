/**
 * Lambda response streaming: `awslambda.streamifyResponse` hands the handler a response stream.
 * For Function URLs (invoke mode RESPONSE_STREAM) and REST APIs (transfer mode STREAM) the
 * stream starts with the HTTP integration prelude (status, headers, cookies as JSON, then 8 NUL
 * bytes, written by `awslambda.HttpResponseStream.from` on the first write), then the raw body,
 * written with backpressure. Sources that cannot stream get their buffered JSON result.
 *
 * The runtime writes the prelude only on the first write, so an empty body (204, HEAD) still
 * writes once. waitUntil tasks finish after the stream has ended.
 */
import { logError } from '@adapt/core';
import { answerHead, createAnswer, discardBody, isBodyless, type AnswerHead } from './answer.js';
import { pickEventSource, type Answer, type EventSource, type RequestInput } from './events/index.js';
import { errorAnswerFor, errorResult } from './error-result.js';
import { Invocation } from './invocation.js';
import type { LambdaHandler } from './options.js';
import { otherEvent } from './other-event.js';
import type { Runtime } from './runtime.js';
import { eventTask, taskEventResult } from './task-event.js';
import type { AwsLambdaGlobal, LambdaContext, ResponseStream, StreamPrelude as Prelude } from './types.js';

/** The sources whose integration reads the HTTP prelude from a streamed response. */
const streamingSources = new Set<string>(['function-url', 'apigw-v1']);

export function streamingHandler(runtime: Runtime): LambdaHandler {
  const awslambda = (globalThis as { awslambda?: AwsLambdaGlobal }).awslambda;
  if (!awslambda || typeof awslambda.streamifyResponse !== 'function' || !awslambda.HttpResponseStream) {
    throw new Error(
      'adapt: toLambdaHandler(app, { streaming: true }) needs the `awslambda` global that the AWS Lambda Node.js ' +
        'runtime defines before it loads the handler. Run it on Lambda (or under aws-lambda-ric), or drop `streaming`.',
    );
  }
  const { HttpResponseStream } = awslambda;

  // The runtime calls a streamified handler as (event, responseStream, context).
  return awslambda.streamifyResponse(async function lambdaStreamingHandler(event: unknown, stream: ResponseStream, context: LambdaContext) {
    if (context != null && !runtime.keepEventLoop) context.callbackWaitsForEmptyEventLoop = false;
    const task = eventTask(event);
    if (task !== undefined) {
      await writeJson(stream, await taskEventResult(runtime, task, event, context));
      return;
    }
    const source = pickEventSource(event);
    if (source === undefined) {
      await writeJson(stream, await otherEvent(runtime, event, context));
      return;
    }
    let input: RequestInput;
    try {
      input = source.createRequest(event, runtime.sourceOptions);
    } catch (error) {
      await finishWith(stream, source, errorResult(runtime, source, event, error, 'bad event'), HttpResponseStream);
      return;
    }
    const invocation = new Invocation(runtime, input, event, context);
    try {
      if (!streamingSources.has(source.name)) {
        // ALB, HTTP API, Lattice invoke buffered: the stream carries the JSON result.
        let result: unknown;
        try {
          const response = await invocation.respond();
          result = source.createResult(await invocation.within(createAnswer(response, input.method, runtime.answerOptions)), event);
        } catch (error) {
          result = errorResult(runtime, source, event, error, `${input.method} ${input.url}`);
        }
        await writeJson(stream, result);
        return;
      }
      let head: AnswerHead;
      try {
        head = answerHead(await invocation.respond());
      } catch (error) {
        logError(`lambda ${source.name} ${input.method} ${input.url}`, error);
        await sendAnswer(stream, HttpResponseStream, errorAnswerFor(runtime, error));
        return;
      }
      const http = HttpResponseStream.from(stream, prelude(source.name, head));
      try {
        if (isBodyless(head.status, input.method) || head.body === null) {
          discardBody(head.body);
          await write(http, '', invocation); // sends the prelude
        } else {
          await pipeBody(head.body, http, invocation);
        }
        await end(http, invocation);
      } catch (error) {
        // The status is out: the only honest signal left is a failed stream (Lambda adds error trailers).
        logError(`lambda ${source.name} ${input.method} ${input.url} (while streaming the body)`, error);
        throw error;
      }
    } finally {
      await invocation.finish();
    }
  }) as unknown as LambdaHandler;
}

/**
 * The prelude: Function URLs read `cookies`; REST APIs read `multiValueHeaders` (their
 * documented streaming metadata is statusCode, headers, multiValueHeaders).
 */
function prelude(source: string, head: AnswerHead): Prelude {
  const out: Prelude = { statusCode: head.status, headers: head.headers };
  if (head.cookies.length > 0) {
    if (source === 'apigw-v1') out.multiValueHeaders = { 'set-cookie': head.cookies };
    else out.cookies = head.cookies;
  }
  return out;
}

async function pipeBody(body: NonNullable<AnswerHead['body']>, stream: ResponseStream, invocation: Invocation): Promise<void> {
  if (!(body instanceof ReadableStream)) {
    await write(stream, typeof body === 'string' ? Buffer.from(body) : body, invocation);
    return;
  }
  const reader = body.getReader();
  let wrote = false;
  try {
    for (;;) {
      const { done, value } = await invocation.within(reader.read());
      if (done) break;
      if (value.byteLength === 0) continue;
      await write(stream, value, invocation);
      wrote = true;
    }
    if (!wrote) await write(stream, '', invocation);
  } catch (error) {
    reader.cancel(error).catch(() => {});
    throw error;
  }
}

/** Writes and, when the stream asks for it, waits for 'drain' (backpressure). */
function write(stream: ResponseStream, chunk: Uint8Array | string, invocation: Invocation): Promise<void> | void {
  if (stream.write(chunk)) return;
  return invocation.within(
    new Promise<void>((resolve, reject) => {
      const done = () => {
        stream.off?.('drain', done);
        stream.off?.('error', fail);
        stream.off?.('close', done);
        resolve();
      };
      const fail = (error: unknown) => {
        stream.off?.('drain', done);
        stream.off?.('close', done);
        reject(error);
      };
      stream.once('drain', done);
      stream.once('close', done);
      stream.once('error', fail);
    }),
  );
}

function end(stream: ResponseStream, invocation: Invocation): Promise<void> {
  return invocation.within(new Promise<void>((resolve) => stream.end(() => resolve())));
}

/** A buffered result (or a non-HTTP handler's value) written as the JSON payload. */
async function writeJson(stream: ResponseStream, value: unknown): Promise<void> {
  stream.setContentType?.('application/json');
  const json = value === undefined ? 'null' : JSON.stringify(value);
  await new Promise<void>((resolve) => {
    stream.write(json);
    stream.end(() => resolve());
  });
}

/** An error answer sent as a whole HTTP response through the prelude. */
async function sendAnswer(stream: ResponseStream, from: AwsLambdaGlobal['HttpResponseStream'], answer: Answer): Promise<void> {
  const http = from.from(stream, { statusCode: answer.status, headers: answer.headers, cookies: answer.cookies });
  await new Promise<void>((resolve) => {
    http.write(answer.body);
    http.end(() => resolve());
  });
}

/** A bad event on a streaming source: the error as an HTTP response, else as a JSON result. */
async function finishWith(stream: ResponseStream, source: EventSource, result: ReturnType<typeof errorResult>, from: AwsLambdaGlobal['HttpResponseStream']): Promise<void> {
  if (!streamingSources.has(source.name)) return writeJson(stream, result);
  return sendAnswer(stream, from, {
    status: result.statusCode,
    headers: result.headers ?? {},
    cookies: [],
    body: result.body,
    isBase64Encoded: false,
  });
}
