/**
 * The cold path on a real bundle: the common app (test/cold-path/app.mjs) and a Hono app, bundled
 * with esbuild as `adapt build` does (the lightweight web classes injected as the bundle's own
 * bindings), answer their events in a fresh Node process that never loads undici, nor node:vm; an
 * app that reads formData() does load undici (the check's control). Bundled without the injection
 * (what a build with external packages does), the run-time install answers the same.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const coldPath = join(here, '../../../test/cold-path');
const dir = mkdtempSync(join(tmpdir(), 'adapt-cold-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hono = `
import { Hono } from 'hono';
const app = new Hono();
app.get('/headers', (c) => { c.header('x-seen', c.req.header('user-agent')); return c.text('agent ' + c.req.header('user-agent')); });
app.post('/json', async (c) => c.json({ got: await c.req.json() }, 201));
app.get('/redirect', (c) => c.redirect('https://example.com/next'));
export default app;
`;

async function bundle(name: string, appSource: string, { inject = true } = {}): Promise<string> {
  const file = join(dir, `${name}${inject ? '' : '-uninjected'}.mjs`);
  await build({
    stdin: {
      contents: `${appSource}\nimport { toLambdaHandler } from '@adapt/lambda/buffered';\nexport const handler = toLambdaHandler(app);\n`,
      resolveDir: here,
    },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: file,
    inject: inject ? ['@adapt/lambda/bundle-globals'] : undefined,
    logLevel: 'silent',
  });
  return file;
}

interface Run {
  results: Array<{ statusCode: number; headers: Record<string, string>; cookies?: string[]; body: string }>;
  undici: boolean;
  /** Whether Node's web streams were loaded (reading the ReadableStream global does that: a few ms at a cold start). */
  webStreams: boolean;
  /** Whether node:vm was loaded (the run-time install of the lightweight globals declares them with it). */
  vm: boolean;
}

/** Imports the bundle in a fresh process, sends the events one by one, says whether undici was loaded. */
function runFresh(file: string, events: Array<{ method: string; path: string; body?: string; type?: string }>, env: Record<string, string> = {}): Run {
  const script = `
    import { undiciLoaded } from ${JSON.stringify(pathToFileURL(join(coldPath, 'undici.mjs')).href)};
    const { handler } = await import(${JSON.stringify(pathToFileURL(file).href)});
    const results = [];
    for (const e of ${JSON.stringify(events)}) {
      results.push(await handler({
        version: '2.0', routeKey: '$default', rawPath: e.path, rawQueryString: 'q=1',
        headers: { host: 'cold.test', 'user-agent': 'cold', 'content-type': e.type ?? 'text/plain' },
        body: e.body, isBase64Encoded: false,
        requestContext: { domainName: 'cold.test', stage: '$default', http: { method: e.method, path: e.path, sourceIp: '192.0.2.1' } },
      }, { getRemainingTimeInMillis: () => 30000 }));
    }
    console.log(JSON.stringify({ results, undici: undiciLoaded(), webStreams: process.moduleLoadList.includes('NativeModule internal/webstreams/readablestream'), vm: process.moduleLoadList.includes('NativeModule vm') }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (child.status !== 0) throw new Error(`the bundle failed in a fresh process:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!);
}

