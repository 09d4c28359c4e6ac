/**
 * Pieces of the AWS side that need no AWS endpoint: the smoke test's GET over a real socket, the
 * error a user without the AWS SDK gets (the SDK hidden from a child process by a resolve hook),
 * and the one line adapt prints instead of the SDK's Node-support warning.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { smokeUrl } from '../src/tooling/deploy/smoke.js';
import { sdkNodeNotice } from '../src/tooling/aws.js';

describe('smoke test through the URL', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/fail') res.writeHead(503).end('down');
      else if (req.url === '/moved') res.writeHead(302, { location: '/fail' }).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('a 2xx passes', async () => {
    expect(await smokeUrl(fetch, base, '/')).toEqual({ ok: true, via: 'url', status: 200 });
  });

  test('a 5xx fails and names the URL and status', async () => {
    expect(await smokeUrl(fetch, base, '/fail')).toEqual({ ok: false, via: 'url', reason: `GET ${base}/fail answered 503` });
  });

  test('a redirect is an answer, not followed', async () => {
    expect(await smokeUrl(fetch, base, '/moved')).toEqual({ ok: true, via: 'url', status: 302 });
  });

  test('no server fails with the cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const outcome = await smokeUrl(fetch, `http://127.0.0.1:${port}`, '/');
    expect(outcome).toMatchObject({ ok: false, via: 'url' });
    expect(outcome.ok === false && outcome.reason).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/ failed: fetch failed \(ECONNREFUSED\)$/);
  });
});

test('without the AWS SDK installed, deploy says what to install', () => {
  const aws = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/tooling/aws.js')).href;
  const hook = `export async function resolve(specifier, context, next) {
    if (specifier.startsWith('@aws-sdk/')) { const e = new Error("Cannot find package '" + specifier + "'"); e.code = 'ERR_MODULE_NOT_FOUND'; throw e; }
    return next(specifier, context);
  }`;
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
    const { loadSdks } = await import(${JSON.stringify(aws)});
    try { await loadSdks(); console.log('loaded'); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, hint: e.hint })); }
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(JSON.parse(out)).toEqual({
    code: 'SDK_MISSING',
    message: 'Deploying to Lambda needs @aws-sdk/client-lambda, which is not installed.',
    hint: 'Install it beside adapt: npm install --save-dev @aws-sdk/client-lambda @aws-sdk/client-iam',
  });
});

test('without @aws-sdk/client-scheduler, an app with schedules is told what to install; one without deploys as before', () => {
  const schedules = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/tooling/deploy/schedules.js')).href;
  const hook = `export async function resolve(specifier, context, next) {
    if (specifier === '@aws-sdk/client-scheduler') { const e = new Error("Cannot find package '" + specifier + "'"); e.code = 'ERR_MODULE_NOT_FOUND'; throw e; }
    return next(specifier, context);
  }`;
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
    const { loadScheduler } = await import(${JSON.stringify(schedules)});
    const clients = { region: 'us-east-1', endpoint: undefined };
    console.log(JSON.stringify(await loadScheduler(clients, false) ?? 'absent, not needed'));
    try { await loadScheduler(clients, true); console.log('loaded'); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, hint: e.hint })); }
  `;
  const [notNeeded, needed] = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim().split('\n');
  expect(JSON.parse(notNeeded as string)).toBe('absent, not needed');
  expect(JSON.parse(needed as string)).toEqual({
    code: 'SDK_MISSING',
    message: 'The app declares schedules, and deploying them needs @aws-sdk/client-scheduler, which is not installed.',
    hint: 'Install it beside adapt: npm install --save-dev @aws-sdk/client-scheduler (nothing was changed)',
  });
});

describe("the SDK's Node-support warning", () => {
  const aws = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/tooling/aws.js')).href;
  /** Makes real clients in a child (as deploy does) and returns what it printed. */
  function makeClients(knob: string | undefined): { stdout: string; stderr: string } {
    const script = `
      const { createAwsClients } = await import(${JSON.stringify(aws)});
      const clients = await createAwsClients({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }, { warn: (line) => console.log('warn: ' + line) });
      clients.lambda.destroy();
      clients.iam.destroy();
    `;
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };
    if (knob !== undefined) env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = knob;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env });
    expect(child.status, child.stderr).toBe(0);
    return { stdout: child.stdout, stderr: child.stderr };
  }
  const oldNode = Number(process.versions.node.split('.')[0]) < 22;

  test('adapt prints one line of its own instead, on a Node the SDK will drop', () => {
    const { stdout, stderr } = makeClients(undefined);
    expect(stderr).not.toContain('NodeVersionSupportWarning');
    expect(stdout.trim().split('\n').filter(Boolean)).toEqual(oldNode ? [`warn: ${sdkNodeNotice()}`] : []);
  });

  test.runIf(oldNode)('the SDK would print its own 8 lines here (what the line replaces)', () => {
    expect(makeClients('false').stderr).toContain('NodeVersionSupportWarning');
  });

  test('the line says what stops working and when; Node 22 and 24 get none', () => {
    expect(sdkNodeNotice('20.19.0')).toBe(
      'Node 20.19.0: AWS SDK for JavaScript releases after the first week of January 2027 need Node 22 or newer, ' +
        'so from then on adapt deploy works here only with the SDK versions installed now. Run adapt on Node 22 or 24.',
    );
    expect(sdkNodeNotice('22.12.0')).toBeUndefined();
    expect(sdkNodeNotice('24.1.0')).toBeUndefined();
  });
});
