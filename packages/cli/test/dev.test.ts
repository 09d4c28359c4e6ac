/**
 * `adapt dev` on a project in a temp folder: change the source and see the new answer on the same
 * socket; a request in flight during the swap finishes on the old version; a broken change keeps the
 * last good version serving and reports the error in the terminal, in a header and on HTML pages.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '@adapt/conformance/http';
import { CliProcess, tempProject, type TempProject } from './helpers.js';

const version = (name: string, extra = '') => `import { defineApp } from '@adapt/core';
const g = globalThis as { releaseSlow?: () => void; setups?: string[]; teardowns?: string[] };

export default defineApp({
  setup() {
    (g.setups ??= []).push('${name}');
  },
  teardown() {
    (g.teardowns ??= []).push('${name}');
  },
  fetch(request, context) {
    const url = new URL(request.url);
    if (url.pathname === '/env') return new Response(String(context.env.GREETING));
    if (url.pathname === '/slow') {
      // Answers at once with a first chunk, and finishes only when released.
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('slow request started on ${name};'));
          g.releaseSlow = () => {
            controller.enqueue(new TextEncoder().encode(' finished on ${name}'));
            controller.close();
          };
        },
      });
      return new Response(body);
    }
    if (url.pathname === '/release') {
      g.releaseSlow?.();
      return new Response('released by ${name}');
    }
    if (url.pathname === '/lifecycle') return Response.json({ setups: g.setups, teardowns: g.teardowns });
    if (url.pathname === '/page') return new Response('<h1>page ${name}</h1>', { headers: { 'content-type': 'text/html; charset=utf-8' } });
    return new Response('hello from ${name}${extra}');
  },
});
`;

async function text(origin: string, path: string, headers: Array<[string, string]> = []) {
  const answer = await send(origin, path, { headers });
  return { status: answer.status, headers: answer.headers, body: Buffer.from(answer.body).toString('utf8') };
}

async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  let last: T | undefined;
  while (Date.now() - started < timeoutMs) {
    last = await probe();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

describe('adapt dev', () => {
  let project: TempProject;
  let dev: CliProcess;
  let origin: string;

  beforeAll(async () => {
    project = tempProject(
      {
        'package.json': JSON.stringify({ name: 'dev-app', type: 'module' }),
        'adapt.config.mjs': "export default { env: { GREETING: 'hello' }, stages: { local: { env: { GREETING: 'hello from local' } } } };\n",
        'src/app.ts': version('v1'),
      },
      { linkModules: true },
    );
    dev = new CliProcess(['dev', '--port', '0', '--json', '--stage', 'local'], { cwd: project.dir });
    [, origin] = await dev.waitFor(/"url": "(http:\/\/[^"]+)"/);
  });

  afterAll(async () => {
    await dev?.stop();
    project?.remove();
  });

  it('serves the app', async () => {
    expect(await text(origin, '/')).toMatchObject({ status: 200, body: 'hello from v1' });
    expect(JSON.parse(dev.stdout)).toMatchObject({ ok: true, url: origin, stage: 'local' });
    expect((await text(origin, '/env')).body).toBe('hello from local');
  });

  it('swaps to a new version on change; the request in flight finishes on the old one', async () => {
    // A request that v1 is still answering.
    const slow = new Promise<{ first: string; whole: Promise<string> }>((resolve, reject) => {
      const url = new URL('/slow', origin);
      httpRequest({ host: url.hostname, port: url.port, path: url.pathname, agent: false }, (res: IncomingMessage) => {
        let body = '';
        res.setEncoding('utf8');
        const whole = new Promise<string>((done) => res.on('end', () => done(body)));
        res.once('data', (chunk: string) => {
          body += chunk;
          res.on('data', (more: string) => (body += more));
          resolve({ first: chunk, whole });
        });
      })
        .once('error', reject)
        .end();
    });
    const { first, whole } = await slow;
    expect(first).toBe('slow request started on v1;');

    project.write('src/app.ts', version('v2'));
    await until(
      () => text(origin, '/'),
      (answer) => answer.body === 'hello from v2',
      'version 2',
    );

    // v2 releases the request that v1 accepted: it ends on v1, over its own socket.
    expect((await text(origin, '/release')).body).toBe('released by v2');
    expect(await whole).toBe('slow request started on v1; finished on v1');
    // v2 ran its setup before serving; v1 tore down once its last request was done.
    const lifecycle = await until(
      async () => JSON.parse((await text(origin, '/lifecycle')).body) as { setups: string[]; teardowns?: string[] },
      (value) => value.teardowns?.includes('v1') === true,
      'teardown of v1',
    );
    expect(lifecycle.setups).toEqual(['v1', 'v2']);
    expect(dev.stderr).toMatch(/rebuilt in \d+ ms; serving version 2/);
  });

  it('keeps the last good version serving while the source is broken, and reports the error', async () => {
    project.write('src/app.ts', version('v3').replace("return new Response('hello from v3');", "return new Response('hello from v3' +);"));
    await dev.waitFor(/build failed after \d+ ms; the last good version keeps serving/);
    expect(dev.stderr).toMatch(/\[ERROR\] Unexpected "\)"\n\s+src\/app\.ts:33:41:\n/);

    const answer = await text(origin, '/');
    expect(answer.body).toBe('hello from v2');
    expect(answer.headers.get('x-adapt-build-error')).toBe('src/app.ts:33:41: Unexpected ")"');

    const page = await text(origin, '/page', [['accept', 'text/html']]);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/^<h1>page v2<\/h1>\n<div id="adapt-build-error"/);
    expect(page.body).toContain('the latest change does not build; this page comes from the last good version');
    expect(page.body).toContain('Unexpected &#34;)&#34;');

    // A module that throws while loading is reported the same way.
    project.write('src/app.ts', `throw new Error('config missing');\n${version('v3')}`);
    await dev.waitFor(/the new version failed to start; the last good version keeps serving:\n.*Error: config missing/);
    expect((await text(origin, '/')).body).toBe('hello from v2');

    project.write('src/app.ts', version('v4'));
    const fixed = await until(
      () => text(origin, '/'),
      (value) => value.body === 'hello from v4',
      'version 4',
    );
    expect(fixed.headers.get('x-adapt-build-error')).toBeNull();
    expect((await text(origin, '/page', [['accept', 'text/html']])).body).toBe('<h1>page v4</h1>');
  });

  it('drops no request while versions swap under load', async () => {
    let stop = false;
    const bodies: string[] = [];
    const failures: string[] = [];
    const client = async () => {
      while (!stop) {
        try {
          const answer = await text(origin, '/');
          if (answer.status === 200) bodies.push(answer.body);
          else failures.push(`${answer.status} ${answer.body}`);
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    for (const name of ['v5', 'v6', 'v7']) {
      project.write('src/app.ts', version(name));
      await until(
        () => text(origin, '/'),
        (answer) => answer.body === `hello from ${name}`,
        name,
      );
    }
    stop = true;
    await Promise.all(clients);
    expect(failures).toEqual([]);
    expect(bodies.length).toBeGreaterThan(20);
    expect(bodies.filter((body) => !/^hello from v[4-7]$/.test(body))).toEqual([]);
    expect(bodies.at(-1)).toBe('hello from v7');
  });

  it('stops on SIGTERM with exit code 0 and removes its build folder', async () => {
    expect(await dev.stop('SIGTERM')).toBe(0);
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${project.dir}/.adapt/dev`)).toBe(false);
  });
});

describe('adapt dev on a port that is taken', () => {
  it('fails with exit code 1 and says how to pick another', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const project = tempProject({ 'src/app.ts': 'export default () => new Response("ok");\n' }, { linkModules: true });
    try {
      const { runCli } = await import('./helpers.js');
      const run = await runCli(['dev', '--port', String(port)], { cwd: project.dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`error: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`);
      expect(run.stderr).toContain(`port ${port} is taken; pass --port 0 for any free port, or another number`);
    } finally {
      blocker.close();
      project.remove();
    }
  });
});

describe('adapt dev when the first build fails', () => {
  it('serves the build error as a page until the source builds', async () => {
    const project = tempProject({ 'src/app.ts': 'export default { fetch() { return new Response("ok" }; };\n' }, { linkModules: true });
    const dev = new CliProcess(['dev', '--port', '0'], { cwd: project.dir });
    try {
      const [, origin] = await dev.waitFor(/adapt dev (http:\/\/\S+)/);
      expect(dev.stderr).toContain('nothing to serve until it builds');
      const page = await text(origin, '/', [['accept', 'text/html,application/xhtml+xml']]);
      expect(page.status).toBe(500);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('adapt dev: the app does not build');
      expect(page.body).toMatch(/\[ERROR\] Expected &#34;\)&#34; but found &#34;}&#34;\n\s+src\/app\.ts:1:52:/);
      const plain = await text(origin, '/');
      expect(plain.body).toMatch(/^adapt dev: the app does not build yet:/);

      project.write('src/app.ts', 'export default { fetch() { return new Response("ok"); } };\n');
      await until(
        () => text(origin, '/'),
        (value) => value.status === 200 && value.body === 'ok',
        'the fixed build',
      );
    } finally {
      await dev.stop();
      project.remove();
    }
  });
});
