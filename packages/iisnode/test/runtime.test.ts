/**
 * What iisnode adds, through the real build of an app with top-level await, loaded with require()
 * of index.cjs: promoted server variables (forged ones lose, unpromoted ones are never believed,
 * none reaches the app as a header), the client address, the virtual directory, streaming and the
 * app's own error answers; and a PORT that is no pipe, socket or port.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, text } from '@adapt/conformance/http';
import { buildIisnode, makeProject, runAsIisnode, type RunningBuild } from './helpers/build.js';

const probe = fileURLToPath(new URL('./fixtures/probe/app.mjs', import.meta.url));
const cleanup: string[] = [];

async function start(targetSettings: Record<string, unknown>): Promise<{ running: RunningBuild; out: string }> {
  const project = makeProject({ entry: probe, targets: { iisnode: targetSettings } });
  const out = await buildIisnode(project);
  cleanup.push(project, out);
  return { running: await runAsIisnode(out), out };
}

async function get(running: RunningBuild, path: string, headers: Array<[string, string]> = []) {
  const response = await send('http://localhost', path, { headers, socketPath: running.socketPath });
  return { ...response, json: () => JSON.parse(text(response.body)) };
}

afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

describe('iisnode with promoteServerVars and enableXFF', () => {
  let running: RunningBuild;
  beforeAll(async () => {
    ({ running } = await start({ basePath: '/app', enableXFF: true, promoteServerVars: ['AUTH_USER', 'AUTH_TYPE'] }));
  });
  afterAll(() => running?.stop());

  it('the app with top-level await starts through require() of the shim', async () => {
    const body = (await get(running, '/app/')).json();
    expect(body).toMatchObject({ startedAt: 'after top-level await', platform: 'iisnode', path: '/' });
  });

  it('takes the last value of a promoted variable, believes no unpromoted one, and hides every x-iisnode-* header', async () => {
    const body = (
      await get(running, '/app/who', [
        ['X-iisnode-AUTH_USER', 'forged'],
        ['X-iisnode-REMOTE_ADDR', '6.6.6.6'],
        ['x-iisnode-anything', 'forged'],
        ['Accept', 'text/plain'],
        ['X-iisnode-AUTH_TYPE', 'Negotiate'],
        ['X-iisnode-AUTH_USER', 'CONTOSO\\ada'],
      ])
    ).json();
    expect(body.serverVariables).toEqual({ AUTH_USER: 'CONTOSO\\ada', AUTH_TYPE: 'Negotiate' });
    expect(body.rawServerVariables).toEqual(body.serverVariables);
    expect(body.headers.filter(([name]: [string]) => name.startsWith('x-iisnode'))).toEqual([]);
    expect(body.headers).toContainEqual(['accept', 'text/plain']);
    expect(body.remoteAddress).toBeNull(); // no X-Forwarded-For, and a socket has no address
  });

  it('the client is the last X-Forwarded-For entry (the one iisnode appends)', async () => {
    const body = (await get(running, '/app/who', [['X-Forwarded-For', '6.6.6.6, 7.7.7.7, 203.0.113.7']])).json();
    expect(body.remoteAddress).toBe('203.0.113.7');
  });

  it.each([
    ['/APP/Items?x=1', '/Items?x=1'],
    ['/App/items', '/items'],
    ['/app', '/'],
    ['/app/', '/'],
    ['/app?q=1', '/?q=1'],
  ])('%s reaches the app as %s', async (path, expected) => {
    expect((await get(running, path)).json().path).toBe(expected);
  });

  it.each(['/', '/application', '/other/app/x', '/ap'])('%s, outside the virtual directory, is a 404 from adapt and the process keeps serving', async (path) => {
    const response = await get(running, path);
    expect(response.status).toBe(404);
    expect(text(response.body)).toBe('Not Found: this application serves /app/ only\n');
    expect((await get(running, '/app/')).status).toBe(200);
  });

  it('streams the body as the app produces it, and passes the app own error answer through', async () => {
    const stream = await get(running, '/app/stream');
    expect(stream.headers.get('transfer-encoding')).toBe('chunked');
    expect(text(stream.body)).toBe('chunk 0\nchunk 1\nchunk 2\n');
    const failed = await get(running, '/app/fail');
    expect([failed.status, text(failed.body)]).toEqual([503, 'the app says no\n']);
  });
});

describe('iisnode without promotion or enableXFF', () => {
  let running: RunningBuild;
  beforeAll(async () => {
    ({ running } = await start({}));
  });
  afterAll(() => running?.stop());

  it('ignores forged x-iisnode-* headers and X-Forwarded-For, and still hides them', async () => {
    const body = (
      await get(running, '/who', [
        ['X-iisnode-AUTH_USER', 'forged'],
        ['X-iisnode-REMOTE_ADDR', '6.6.6.6'],
        ['X-Forwarded-For', '6.6.6.6'],
      ])
    ).json();
    expect(body.serverVariables).toEqual({});
    expect(body.remoteAddress).toBeNull();
    expect(body.headers.filter(([name]: [string]) => name.startsWith('x-iisnode'))).toEqual([]);
    expect(body.path).toBe('/who');
  });
});

describe('iisnode behind one more proxy that appends (trustProxy: 2)', () => {
  let running: RunningBuild;
  beforeAll(async () => {
    ({ running } = await start({ enableXFF: true, trustProxy: 2 }));
  });
  afterAll(() => running?.stop());

  it('the client is the entry before the front end, its port dropped', async () => {
    const body = (await get(running, '/who', [['X-Forwarded-For', '6.6.6.6, 203.0.113.9:50123, 10.0.0.4']])).json();
    expect(body.remoteAddress).toBe('203.0.113.9');
  });
});

describe('a PORT that is neither a named pipe, a socket path nor a port', () => {
  let out: string;
  beforeAll(async () => {
    const project = makeProject({ entry: probe });
    out = await buildIisnode(project);
    cleanup.push(project, out);
  });

  it('the bundle itself cannot be require()d (top-level await), which is why the shim exists', () => {
    const interceptor = fileURLToPath(new URL('./fixtures/interceptor.cjs', import.meta.url));
    const result = spawnSync(process.execPath, [interceptor, join(out, 'server.mjs')], { env: { ...process.env, PORT: '0' }, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/ERR_REQUIRE_ASYNC_MODULE|ERR_REQUIRE_ESM/);
  });

  it.each(['localhost:80', 'pipe-without-prefix', '70000'])('PORT=%s stops the process at startup with the value named', (port) => {
    const interceptor = fileURLToPath(new URL('./fixtures/interceptor.cjs', import.meta.url));
    const result = spawnSync(process.execPath, [interceptor, join(out, 'index.cjs')], { env: { ...process.env, PORT: port }, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`environment variable PORT is ${JSON.stringify(port)}, which is neither a named pipe`);
  });
});
