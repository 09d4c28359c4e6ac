/**
 * `adapt build|start|invoke --target gcf|appengine` on a project in a temp folder, through the real
 * CLI: what the build folders hold (package.json for Google's buildpack, app.yaml with static
 * handlers, .gcloudignore), a zip that is the same bytes for the same input, the build running under
 * the real functions-framework and as App Engine runs it, one request through `adapt invoke`, and
 * `adapt deploy --dry-run --json` against the local Google API server.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { zipEntrySizes } from '@adapt/lambda/target';
import { CliProcess, runCli, tempProject, type TempProject } from '../../cli/test/helpers.js';
import { functionsFrameworkVersion } from '../src/tooling/index.js';
import { GoogleApi } from './google-api/server.js';

const app = `export default {
  async fetch(request: Request, context: { platform: string; remoteAddress?: string }) {
    const url = new URL(request.url);
    return Response.json({ path: url.pathname, platform: context.platform, service: process.env.GAE_SERVICE ?? process.env.K_SERVICE, gaeEnv: process.env.GAE_ENV ?? null, greeting: process.env.GREETING ?? null });
  },
};
`;

let project: TempProject;
beforeAll(async () => {
  project = tempProject(
    {
      'package.json': JSON.stringify({ name: 'shop', type: 'module' }),
      'adapt.config.mjs':
        "export default { static: 'public', targets: { gcf: { region: 'europe-west1', env: { GREETING: 'hi' } }, appengine: { instanceClass: 'F2', scaling: { maxInstances: 3 }, env: { GREETING: 'hello' } } } };\n",
      'src/app.ts': app,
      'public/robots.txt': 'User-agent: *\n',
      'public/img/logo.svg': '<svg/>',
    },
    { linkModules: true },
  );
  for (const target of ['gcf', 'appengine']) {
    const build = await runCli(['build', '--target', target], { cwd: project.dir });
    if (build.code !== 0) throw new Error(`adapt build --target ${target} failed:\n${build.stdout}\n${build.stderr}`);
  }
}, 120_000);
afterAll(() => project?.remove());

const read = (file: string) => readFileSync(path.join(project.dir, file), 'utf8');

describe('adapt build', { timeout: 60_000 }, () => {
  test('gcf: package.json fits the buildpack (main, engines, no build step), functions-framework pinned; the zip holds the folder', () => {
    expect(JSON.parse(read('.adapt/gcf/package.json'))).toEqual({
      name: 'shop-dev',
      private: true,
      type: 'module',
      main: 'index.mjs',
      engines: { node: '24.x' },
      scripts: { 'gcp-build': '' },
      dependencies: { '@google-cloud/functions-framework': functionsFrameworkVersion },
    });
    const root = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { devDependencies: Record<string, string> };
    expect(root.devDependencies['@google-cloud/functions-framework']).toBe(functionsFrameworkVersion);
    expect(read('.adapt/gcf/index.mjs')).toMatch(/export\s*\{[^}]*\badapt\b[^}]*\}/);
    const zip = readFileSync(path.join(project.dir, '.adapt/gcf/source.zip'));
    expect(zipEntrySizes(zip).map((entry) => entry.name)).toEqual(['index.mjs', 'package.json']);
  });

  test('the same input gives the same zip bytes', async () => {
    const before = readFileSync(path.join(project.dir, '.adapt/gcf/source.zip'));
    const again = await runCli(['build', '--target', 'gcf', '--out', '.adapt/gcf-again'], { cwd: project.dir });
    expect(again.code).toBe(0);
    expect(readFileSync(path.join(project.dir, '.adapt/gcf-again/source.zip')).equals(before)).toBe(true);
  });

  test('appengine: package.json with start, app.yaml from the config with static handlers, .gcloudignore', () => {
    expect(JSON.parse(read('.adapt/appengine/package.json'))).toMatchObject({
      main: 'server.mjs',
      scripts: { start: 'node server.mjs', 'gcp-build': '' },
      engines: { node: '24.x' },
    });
    expect(read('.adapt/appengine/app.yaml')).toBe(
      [
        'runtime: nodejs24',
        'service: default',
        'instance_class: F2',
        'entrypoint: npm start',
        'automatic_scaling:',
        '  max_instances: 3',
        'inbound_services:',
        '  - warmup',
        'env_variables:',
        '  GREETING: "hello"',
        'handlers:',
        '  - url: "/img"',
        '    static_dir: "static/img"',
        '    secure: always',
        '  - url: "/robots.txt"',
        '    static_files: "static/robots.txt"',
        '    upload: "static/robots\\\\.txt"',
        '    secure: always',
        '  - url: "/.*"',
        '    script: auto',
        '    secure: always',
        '',
      ].join('\n'),
    );
    expect(read('.adapt/appengine/.gcloudignore').split('\n')).toContain('node_modules/');
    expect(read('.adapt/appengine/static/robots.txt')).toBe('User-agent: *\n');
  });
});

async function started(target: string): Promise<{ origin: string; cli: CliProcess }> {
  const cli = new CliProcess(['start', '--target', target, '--port', '0'], { cwd: project.dir });
  const [, origin] = await cli.waitFor(/listening on (http:\/\/\S+)/, 60_000);
  return { origin: origin!, cli };
}

describe('adapt start and invoke', { timeout: 90_000 }, () => {
  test('gcf runs under the real functions-framework, with the env and K_SERVICE', async () => {
    const { origin, cli } = await started('gcf');
    try {
      const answer = await fetch(`${origin}/hello`);
      expect(await answer.json()).toEqual({ path: '/hello', platform: 'gcf', service: 'shop-dev', gaeEnv: null, greeting: 'hi' });
      // functions-framework answers these itself, before the function (see README)
      expect((await fetch(`${origin}/favicon.ico`)).status).toBe(404);
    } finally {
      await cli.stop();
    }
  });

  test('appengine runs `npm start` with PORT and the GAE_* variables', async () => {
    const { origin, cli } = await started('appengine');
    try {
      const answer = await fetch(`${origin}/x`);
      expect(await answer.json()).toEqual({ path: '/x', platform: 'app-engine', service: 'default', gaeEnv: 'standard', greeting: 'hello' });
      expect((await fetch(`${origin}/_ah/warmup`)).status).toBe(200);
    } finally {
      await cli.stop();
    }
  });

  test('adapt invoke --target gcf --path sends one request through the built function', async () => {
    const result = await runCli(['invoke', '--target', 'gcf', '--path', '/one', '--json'], { cwd: project.dir });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { response: { status: number; body: string } };
    expect(printed.response.status).toBe(200);
    expect(JSON.parse(printed.response.body)).toMatchObject({ path: '/one', platform: 'gcf' });
  });
});

describe('adapt deploy --dry-run --json through the CLI', { timeout: 60_000 }, () => {
  test('prints the plan and every call as one JSON document; nothing is changed', async () => {
    const api = new GoogleApi();
    const origin = await api.start();
    try {
      const adc = path.join(project.dir, 'adc.json');
      writeFileSync(adc, JSON.stringify({ type: 'authorized_user', client_id: 'c', client_secret: 's', refresh_token: 'r' }));
      project.write('adapt.config.mjs', `export default { targets: { gcf: { region: 'europe-west1', project: 'adapt-test-project', apiEndpoint: '${origin}' } } };\n`);
      const result = await runCli(['deploy', '--target', 'gcf', '--dry-run', '--json'], {
        cwd: project.dir,
        env: { GOOGLE_APPLICATION_CREDENTIALS: adc, METADATA_SERVER_DETECTION: 'none' },
      });
      expect(result.code).toBe(0);
      const printed = JSON.parse(result.stdout) as { action: string; dryRun: boolean; calls: { call: string }[] };
      expect(printed).toMatchObject({ target: 'gcf', action: 'create', dryRun: true });
      // a first deploy is public: the new function's service gets allUsers as invoker
      expect(printed.calls.map((call) => call.call)).toEqual(['GetFunction', 'GenerateUploadUrl', 'PUT signed URL', 'CreateFunction', 'GetOperation', 'SetIamPolicy (Cloud Run)']);
      expect(api.callLines()).toEqual([
        'GET /v2/projects/adapt-test-project/locations/europe-west1/functions/shop-dev',
        // no tasks: no tasks function left behind; no schedules declared: no job to remove
        'GET /v2/projects/adapt-test-project/locations/europe-west1/functions/shop-dev-tasks',
        'GET /v1/projects/adapt-test-project/locations/europe-west1/jobs',
      ]);
    } finally {
      await api.stop();
    }
  });
});
