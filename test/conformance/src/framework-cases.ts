/**
 * The framework battery: each case is a request to a framework app (frameworks.ts). The answer
 * every target must give is the one the same app gives under node:http (started here, over a real
 * socket): the same status, body bytes and headers that matter. Each case also states the status
 * the framework itself must have chosen, so the oracle cannot drift unnoticed.
 *
 *   frameworkSuite('node serve()', 'express5', (app) => createSocketRunner(fromNodeHandler(app)));
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFrameworkApp, type FrameworkName, type NodeListener } from './frameworks.js';
import { send } from './http.js';
import type { CaseRequest, CaseResponse, Runner } from './runner.js';

export { createFrameworkApp, frameworkNames, filesDir, type FrameworkName, type NodeListener } from './frameworks.js';

/**
 * What a case needs beyond plain HTTP: `raw-target` a request target that a URL would rewrite
 * (a stray `%`, dot segments), `get-body` a body on GET, `trace` a method the standard Request
 * refuses.
 */
export type FrameworkFeature = 'raw-target' | 'get-body' | 'trace';

export interface FrameworkCase {
  name: string;
  request: CaseRequest;
  /** The status the framework answers with (by framework where they differ). */
  status: number | (Partial<Record<FrameworkName, number>> & { default: number });
  /** Text the body must contain, or must not contain, by framework. */
  contains?: Partial<Record<FrameworkName, string>>;
  excludes?: Partial<Record<FrameworkName, string>>;
  /** Compare the body with node:http's byte for byte (off where it holds a stack trace). Default true. */
  sameBody?: boolean;
  needs?: FrameworkFeature[];
}

/** Headers that must match node:http's answer when it has them. */
const comparedHeaders = ['content-type', 'content-range', 'content-disposition', 'etag', 'last-modified', 'accept-ranges', 'cache-control', 'location'];

const get = (path: string, headers?: Array<[string, string]>): CaseRequest => ({ method: 'GET', path, headers });
const upload = new Uint8Array(300 * 1024).map((_, i) => (i * 7 + 3) & 255);
const raw: FrameworkFeature[] = ['raw-target'];

export const frameworkCases: FrameworkCase[] = [
  // static files, through the framework's own static handler
  { name: 'a static file', request: get('/static/hello.txt'), status: 200 },
  { name: 'a static binary file of 70,000 bytes', request: get('/static/data.bin'), status: 200 },
  { name: 'HEAD of a static file', request: { method: 'HEAD', path: '/static/hello.txt' }, status: 200 },
  { name: 'a missing static file is the framework 404', request: get('/static/missing.txt'), status: 404 },
  { name: 'traversal /static/../secret.txt', request: get('/static/../secret.txt'), status: 403, needs: raw },
  { name: 'traversal /static/%2e%2e/secret.txt', request: get('/static/%2e%2e/secret.txt'), status: { default: 403, fastify: 403 }, needs: raw },
  { name: 'traversal /static/%2e%2e%2fsecret.txt', request: get('/static/%2e%2e%2fsecret.txt'), status: 403, needs: raw },
  // `..\` counts as a parent segment for send and resolve-path, even on POSIX
  { name: 'traversal /static/..%5csecret.txt', request: get('/static/..%5csecret.txt'), status: 403 },
  { name: 'traversal /file/..%2fsecret.txt through sendFile', request: get('/file/..%2fsecret.txt'), status: { default: 403, fastify: 403 }, needs: raw },
  // malformed paths: the framework answers 400 (or its 404), never adapt
  { name: 'malformed path /static/%', request: get('/static/%'), status: { default: 400, fastify: 400 }, needs: raw },
  { name: 'malformed path /static/%zz', request: get('/static/%zz'), status: { default: 400, fastify: 400 }, needs: raw },
  { name: 'malformed path /static/%c0%ae (overlong UTF-8 dot)', request: get('/static/%c0%ae'), status: 400 },
  { name: 'malformed path /% at the root', request: get('/%'), status: { default: 404, fastify: 400 }, needs: raw },
  // sendFile: conditionals and ranges
  { name: 'sendFile answers the file', request: get('/file/hello.txt'), status: 200 },
  { name: 'sendFile: a missing file is the framework 404', request: get('/file/missing.txt'), status: 404 },
  { name: 'sendFile: If-Match that fails is 412', request: get('/file/hello.txt', [['if-match', '"nope"']]), status: { default: 412, koa: 200 } },
  { name: 'sendFile: If-None-Match * is 304', request: get('/file/hello.txt', [['if-none-match', '*']]), status: { default: 304, koa: 200 } },
  { name: 'sendFile: a Range is 206', request: get('/file/data.bin', [['range', 'bytes=100-299']]), status: { default: 206, koa: 200 } },
  { name: 'sendFile: an unsatisfiable Range is 416', request: get('/file/hello.txt', [['range', 'bytes=9000-9100']]), status: { default: 416, koa: 200 } },
  { name: 'a file download', request: get('/download'), status: 200 },
  // body parsers and the final error handler
  { name: 'JSON body', request: { method: 'POST', path: '/json', headers: [['content-type', 'application/json']], body: '{"a":[1,2]}' }, status: 200 },
  {
    name: 'malformed JSON is the body parser 400',
    request: { method: 'POST', path: '/json', headers: [['content-type', 'application/json']], body: '{"a":' },
    status: 400,
    sameBody: false,
  },
  {
    name: 'an error thrown in a route is the final handler 500',
    request: get('/boom'),
    status: 500,
    contains: { express5: 'the route failed on purpose', express4: 'the route failed on purpose', fastify: 'the route failed on purpose' },
    excludes: { 'express5-production': 'the route failed', 'express4-production': 'the route failed', koa: 'the route failed' },
    sameBody: false, // a stack trace outside production: its frames differ by target
  },
  // request bodies and methods
  { name: 'a streamed 300 KiB request body', request: { method: 'POST', path: '/upload', headers: [['content-type', 'application/octet-stream']], body: upload }, status: 200 },
  {
    name: 'a body on GET reaches the app',
    request: {
      method: 'GET',
      path: '/upload',
      headers: [
        ['content-type', 'application/octet-stream'],
        ['content-length', '16'],
      ],
      body: 'payload on a GET',
    },
    status: 200,
    needs: ['get-body'],
  },
  { name: 'TRACE reaches the app', request: { method: 'TRACE', path: '/method' }, status: 200, needs: ['trace'] },
];