describe('a Lambda bundle on the cold path', () => {
  it('answers the common app without loading undici', async () => {
    const file = await bundle('common', `import app from ${JSON.stringify(join(coldPath, 'app.mjs'))};`);
    const run = runFresh(file, [
      { method: 'GET', path: '/headers' },
      { method: 'POST', path: '/json', body: '{"a":[1,2]}', type: 'application/json' },
      { method: 'POST', path: '/text', body: 'shout' },
      { method: 'POST', path: '/bytes', body: 'four' },
      { method: 'GET', path: '/redirect' },
      { method: 'GET', path: '/undici' },
    ]);
    const [headers, json, text, bytes, redirect, undici] = run.results;
    expect(headers.statusCode).toBe(200);
    expect(headers.body).toBe('agent cold entries 3 query 1');
    expect(headers.cookies).toEqual(['a=1', 'b=2']);
    expect(headers.headers).toMatchObject({ 'x-seen': 'content-type host user-agent', 'x-has-agent': 'true', 'content-type': 'text/plain;charset=UTF-8' });
    expect([json.statusCode, json.headers['content-type'], json.body]).toEqual([201, 'application/json', '{"got":{"a":[1,2]}}']);
    expect([text.headers['content-type'], Buffer.from(text.body, 'base64').toString()]).toEqual(['application/octet-stream', 'SHOUT']);
    expect([bytes.statusCode, bytes.body]).toEqual([202, '4 bytes']);
    expect([redirect.statusCode, redirect.headers.location]).toEqual([302, 'https://example.com/next']);
    expect(JSON.parse(undici.body)).toEqual({ loaded: false });
    expect(run.undici).toBe(false);
    expect(run.vm).toBe(false);
  });

  it('answers the same through the run-time install when the classes are not injected (node:vm declares them)', async () => {
    const file = await bundle('common', `import app from ${JSON.stringify(join(coldPath, 'app.mjs'))};`, { inject: false });
    const run = runFresh(file, [
      { method: 'GET', path: '/headers' },
      { method: 'POST', path: '/json', body: '{"a":[1,2]}', type: 'application/json' },
      { method: 'GET', path: '/undici' },
    ]);
    expect(run.results[0].body).toBe('agent cold entries 3 query 1');
    expect(run.results[0].cookies).toEqual(['a=1', 'b=2']);
    expect(run.results[1].body).toBe('{"got":{"a":[1,2]}}');
    expect(JSON.parse(run.results[2].body)).toEqual({ loaded: false });
    expect(run.undici).toBe(false);
    expect(run.vm).toBe(true);
  });

  it('binds the bare names to the lightweight classes; once undici loads, the global properties are the same classes', async () => {
    const identity = `
const app = { async fetch(request) {
  const path = new URL(request.url).pathname;
  const seen = {
    names: [Headers.name, Request.name, Response.name, fetch.name],
    instances: [new Response('x') instanceof Response, new Headers() instanceof Headers, request instanceof Request, Response.json(1) instanceof Response],
  };
  if (path === '/after') {
    await new Response('a=1', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }).formData();
    seen.globals = [globalThis.Headers === Headers, globalThis.Request === Request, globalThis.Response === Response, globalThis.fetch === fetch];
    const standard = Object.getPrototypeOf(Response);
    seen.standard = [standard.name, new standard('y') instanceof Response];
  }
  return Response.json(seen);
} };`;
    const file = await bundle('identity', identity);
    const run = runFresh(file, [
      { method: 'GET', path: '/before' },
      { method: 'GET', path: '/after' },
    ]);
    const [before, after] = run.results.map((result) => JSON.parse(result.body));
    expect(before).toEqual({ names: ['Headers', 'Request', 'Response', 'fetch'], instances: [true, true, true, true] });
    expect(after.globals).toEqual([true, true, true, true]);
    expect(after.standard).toEqual(['Response', true]);
    expect(run.vm).toBe(false);
  });

  it('answers a Hono app without loading undici', async () => {
    const file = await bundle('hono', hono.replace('export default app;', ''));
    const run = runFresh(file, [
      { method: 'GET', path: '/headers' },
      { method: 'POST', path: '/json', body: '{"a":1}', type: 'application/json' },
      { method: 'GET', path: '/redirect' },
    ]);
    expect(run.results.map((result) => [result.statusCode, result.body])).toEqual([
      [200, 'agent cold'],
      [201, '{"got":{"a":1}}'],
      [302, ''],
    ]);
    expect(run.results[0].headers['x-seen']).toBe('cold');
    expect(run.results[2].headers.location).toBe('https://example.com/next');
    expect(run.undici).toBe(false);
    // no route answers with a stream: Node's web streams stay unloaded too
    expect(run.webStreams).toBe(false);
  });

  it('answers with a string, bytes or no body without loading web streams (HEAD too); a stream body loads them (the check works)', async () => {
    const file = await bundle('common', `import app from ${JSON.stringify(join(coldPath, 'app.mjs'))};`);
    const run = runFresh(file, [
      { method: 'GET', path: '/headers' },
      { method: 'HEAD', path: '/headers' },
      { method: 'POST', path: '/text', body: 'shout' },
      { method: 'GET', path: '/redirect' },
    ]);
    expect(run.results.map((result) => result.statusCode)).toEqual([200, 404, 200, 302]); // (the app has no HEAD route: its 404 body is dropped)
    expect(run.results[1].body).toBe('');
    expect(run.webStreams).toBe(false);
    const streamed = runFresh(file, [{ method: 'POST', path: '/bytes', body: 'four' }]);
    expect([streamed.results[0].statusCode, streamed.results[0].body]).toEqual([202, '4 bytes']);
    expect(streamed.webStreams).toBe(true);
  });

  it('warms the event path up at init under provisioned concurrency, still without undici or web streams', async () => {
    const file = await bundle('common', `import app from ${JSON.stringify(join(coldPath, 'app.mjs'))};`);
    const run = runFresh(file, [{ method: 'GET', path: '/headers' }], { AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency' });
    expect([run.results[0].statusCode, run.results[0].body]).toEqual([200, 'agent cold entries 3 query 1']);
    expect(run.results[0].cookies).toEqual(['a=1', 'b=2']);
    expect(run.undici).toBe(false);
    expect(run.webStreams).toBe(false);
  });

  it('loads undici once the app reads formData() (the check works)', async () => {
    const file = await bundle('common', `import app from ${JSON.stringify(join(coldPath, 'app.mjs'))};`);
    const run = runFresh(file, [{ method: 'POST', path: '/form', body: 'a=x%20y', type: 'application/x-www-form-urlencoded' }]);
    expect(run.results[0].body).toBe('{"a":"x y"}');
    expect(run.undici).toBe(true);
  });
});
