/**
 * adapt deploy / rollback --target iisnode --to azure through the real @azure/identity and
 * @azure/arm-appservice clients, against the local HTTPS server in azure-api/ (Entra's token
 * endpoint, ARM, Kudu). The zip Kudu receives, the app settings ARM keeps and the package the app
 * serves are read back; faults leave the old deployment serving and say what to do next.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdaptConfig, TargetContext, TargetLogger } from '@adapt/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readAppManifest } from '../../cli/src/task-runner.js';
import { readPackage } from '../src/tooling/deploy-azure.js';
import { type AzureRuntime, withAzureRuntime } from '../src/tooling/index.js';
import { AzureApi, type FakeApp } from './azure-api/server.js';
import { buildIisnode, makeProject, runCli } from './helpers/build.js';

const api = new AzureApi();
const credentialEnv = ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'] as const;
const savedEnv = Object.fromEntries(credentialEnv.map((name) => [name, process.env[name]]));
let project: string;
let outOne: string;
let outTwo: string;
let history: string;
let runtime: AzureRuntime;
let app: FakeApp;

const appSource = (greeting: string) => `export default { fetch: () => new Response(${JSON.stringify(greeting)}) };\n`;
const sha = (data: Buffer | undefined) => (data ? createHash('sha256').update(data).digest('hex') : undefined);

function logger(lines: string[]): TargetLogger {
  return {
    info: (message) => lines.push(message),
    warn: (message) => lines.push(message),
    debug: () => undefined,
    step: async (title, run) => {
      lines.push(title);
      return run();
    },
  };
}

function context(outDir: string, lines: string[] = [], azure: Record<string, unknown> = {}): TargetContext {
  const ctx: TargetContext = {
    cwd: project,
    entry: join(project, 'app.mjs'),
    outDir,
    stage: 'prod',
    settings: { azure: { subscription: api.subscription, resourceGroup: 'shop-rg', site: 'shop-web', endpoint: api.origin, ...azure } },
    config: {} as AdaptConfig,
    appName: 'shop',
    production: true,
    log: logger(lines),
    readAppManifest: () => readAppManifest(ctx),
  };
  return ctx;
}

const target = () => withAzureRuntime(runtime);
const deploy = (outDir: string, lines: string[] = [], dryRun = false, azure: Record<string, unknown> = {}) =>
  target().deploy!(context(outDir, lines, azure), { dryRun, to: 'azure' });
const rollback = (lines: string[] = [], dryRun = false) => target().rollback!(context(outOne, lines), { dryRun, to: 'azure' });

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; hint?: string };
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  await api.start();
  app = api.addApp({ resourceGroup: 'shop-rg', site: 'shop-web', appSettings: { PORTAL_SETTING: 'kept', WEBSITE_NODE_DEFAULT_VERSION: '~20' } });
  const azure = { subscription: api.subscription, resourceGroup: 'shop-rg', site: 'shop-web', endpoint: api.origin };
  project = makeProject({ entry: 'app.mjs', targets: { iisnode: { env: { GREETING_SOURCE: 'config' }, azure } } }, { 'app.mjs': appSource('one') });
  outOne = await buildIisnode(project);
  writeFileSync(join(project, 'app.mjs'), appSource('two'));
  outTwo = await buildIisnode(project);
  history = mkdtempSync(join(tmpdir(), 'adapt-azure-history-'));
  runtime = { authorityHost: api.origin, tlsOptions: { ca: api.ca }, pollMs: 1, historyDir: history };
  process.env.AZURE_TENANT_ID = api.tenant;
  process.env.AZURE_CLIENT_ID = api.clientId;
  process.env.AZURE_CLIENT_SECRET = api.clientSecret;
}, 120_000);

afterAll(async () => {
  for (const name of credentialEnv) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
  await api.stop();
  for (const dir of [project, outOne, outTwo, history]) if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  api.calls.length = 0;
  api.faults.length = 0;
});

describe('adapt deploy --target iisnode --to azure', () => {
  it('first deploy: merges the app settings, zip-deploys the build, polls to success', async () => {
    const lines: string[] = [];
    const result = await deploy(outOne, lines);
    const { sha: one } = await readPackage(outOne);
    expect(result).toMatchObject({ target: 'iisnode', to: 'azure', site: 'shop-web', package: one, uploaded: true, changed: true, basicAuth: 'off' });
    expect(sha(api.served(app))).toBe(one);
    expect(app.appSettings).toEqual({ PORTAL_SETTING: 'kept', WEBSITE_NODE_DEFAULT_VERSION: '~24', SCM_DO_BUILD_DURING_DEPLOYMENT: 'false', GREETING_SOURCE: 'config' });
    expect(result.appSettings).toEqual({ changed: ['WEBSITE_NODE_DEFAULT_VERSION', 'GREETING_SOURCE', 'SCM_DO_BUILD_DURING_DEPLOYMENT'] });
    expect(api.callLines()).toEqual([
      'GET /subscriptions/6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b/resourceGroups/shop-rg/providers/Microsoft.Web/sites/shop-web',
      'GET /subscriptions/6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b/resourceGroups/shop-rg/providers/Microsoft.Web/sites/shop-web/basicPublishingCredentialsPolicies/scm',
      'POST /subscriptions/6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b/resourceGroups/shop-rg/providers/Microsoft.Web/sites/shop-web/config/appsettings/list',
      'GET /api/deployments',
      'PUT /subscriptions/6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b/resourceGroups/shop-rg/providers/Microsoft.Web/sites/shop-web/config/appsettings',
      'POST /api/zipdeploy',
      'GET /api/deployments/latest',
      'GET /api/deployments/latest',
      'GET /api/deployments/latest',
    ]);
    // every ARM and Kudu call carried the Entra token
    expect(new Set(api.calls.filter((call) => !call.path.includes(api.tenant)).map((call) => call.auth))).toEqual(new Set(['bearer']));
    expect(app.deployments[0]).toMatchObject({ deployer: 'adapt', message: `adapt sha256:${one} stage prod`, status: 4, active: true });
    expect(lines).toContain('  building: Extracting the zip into wwwroot');
    expect(lines).toContain('  success');
  });

  it('no-change redeploy uploads nothing and sets nothing', async () => {
    const result = await deploy(outOne);
    expect(result).toMatchObject({ uploaded: false, changed: false, appSettings: { changed: [] } });
    expect(api.callLines().filter((line) => line.startsWith('POST /api/zipdeploy') || line.startsWith('PUT '))).toEqual([]);
    expect(api.calls.filter((call) => call.method === 'POST' && call.path === '/api/zipdeploy')).toHaveLength(0);
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    const lines: string[] = [];
    const before = app.deployments.length;
    const result = await deploy(outTwo, lines, true);
    expect(result).toMatchObject({ dryRun: true, uploaded: false, changed: true });
    expect(result.plan).toEqual([
      `app shop-web in shop-rg (Kudu at ${app.scmHost}; SCM basic auth off; signing in with a Microsoft Entra token)`,
      'app settings: unchanged',
      expect.stringMatching(/^upload: POST \/api\/zipdeploy\?isAsync=true, \d+ bytes, sha256 [0-9a-f]{12} \(serving: [0-9a-f]{12}\)$/),
    ]);
    expect(lines).toContain('Dry run: nothing was changed. The plan:');
    expect(app.deployments).toHaveLength(before);
    expect(api.calls.some((call) => call.method === 'PUT' || call.path === '/api/zipdeploy')).toBe(false);
  });

  it('a failed deployment leaves the old one served and shows the Kudu log tail', async () => {
    const { sha: one } = await readPackage(outOne);
    api.nextOutcome = 'failed';
    const error = await failure(deploy(outTwo));
    expect(error.code).toBe('DEPLOY_FAILED');
    expect(error.message).toContain('The app keeps serving its current deployment.');
    expect(error.message).toContain('Error: EPERM: operation not permitted');
    expect(error.hint).toMatch(/\/api\/deployments\/[0-9a-f]+\/log/);
    expect(sha(api.served(app))).toBe(one);
  });

  it('409: a deployment in progress refuses the upload; the old one keeps serving', async () => {
    const { sha: one } = await readPackage(outOne);
    api.faults.push({ match: /^POST \/api\/zipdeploy$/, status: 409, body: 'There is a deployment currently in progress. Please try again when it completes.' });
    const error = await failure(deploy(outTwo));
    expect(error.code).toBe('DEPLOY_IN_PROGRESS');
    expect(error.hint).toContain('wait for it to finish');
    expect(sha(api.served(app))).toBe(one);
  });

  it('a changed redeploy uploads the new package', async () => {
    const { sha: two } = await readPackage(outTwo);
    const { sha: one } = await readPackage(outOne);
    const result = await deploy(outTwo);
    expect(result).toMatchObject({ package: two, previous: one, uploaded: true, appSettings: { changed: [] } });
    expect(sha(api.served(app))).toBe(two);
  });

  it('rollback re-publishes the previous package adapt kept', async () => {
    const { sha: one } = await readPackage(outOne);
    const { sha: two } = await readPackage(outTwo);
    const dry = await rollback([], true);
    expect(dry).toMatchObject({ dryRun: true, package: one, previous: two, uploaded: false });
    expect(sha(api.served(app))).toBe(two);
    const result = await rollback();
    expect(result).toMatchObject({ package: one, previous: two, uploaded: true });
    expect(sha(api.served(app))).toBe(one);
    expect(app.deployments[0]?.message).toBe(`adapt sha256:${one} stage prod rollback from ${two.slice(0, 12)}`);
  });

  it("--list: Kudu's deployments newest first, the active one, adapt's packages and whether each is kept here; reads only", async () => {
    const { sha: one } = await readPackage(outOne);
    const { sha: two } = await readPackage(outTwo);
    const lines: string[] = [];
    const listed = (await target().list!(context(outOne, lines), { to: 'azure' })) as unknown as {
      deployments: { package?: string; status: string; active: boolean; kept?: boolean }[];
    };
    expect(listed).toMatchObject({ target: 'iisnode', to: 'azure', site: 'shop-web' });
    // rollback (one), the changed redeploy (two), the failed one (two), the first deploy (one)
    expect(listed.deployments.map(({ package: sha, status, active, kept }) => ({ sha, status, active, kept }))).toEqual([
      { sha: one, status: 'success', active: true, kept: true },
      { sha: two, status: 'success', active: false, kept: true },
      { sha: two, status: 'failed', active: false, kept: true },
      { sha: one, status: 'success', active: false, kept: true },
    ]);
    expect(api.callLines().length).toBeGreaterThan(0);
    expect(api.callLines().filter((line) => !line.startsWith('GET '))).toEqual([]);
    expect(lines.join('\n')).toContain(`package ${one.slice(0, 12)}`);

    // a stopped site: the list says it serves nothing, not that it will serve a deployment
    app.state = 'Stopped';
    try {
      const stopped: string[] = [];
      await target().list!(context(outOne, stopped), { to: 'azure' });
      expect(stopped).toContain('shop-web is Stopped: it serves nothing until started (az webapp start)');
    } finally {
      app.state = undefined;
    }
  });

  it('401 from Kudu and 403 from ARM say which role is missing', async () => {
    api.faults.push({ match: /^POST \/api\/zipdeploy$/, status: 401, body: 'Unauthorized' });
    const kudu = await failure(deploy(outTwo));
    expect(kudu.code).toBe('AZURE_DENIED');
    expect(kudu.hint).toContain('Website Contributor');
    api.faults.push({
      match: /config\/appsettings\/list$/,
      status: 403,
      body: JSON.stringify({ error: { code: 'AuthorizationFailed', message: 'The client does not have authorization to perform action Microsoft.Web/sites/config/list/action.' } }),
    });
    const arm = await failure(deploy(outTwo));
    expect(arm.code).toBe('AZURE_DENIED');
    expect(arm.message).toContain('AuthorizationFailed');
  });

  it('a site that does not exist is a 404 with what to check', async () => {
    const error = await failure(deploy(outTwo, [], false, { site: 'no-such-app' }));
    expect(error.code).toBe('SITE_NOT_FOUND');
    expect(error.hint).toContain('az webapp list');
  });

  it('a Linux app is refused: iisnode runs on App Service on Windows only', async () => {
    app.kind = 'app,linux';
    try {
      const error = await failure(deploy(outTwo));
      expect(error.code).toBe('SITE_NOT_WINDOWS');
      expect(error.hint).toContain('node target');
      expect(api.callLines().some((line) => line.includes('zipdeploy') || line.startsWith('PUT '))).toBe(false);
    } finally {
      app.kind = 'app';
    }
  });

  it('a deployment that never finishes times out and says where to watch it', async () => {
    api.nextOutcome = 'hang';
    const error = await failure(deploy(outTwo, [], false, { timeout: 1 }));
    expect(error.code).toBe('DEPLOY_TIMEOUT');
    expect(error.hint).toContain('/api/deployments/');
    // let the fake's hanging deployment end, as Kudu's would
    const hanging = app.deployments[0]!;
    hanging.complete = true;
    hanging.status = 3;
  });

  it('basic auth: refused while the site disables it, used when allowed', async () => {
    const off = await failure(deploy(outOne, [], false, { auth: 'basic' }));
    expect(off.code).toBe('BASIC_AUTH_DISABLED');
    expect(off.hint).toContain('basicPublishingCredentialsPolicies');
    app.basicAllowed = true;
    try {
      const result = await deploy(outTwo, [], false, { auth: 'basic' });
      expect(result).toMatchObject({ basicAuth: 'on' });
      expect(api.calls.filter((call) => call.path.startsWith('/api/')).map((call) => call.auth)).toEqual(expect.arrayContaining(['basic']));
      expect(api.calls.filter((call) => call.path.startsWith('/api/')).every((call) => call.auth === 'basic')).toBe(true);
    } finally {
      app.basicAllowed = false;
    }
  });

  it('wrong credentials: no token, nothing called', async () => {
    process.env.AZURE_CLIENT_SECRET = 'wrong';
    try {
      const error = await failure(deploy(outTwo));
      expect(error.code).toBe('NO_CREDENTIALS');
      expect(error.message).toContain('AADSTS7000215');
      expect(error.hint).toContain('az login');
      expect(api.callLines()).toEqual([]);
    } finally {
      process.env.AZURE_CLIENT_SECRET = api.clientSecret;
    }
  });

  it('a slot: its own app settings and its own Kudu host; production untouched', async () => {
    const slot = api.addApp({ resourceGroup: 'shop-rg', site: 'shop-web', slot: 'staging', appSettings: { SLOT_ONLY: 'yes' } });
    const production = sha(api.served(app));
    const productionSettings = { ...app.appSettings };
    const result = await deploy(outOne, [], false, { slot: 'staging' });
    expect(result).toMatchObject({ slot: 'staging', uploaded: true, url: 'https://shop-web-staging.azurewebsites.net' });
    expect(sha(api.served(slot))).toBe(result.package);
    expect(slot.appSettings).toMatchObject({ SLOT_ONLY: 'yes', SCM_DO_BUILD_DURING_DEPLOYMENT: 'false' });
    expect(api.calls.find((call) => call.path === '/api/zipdeploy')?.host).toBe(slot.scmHost);
    expect(api.callLines()).toContain(
      'PUT /subscriptions/6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b/resourceGroups/shop-rg/providers/Microsoft.Web/sites/shop-web/slots/staging/config/appsettings',
    );
    expect(sha(api.served(app))).toBe(production);
    expect(app.appSettings).toEqual(productionSettings);
  });

  it('no credential anywhere: each credential of the chain says why, and how to sign in', async () => {
    for (const name of credentialEnv) delete process.env[name];
    try {
      const error = await failure(deploy(outTwo));
      expect(error.code).toBe('NO_CREDENTIALS');
      expect(error.message).toContain('EnvironmentCredential is unavailable');
      expect(error.message).toContain('ManagedIdentityCredential');
      expect(error.hint).toContain('az login');
      expect(api.callLines()).toEqual([]);
    } finally {
      process.env.AZURE_TENANT_ID = api.tenant;
      process.env.AZURE_CLIENT_ID = api.clientId;
      process.env.AZURE_CLIENT_SECRET = api.clientSecret;
    }
  });

  it('unknown keys under targets.iisnode.azure are refused before any call', async () => {
    const error = await failure(deploy(outTwo, [], false, { sitename: 'x' }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('azure.sitename: unknown key');
    expect(api.calls).toEqual([]);
  });
});

describe('the CLI: adapt deploy|rollback --target iisnode --to azure --json', () => {
  // the CLI process trusts the local server's certificate and finds Entra there, as Azure's tools do
  const env = () => ({
    NODE_EXTRA_CA_CERTS: api.caFile,
    AZURE_AUTHORITY_HOST: api.origin,
    AZURE_TENANT_ID: api.tenant,
    AZURE_CLIENT_ID: api.clientId,
    AZURE_CLIENT_SECRET: api.clientSecret,
  });
  const cli = (args: string[]) => runCli([...args, '--target', 'iisnode', '--to', 'azure', '--json'], project, env());

  it('prints one JSON document: a dry run, a no-change redeploy, a changed deploy, a rollback', async () => {
    const served = sha(api.served(app));
    const dry = await cli(['deploy', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan).toMatchObject({ target: 'iisnode', to: 'azure', dryRun: true, uploaded: false });
    expect(sha(api.served(app))).toBe(served);

    const same = await cli(['deploy']);
    expect(same.code, same.stderr).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ package: served, uploaded: false, changed: false });

    writeFileSync(join(project, 'app.mjs'), appSource('three'));
    const changed = await cli(['deploy']);
    expect(changed.code, changed.stderr).toBe(0);
    const result = JSON.parse(changed.stdout);
    expect(result).toMatchObject({ uploaded: true, previous: served });
    expect(sha(api.served(app))).toBe(result.package);
    expect(changed.stdout).not.toContain('building');

    // the package served before came from another machine (this test's in-process deploys): not kept here
    const notKept = await cli(['rollback']);
    expect(notKept.code).toBe(1);
    expect(JSON.parse(notKept.stdout)).toMatchObject({ ok: false, error: { code: 'PACKAGE_NOT_KEPT' } });

    writeFileSync(join(project, 'app.mjs'), appSource('four'));
    const four = await cli(['deploy']);
    expect(four.code, four.stderr).toBe(0);
    expect(JSON.parse(four.stdout)).toMatchObject({ uploaded: true, previous: result.package });

    const back = await cli(['rollback']);
    expect(back.code, back.stderr).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ package: result.package, uploaded: true });
    expect(sha(api.served(app))).toBe(result.package);
  }, 180_000);

  it('a 409 is an error document with the hint, exit code 1', async () => {
    api.faults.push({ match: /^POST \/api\/zipdeploy$/, status: 409, body: 'There is a deployment currently in progress. Please try again when it completes.' });
    writeFileSync(join(project, 'app.mjs'), appSource('five'));
    const failed = await cli(['deploy']);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ ok: false, error: { code: 'DEPLOY_IN_PROGRESS' } });
  }, 120_000);
});
