/**
 * Tasks on App Engine standard. Cloud Scheduler's App Engine HTTP target POSTs the task event to
 * `/_adapt/tasks/<task>`; App Engine marks such requests with X-AppEngine-* headers
 * (`X-Appengine-Cron: true`, `X-AppEngine-QueueName`) and strips every X-AppEngine-* header from
 * requests that come from outside, so on App Engine (GAE_ENV=standard) their presence is the proof.
 * Anyone else gets a 404 on that path, as if it did not exist; elsewhere (adapt start, any other
 * host) nothing strips them, so the path is a 404 for everyone.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAdaptError, logError, readTaskEvent, runTask, type App } from '@adapt/core';

/** The reserved path prefix; a task's path is `/_adapt/tasks/<task>`. */
export const TASK_PATH_PREFIX = '/_adapt/tasks/';

/** Largest task event body read, in bytes (Cloud Scheduler job bodies are far smaller). */
const TASK_BODY_LIMIT = 1024 * 1024;

/** True when the request's path is under the reserved prefix (the app never sees those). */
export function isTaskPath(url: string | undefined): boolean {
  return (url ?? '').startsWith(TASK_PATH_PREFIX);
}

/** What a task request is made of, from a Node request or a fetch Request. */
export interface TaskRequest {
  method: string;
  /** The path and query. */
  url: string;
  header(name: string): string | undefined;
  /** The body, at most `limit` bytes (throws beyond). */
  text(limit: number): Promise<string>;
  /** Aborted when the caller gives up (Cloud Scheduler's attempt deadline). */
  signal: AbortSignal;
  raw: unknown;
}

export interface TaskAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** True when App Engine itself sent the request: its headers survive only from Cloud Scheduler, cron or a task queue. */
export function fromAppEngineScheduler(request: Pick<TaskRequest, 'header'>, onAppEngine: boolean): boolean {
  if (!onAppEngine) return false;
  return request.header('x-appengine-cron')?.toLowerCase() === 'true' || request.header('x-appengine-queuename') !== undefined;
}

/** Answers a request to the reserved path: 404 unless trusted; then the task's result as JSON. */
export async function answerTaskRequest(app: App, request: TaskRequest, onAppEngine: boolean, env: Record<string, string | undefined>): Promise<TaskAnswer> {
  if (!fromAppEngineScheduler(request, onAppEngine)) return { status: 404, body: { error: 'Not Found' } };
  if (request.method !== 'POST') return { status: 405, body: { error: 'POST the task event to this path' }, headers: { allow: 'POST' } };
  const name = safeDecode(request.url.slice(TASK_PATH_PREFIX.length).split('?')[0] ?? '');
  let task: ReturnType<typeof readTaskEvent>;
  try {
    const body = await request.text(TASK_BODY_LIMIT);
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      payload = undefined;
    }
    task = readTaskEvent(payload);
    if (!task) throw new TypeError('the body is not a task event: { "adapt:task": { "name": "<task>", "args": [] } }');
    if (task.name !== name) throw new TypeError(`the path names task "${name}" but the body names "${task.name}"`);
  } catch (error) {
    logError(`POST ${TASK_PATH_PREFIX}${name}`, error);
    return { status: 400, body: { error: (error as Error).message } };
  }
  try {
    const result = await runTask(app, task.name, task.args, { platform: 'app-engine', env, signal: request.signal, schedule: task.schedule, raw: request.raw });
    console.log(JSON.stringify({ severity: 'INFO', message: `adapt: task ${task.name} finished`, 'adapt:task': task.name, result: result ?? null }));
    return { status: 200, body: { result: result ?? null } };
  } catch (error) {
    logError(`task ${task.name}`, error);
    // unknown task or bad arguments: Cloud Scheduler retrying it as is would fail again
    if (isAdaptError(error) && error.exitCode === 2) return { status: 400, body: { error: error.message, hint: error.hint } };
    return { status: 500, body: { error: `task ${task.name} failed; the log line above says why` } };
  }
}

/** The task request of a Node request. */
export function nodeTaskRequest(req: IncomingMessage, res: ServerResponse): TaskRequest {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new Error('the caller closed the request (attempt deadline)'));
  });
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    header: (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    },
    text: async (limit) => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).byteLength;
        if (size > limit) throw new TypeError(`the task event is over ${limit} bytes`);
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    signal: controller.signal,
    raw: { req, res },
  };
}

/** Writes a task answer to a Node response. */
export function writeTaskAnswer(res: ServerResponse, answer: TaskAnswer): void {
  const text = `${JSON.stringify(answer.body)}\n`;
  res.writeHead(answer.status, { ...answerHeaders(answer), 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** A task answer as a fetch Response. */
export function taskAnswerResponse(answer: TaskAnswer): Response {
  return new Response(`${JSON.stringify(answer.body)}\n`, { status: answer.status, headers: answerHeaders(answer) });
}

function answerHeaders(answer: TaskAnswer): Record<string, string> {
  return { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...answer.headers };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