export interface FrameworkSuiteOptions {
  /** Features the runner cannot carry; cases that need them are skipped, and say why. */
  lacks?: FrameworkFeature[];
  /** Cases this runner cannot carry, by name, with the reason. */
  skip?: Readonly<Record<string, string>>;
  /** false: the runner is never created (a component it needs is missing, and its tests are skipped). */
  enabled?: boolean;
}

const expectedStatus = (testCase: FrameworkCase, framework: FrameworkName): number => {
  const status = testCase.status;
  if (typeof status === 'number') return status;
  return status[framework] ?? status[framework.replace('-production', '') as FrameworkName] ?? status.default;
};

/** Registers the framework battery for one app through one runner. */
export function frameworkSuite(target: string, framework: FrameworkName, createRunner: (app: NodeListener) => Promise<Runner> | Runner, options: FrameworkSuiteOptions = {}): void {
  const unknown = Object.keys(options.skip ?? {}).filter((caseName) => !frameworkCases.some((testCase) => testCase.name === caseName));
  if (unknown.length > 0) throw new Error(`frameworkSuite(${JSON.stringify(target)}): skip names no case of the battery: ${unknown.map((n) => JSON.stringify(n)).join(', ')}`);
  describe(`framework battery: ${framework} on ${target}`, () => {
    let runner: Runner;
    let native: Server;
    let nativeOrigin: string;
    beforeAll(async () => {
      if (options.enabled === false) return;
      const app = await createFrameworkApp(framework);
      native = createServer(app as never);
      await new Promise<void>((resolve) => native.listen(0, '127.0.0.1', resolve));
      nativeOrigin = `http://127.0.0.1:${(native.address() as AddressInfo).port}`;
      runner = await createRunner(app);
    });
    afterAll(async () => {
      await runner?.close?.();
      if (native) await new Promise((resolve) => native.close(resolve));
    });
    for (const testCase of frameworkCases) {
      const missing = (testCase.needs ?? []).filter((feature) => options.lacks?.includes(feature));
      const reason = options.skip?.[testCase.name] ?? (missing.length > 0 ? `the runner lacks ${missing.join(', ')}` : undefined);
      if (reason !== undefined) {
        it.skip(`${testCase.name} (skipped: ${reason})`, () => {});
        continue;
      }
      it(testCase.name, async () => {
        const expected = await send(nativeOrigin, testCase.request.path, testCase.request);
        const actual = await runner.deliver(testCase.request);
        expect(frameworkProblems(testCase, framework, expected, actual), `${testCase.name}: ${framework} through ${runner.name}`).toEqual([]);
      });
    }
  });
}

/** The differences between the answer through a target and node:http's; none when equal. */
export function frameworkProblems(testCase: FrameworkCase, framework: FrameworkName, expected: CaseResponse, actual: CaseResponse): string[] {
  const problems: string[] = [];
  const status = expectedStatus(testCase, framework);
  if (expected.status !== status) problems.push(`node:http itself answered ${expected.status}, the case says ${framework} answers ${status}`);
  if (actual.status !== expected.status) problems.push(`status: node:http ${expected.status}, got ${actual.status}`);
  for (const name of comparedHeaders) {
    const want = expected.headers.get(name);
    const got = actual.headers.get(name);
    if (want !== got) problems.push(`header ${name}: node:http ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  const body = Buffer.from(actual.body);
  if ((testCase.sameBody ?? true) && testCase.request.method !== 'HEAD' && withoutStack(body) !== withoutStack(Buffer.from(expected.body))) {
    problems.push(`body: node:http ${preview(expected.body)}, got ${preview(actual.body)}`);
  }
  if (testCase.request.method === 'HEAD' && body.byteLength > 0) problems.push(`HEAD answer has a body of ${body.byteLength} bytes`);
  const text = body.toString('utf8');
  const must = testCase.contains?.[framework];
  if (must !== undefined && !text.includes(must)) problems.push(`body should contain ${JSON.stringify(must)}: ${preview(actual.body)}`);
  const mustNot = testCase.excludes?.[framework];
  if (mustNot !== undefined && text.includes(mustNot)) problems.push(`body must not contain ${JSON.stringify(mustNot)}: ${preview(actual.body)}`);
  return problems;
}

/**
 * Express's error page outside production shows the error's stack, whose frames differ between a
 * bundle and the sources: compare it without the frames (the error line stays).
 */
function withoutStack(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/(<br> &nbsp; &nbsp;at [^<]*)+(?=<\/pre>)/, '');
}

function preview(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes);
  const printable = buffer.every((b) => b === 10 || b === 13 || (b >= 32 && b < 127));
  return `${bytes.byteLength} bytes ${printable ? JSON.stringify(buffer.toString('latin1').slice(0, 160)) : buffer.subarray(0, 16).toString('hex')}`;
}
