/** `adapt invoke` hands --path or --event to the target's invoke() and prints what it answers. */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempProject } from './helpers.js';

const project = tempProject(
  {
    'package.json': JSON.stringify({ name: 'invoked', type: 'module' }),
    'src/app.ts': `export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    return Response.json({ method: request.method, path: url.pathname, q: url.searchParams.get('q') });
  },
};
`,
  },
  { linkModules: true },
);
afterAll(() => project.remove());

describe('adapt invoke --target lambda', () => {
  beforeAll(async () => {
    const build = await runCli(['build', '--target', 'lambda'], { cwd: project.dir });
    expect(build.code, build.stderr).toBe(0);
  });

  it('--path builds a request and prints the platform result and the HTTP answer', async () => {
    const run = await runCli(['invoke', '--target', 'lambda', '--path', '/items?q=1', '-X', 'post'], { cwd: project.dir });
    expect(run.code, run.stderr).toBe(0);
    const [resultPart, responsePart] = run.stdout.split('\n\nthe HTTP response it stands for:\n');
    expect(JSON.parse(resultPart.replace(/^result \(what the platform receives\):\n/, ''))).toMatchObject({ statusCode: 200, isBase64Encoded: false });
    expect(responsePart).toMatch(/^HTTP 200\n/);
    expect(JSON.parse(responsePart.split('\n\n')[1])).toEqual({ method: 'POST', path: '/items', q: '1' });
  });

  it('--event runs a platform event file, and --json prints the result and the response', async () => {
    const event = join(project.dir, 'event.json');
    writeFileSync(
      event,
      JSON.stringify({
        version: '2.0',
        routeKey: '$default',
        rawPath: '/from-event',
        rawQueryString: 'q=e',
        headers: { host: 'api.example' },
        requestContext: {
          http: { method: 'GET', path: '/from-event', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1' },
          domainName: 'api.example',
          requestId: 'r1',
          stage: '$default',
          timeEpoch: 0,
        },
        isBase64Encoded: false,
      }),
    );
    const run = await runCli(['invoke', '--target', 'lambda', '--event', 'event.json', '--json'], { cwd: project.dir });
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document.ok).toBe(true);
    expect(document.result.statusCode).toBe(200);
    expect(document.response.status).toBe(200);
    expect(JSON.parse(document.response.body)).toEqual({ method: 'GET', path: '/from-event', q: 'e' });
  });

  it('a missing event file is a usage error', async () => {
    const run = await runCli(['invoke', '--target', 'lambda', '--event', 'nope.json'], { cwd: project.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: event file nope.json does not exist');
  });
});

describe('adapt invoke --target node', () => {
  it('says which targets can invoke', async () => {
    const run = await runCli(['invoke', '--target', 'node', '--path', '/'], { cwd: project.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: target node cannot invoke; targets that can: .*lambda/);
    // the hint names the first that can, in name order (appengine and gcf come from @adapt/gcf)
    expect(run.stderr).toMatch(/run: adapt invoke --target (appengine|gcf|lambda)\n/);
  });
});

describe('adapt deploy builds first', () => {
  const noAws = {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_ENDPOINT_URL: undefined,
    AWS_REGION: 'eu-west-1',
    AWS_SHARED_CREDENTIALS_FILE: join(project.dir, 'no-credentials'),
    AWS_CONFIG_FILE: join(project.dir, 'no-config'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };

  it('rebuilds .adapt/lambda before talking to AWS; --no-build does not', async () => {
    rmSync(join(project.dir, '.adapt'), { recursive: true, force: true });
    const skipped = await runCli(['deploy', '--target', 'lambda', '--dry-run', '--no-build'], { cwd: project.dir, env: noAws });
    expect(skipped.code).toBe(1);
    expect(existsSync(join(project.dir, '.adapt/lambda/function.zip'))).toBe(false);

    const run = await runCli(['deploy', '--target', 'lambda', '--dry-run'], { cwd: project.dir, env: noAws });
    expect(existsSync(join(project.dir, '.adapt/lambda/function.zip'))).toBe(true);
    // no credentials: a clear error after the local build, before any call to AWS
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/credentials/i);
  });
});
