/**
 * `adapt start --target iisnode`: the build run as IIS would (index.cjs require()d, a unix socket
 * in PORT, the stand-in for IIS in front on --port): the battery through it under /app, and what
 * the app sees of the stand-in's X-Forwarded-For and promoted variables.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceSuite } from '@adapt/conformance';
import { send, text } from '@adapt/conformance/http';
import { buildIisnode, cliBin, makeProject, repoRoot } from './helpers/build.js';

async function adaptStart(project: string, out: string): Promise<{ child: ChildProcess; origin: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [cliBin, 'start', '--target', 'iisnode', '--out', out, '--port', '0', '--host', '127.0.0.1'], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /IIS stand-in listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`adapt start exited (${code}):\n${output}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    child,
    origin: new URL(url).origin,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

conformanceSuite('iisnode (adapt start: require()d index.cjs on a unix socket, IIS stand-in in front, under /app)', async () => {
  const project = makeProject({
    entry: join(repoRoot, 'test/conformance/src/app.ts'),
    targets: { iisnode: { basePath: '/app', enableXFF: true, promoteServerVars: ['REMOTE_ADDR', 'HTTPS'] } },
  });
  const out = await buildIisnode(project);
  const started = await adaptStart(project, out);
  return {
    name: 'iisnode (adapt start)',
    deliver: (request) => send(started.origin, `/app${request.path === '/' ? '' : request.path}`, request),
    close: async () => {
      await started.stop();
      rmSync(out, { recursive: true, force: true });
      rmSync(project, { recursive: true, force: true });
    },
  };
});

describe('adapt start --target iisnode', () => {
  let started: Awaited<ReturnType<typeof adaptStart>>;
  let dirs: string[] = [];
  beforeAll(async () => {
    const project = makeProject({
      entry: fileURLToPath(new URL('./fixtures/probe/app.mjs', import.meta.url)),
      targets: { iisnode: { basePath: '/app', enableXFF: true, promoteServerVars: ['REMOTE_ADDR', 'SERVER_PROTOCOL'] } },
    });
    const out = await buildIisnode(project);
    dirs = [project, out];
    started = await adaptStart(project, out);
  });
  afterAll(async () => {
    await started?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('the app sees the client as IIS reports it, its promoted variables and no forged one', async () => {
    const response = await send(started.origin, '/App/who', {
      headers: [
        ['X-iisnode-REMOTE_ADDR', '6.6.6.6'],
        ['X-Forwarded-For', '6.6.6.6'],
      ],
    });
    const body = JSON.parse(text(response.body));
    expect(body).toMatchObject({
      startedAt: 'after top-level await',
      path: '/who',
      remoteAddress: '127.0.0.1',
      serverVariables: { REMOTE_ADDR: '127.0.0.1', SERVER_PROTOCOL: 'HTTP/1.1' },
    });
    expect(body.headers).toContainEqual(['x-forwarded-for', '6.6.6.6, 127.0.0.1']);
  });
});
