/**
 * `adapt start --target lambda` and `adapt dev --target lambda` on a project in a temp folder, over
 * real HTTP: the function's timeout (504, then a fresh runtime serves the next request), its
 * memory (--max-old-space-size of the runtime process) and env, function errors (502), the event
 * source of --source, bad flags, a missing build, and --runtime-api under the real aws-lambda-ric.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { send } from '@adapt/conformance/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireComponent, ricPackageDir } from '../../../test/components.js';
import { CliProcess, runCli, tempProject, type TempProject } from './helpers.js';

const app = `export default {
  async fetch(request: Request, context: { platform: string; raw: any }): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/slow') {
      await new Promise((resolve) => setTimeout(resolve, 5000));
      return new Response('too late');
    }
    if (url.pathname === '/spin') for (;;);
    if (url.pathname === '/crash') process.exit(3);
    if (url.pathname === '/throw') throw new Error('boom');
    if (url.pathname === '/process') return Response.json({ execArgv: process.execArgv, greeting: process.env.GREETING, memory: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, pid: process.pid });
    const event = context.raw?.event ?? {};
    return Response.json({ path: url.pathname, query: url.search, shape: 'version' in event ? 'v' + event.version : 'httpMethod' in event ? 'v1' : 'other', elb: Boolean(event.requestContext?.elb) });
  },
};
`;

let project: TempProject;
beforeAll(async () => {
  project = tempProject(
    {
      'package.json': JSON.stringify({ name: 'local-fn', type: 'module' }),
      'adapt.config.mjs': "export default { targets: { lambda: { timeout: 1, memory: 256, env: { GREETING: 'hi' } } } };\n",
      'src/app.ts': app,
    },
    { linkModules: true },
  );
  const build = await runCli(['build', '--target', 'lambda'], { cwd: project.dir });
  if (build.code !== 0) throw new Error(`adapt build failed:\n${build.stdout}\n${build.stderr}`);
});
afterAll(() => project?.remove());

async function started(args: string[], cwd = project.dir): Promise<{ origin: string; process: CliProcess }> {
  const cli = new CliProcess(args, { cwd });
  const [, origin] = await cli.waitFor(/listening on (http:\/\/\S+)|adapt dev (http:\/\/\S+)/).then((match) => [match[0], match[1] ?? match[2]]);
  return { origin, process: cli };
}

const json = async (origin: string, path: string) => {
  const answer = await send(origin, path);
  return { status: answer.status, body: Buffer.from(answer.body).toString('utf8') };
};

describe('adapt start --target lambda', () => {
  it("runs the runtime with the memory and env of the function; an app error is the handler's 500, the runtime keeps serving", async () => {
    const { origin, process: cli } = await started(['start', '--target', 'lambda', '--port', '0']);
    try {
      const first = await json(origin, '/process');
      expect(first.status).toBe(200);
      const info = JSON.parse(first.body);
      expect(info).toMatchObject({ greeting: 'hi', memory: '256' });
      expect(info.execArgv).toContain('--max-old-space-size=256');
      expect((await json(origin, '/throw')).status).toBe(500);
      expect(cli.stderr).toContain('boom');
      const again = JSON.parse((await json(origin, '/process')).body);
      expect(again.pid).toBe(info.pid);
      expect(JSON.parse((await json(origin, '/a?b=1')).body)).toEqual({ path: '/a', query: '?b=1', shape: 'v2.0', elb: false });
    } finally {
      await cli.stop();
    }
  });

  it("answers 504 after the timeout (the handler's own, or the front's when the handler cannot answer) and serves the next request from a fresh runtime; a crash is a 502", async () => {
    const { origin, process: cli } = await started(['start', '--target', 'lambda', '--port', '0']);
    try {
      // the handler's deadline answers just before the function's timeout
      expect((await json(origin, '/slow')).status).toBe(504);
      const before = JSON.parse((await json(origin, '/process')).body).pid;
      // a blocked event loop cannot answer: the front's timeout does, and the runtime is replaced
      expect(await json(origin, '/spin')).toEqual({ status: 504, body: '{"message":"Endpoint request timed out"}' });
      expect(cli.stderr).toContain('Task timed out after 1.00 seconds');
      const after = JSON.parse((await json(origin, '/process')).body).pid;
      expect(after).not.toBe(before);
      expect(await json(origin, '/crash')).toEqual({ status: 502, body: '{"message":"Internal Server Error"}' });
      expect((await json(origin, '/process')).status).toBe(200);
    } finally {
      await cli.stop();
    }
  });

  it('--source picks the event shape', async () => {
    for (const [source, shape, elb] of [
      ['apigw-v1', 'v1', false],
      ['alb', 'v1', true],
      ['lattice-v2', 'v2.0', false],
    ] as const) {
      const { origin, process: cli } = await started(['start', '--target', 'lambda', '--port', '0', '--source', source]);
      try {
        expect(JSON.parse((await json(origin, '/x?y=2')).body)).toEqual({ path: '/x', query: '?y=2', shape, elb });
      } finally {
        await cli.stop();
      }
    }
  });

  it('refuses an unknown --source (exit 2) and a missing build (exit 1), with what to do', async () => {
    const bad = await runCli(['start', '--target', 'lambda', '--source', 'apigw-v3', '--json'], { cwd: project.dir });
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error).toMatchObject({ code: 'USAGE', message: 'unknown --source "apigw-v3"', hint: expect.stringContaining('function-url, apigw-v1') });
    const missing = await runCli(['start', '--target', 'lambda', '--out', 'nowhere'], { cwd: project.dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error: no lambda build in .*nowhere\n {2}build it first: adapt build --target lambda --out nowhere/);
  });

  it('--runtime-api without aws-lambda-ric in the app says how to install it', async () => {
    const bare = tempProject({ 'package.json': JSON.stringify({ name: 'bare', type: 'module' }), 'src/app.ts': app });
    try {
      const built = await runCli(['build', '--target', 'lambda'], { cwd: bare.dir });
      expect(built.code).toBe(0);
      const run = await runCli(['start', '--target', 'lambda', '--runtime-api'], { cwd: bare.dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('error: --runtime-api runs the handler under aws-lambda-ric, which this app does not have installed');
      expect(run.stderr).toContain('npm install --save-dev aws-lambda-ric');
    } finally {
      bare.remove();
    }
  });
});

describe('adapt start --target lambda --runtime-api', () => {
  const ricHere = requireComponent('aws-lambda-ric');
  let withRic: TempProject | undefined;
  beforeAll(async () => {
    if (!ricHere) return;
    // an app with aws-lambda-ric in its node_modules, as `npm install --save-dev aws-lambda-ric` leaves it
    withRic = tempProject({
      'package.json': JSON.stringify({ name: 'ric-fn', type: 'module' }),
      'adapt.config.mjs': 'export default { targets: { lambda: { timeout: 5, memory: 256 } } };\n',
      'src/app.ts': app,
    });
    mkdirSync(join(withRic.dir, 'node_modules'), { recursive: true });
    symlinkSync(ricPackageDir, join(withRic.dir, 'node_modules', 'aws-lambda-ric'), 'dir');
    const build = await runCli(['build', '--target', 'lambda'], { cwd: withRic.dir });
    if (build.code !== 0) throw new Error(`adapt build failed:\n${build.stdout}\n${build.stderr}`);
  });
  afterAll(() => withRic?.remove());

  it('runs the handler under the real aws-lambda-ric, with the memory of the function', async () => {
    const { origin, process: cli } = await started(['start', '--target', 'lambda', '--port', '0', '--runtime-api', '--source', 'apigw-v2'], withRic!.dir);
    try {
      expect(cli.stdout).toContain('aws-lambda-ric');
      expect(JSON.parse((await json(origin, '/a?b=1')).body)).toEqual({ path: '/a', query: '?b=1', shape: 'v2.0', elb: false });
      expect((await json(origin, '/throw')).status).toBe(500);
      const info = JSON.parse((await json(origin, '/process')).body);
      expect(info.execArgv).toContain('--max-old-space-size=256');
      expect(await json(origin, '/crash')).toEqual({ status: 502, body: '{"message":"Internal Server Error"}' });
      expect((await json(origin, '/process')).status).toBe(200);
    } finally {
      await cli.stop();
    }
  });
});

describe('adapt dev --target lambda', () => {
  it('serves each request as the event of --source, in process', async () => {
    const { origin, process: cli } = await started(['dev', '--target', 'lambda', '--port', '0', '--source', 'alb']);
    try {
      expect(JSON.parse((await json(origin, '/x?y=2')).body)).toEqual({ path: '/x', query: '?y=2', shape: 'v1', elb: true });
      expect((await json(origin, '/throw')).status).toBe(500);
      expect((await json(origin, '/slow')).status).toBe(504);
    } finally {
      await cli.stop();
    }
  });

  it('streams when targets.lambda.streaming is on; a non-Function-URL source is refused for it', async () => {
    const streaming = tempProject(
      {
        'package.json': JSON.stringify({ name: 'stream-fn', type: 'module' }),
        'adapt.config.mjs': 'export default { targets: { lambda: { streaming: true } } };\n',
        'src/app.ts':
          "export default { fetch: () => new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('one,')); setTimeout(() => { c.enqueue(new TextEncoder().encode('two')); c.close(); }, 50); } }), { status: 201, headers: { 'x-kind': 'streamed' } }) };\n",
      },
      { linkModules: true },
    );
    const { origin, process: cli } = await started(['dev', '--target', 'lambda', '--port', '0'], streaming.dir);
    try {
      const answer = await send(origin, '/');
      expect([answer.status, answer.headers.get('x-kind'), Buffer.from(answer.body).toString()]).toEqual([201, 'streamed', 'one,two']);
      const refused = await runCli(['dev', '--target', 'lambda', '--source', 'alb'], { cwd: streaming.dir });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('only a Function URL streams');
    } finally {
      await cli.stop();
      streaming.remove();
    }
  });

  it('refuses an unknown --source', async () => {
    const run = await runCli(['dev', '--target', 'lambda', '--source', 'nope'], { cwd: project.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: unknown --source "nope"');
  });
});
