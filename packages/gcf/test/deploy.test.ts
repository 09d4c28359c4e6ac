/**
 * `adapt deploy|rollback --target gcf|appengine` through Google's real client libraries (REST
 * transport) against the local server in google-api/, with a fake Application Default Credentials
 * file whose token endpoint that server answers. Each call, the uploaded zip's bytes and the state
 * read back are checked; faults leave the old revision serving and say what to do next.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { isAdaptError, type AdaptConfig, type TargetContext, type TargetLogger } from '@adapt/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAppEngineTarget, createGcfTarget, type GoogleRuntime } from '../src/tooling/index.js';
import { cloudLocationOf } from '../src/tooling/deploy-appengine.js';
import { runCli, tempProject, type TempProject } from '../../cli/test/helpers.js';
import { readAppManifest } from '../../cli/src/task-runner.js';
import { GoogleApi } from './google-api/server.js';

const appSource = (greeting: string) => `export default { fetch: () => new Response(${JSON.stringify(greeting)}) };\n`;
const project = 'adapt-test-project';
const region = 'europe-west1';

let dir: TempProject;
let api: GoogleApi;
let runtime: GoogleRuntime;
const savedEnv = { ...process.env };

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

function context(out: string, settings: Record<string, unknown>, lines: string[] = []): TargetContext {
  const context: TargetContext = {
    cwd: dir.dir,
    entry: path.join(dir.dir, 'src/app.ts'),
    outDir: path.join(dir.dir, out),
    stage: 'dev',
    settings: { project, ...settings },
    config: {} as AdaptConfig,
    appName: 'shop',
    production: true,
    log: logger(lines),
    readAppManifest: () => readAppManifest(context),
  };
  return context;
}

async function build(target: string, out: string, greeting: string): Promise<void> {
  dir.write('src/app.ts', appSource(greeting));
  const result = await runCli(['build', '--target', target, '--out', out], { cwd: dir.dir });
  if (result.code !== 0) throw new Error(`adapt build failed:\n${result.stdout}\n${result.stderr}`);
}

const zipOf = (out: string) => readFileSync(path.join(dir.dir, out, 'source.zip'));
const sha40 = (data: Buffer) => createHash('sha256').update(data).digest('hex').slice(0, 40);

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; hint?: string };
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  dir = tempProject(
    {
      'package.json': JSON.stringify({ name: 'shop', type: 'module' }),
      'adapt.config.mjs': `export default { targets: { gcf: { region: '${region}' } } };\n`,
      'src/app.ts': appSource('one'),
    },
    { linkModules: true },
  );
  await build('gcf', '.adapt/gcf-one', 'one');
  await build('gcf', '.adapt/gcf-two', 'two');
  await build('appengine', '.adapt/ae-one', 'one');
  await build('appengine', '.adapt/ae-two', 'two');
  api = new GoogleApi();
  const origin = await api.start();
  const adc = path.join(dir.dir, 'adc.json');
  writeFileSync(adc, JSON.stringify({ type: 'authorized_user', client_id: 'test-client', client_secret: 'test-secret', refresh_token: 'test-refresh' }));
  process.env.GOOGLE_APPLICATION_CREDENTIALS = adc;
  process.env.METADATA_SERVER_DETECTION = 'none';
  delete process.env.GOOGLE_CLOUD_PROJECT;
  runtime = { apiEndpoint: origin, pollMs: 5, historyDir: path.join(dir.dir, '.adapt/history') };
}, 120_000);

afterAll(async () => {
  process.env = savedEnv;
  await api?.stop();
  dir?.remove();
});

const fnName = `projects/${project}/locations/${region}/functions/shop-dev`;
const runService = `projects/${project}/locations/${region}/services/shop-dev`;

describe('adapt deploy --target gcf', { timeout: 60_000 }, () => {
  const target = () => createGcfTarget(runtime);

  test('a first deploy uploads the zip to the signed URL, creates the function and follows the operation', async () => {
    const lines: string[] = [];
    api.calls.length = 0;
    const result = await target().deploy!(context('.adapt/gcf-one', { region }, lines), { dryRun: false });
    expect(api.callLines()).toEqual([
      `GET /v2/${fnName}`,
      `POST /v2/projects/${project}/locations/${region}/functions:generateUploadUrl`,
      'PUT /signed-upload/upload-1.zip',
      `POST /v2/projects/${project}/locations/${region}/functions`,
      `GET /v2/projects/${project}/locations/${region}/operations/op-2`,
      // public by default: allUsers gets the invoker role on the function's Cloud Run service
      `GET /v2/${runService}:getIamPolicy`,
      `POST /v2/${runService}:setIamPolicy`,
      // no tasks: no tasks function left behind by an earlier deploy; no schedules: no job to remove
      `GET /v2/${fnName}-tasks`,
      `GET /v1/projects/${project}/locations/${region}/jobs`,
    ]);
    expect(api.runPolicies.get(runService)!.bindings).toEqual([{ role: 'roles/run.invoker', members: ['allUsers'] }]);
    expect(api.uploads.get('upload-1.zip')!.equals(zipOf('.adapt/gcf-one'))).toBe(true);
    const fn = api.functions.get(fnName)!;
    expect(fn.buildConfig).toMatchObject({ runtime: 'nodejs24', entryPoint: 'adapt', source: { storageSource: { bucket: 'gcf-v2-uploads-test', object: 'upload-1.zip' } } });
    expect(fn.serviceConfig).toMatchObject({ availableMemory: '256Mi', timeoutSeconds: 60 });
    expect(fn.labels['adapt-source']).toBe(sha40(zipOf('.adapt/gcf-one')));
    expect(result).toMatchObject({ action: 'create', uploaded: true, url: `https://${region}-${project}.cloudfunctions.net/shop-dev`, public: true });
    expect(lines).toContain(`URL: https://${region}-${project}.cloudfunctions.net/shop-dev`);
    // the operation's stages as it reports them: when it was accepted, and when it was done
    expect(lines.filter((line) => line.startsWith('  BUILD'))).toEqual(['  BUILD: IN_PROGRESS', '  BUILD: COMPLETE, SERVICE: COMPLETE']);
  });

  test('the same build again uploads nothing and creates no revision', async () => {
    api.calls.length = 0;
    const result = await target().deploy!(context('.adapt/gcf-one', { region }), { dryRun: false });
    expect(api.callLines()).toEqual([`GET /v2/${fnName}`, `GET /v2/${runService}:getIamPolicy`, `GET /v2/${fnName}-tasks`, `GET /v1/projects/${project}/locations/${region}/jobs`]);
    expect(api.revisions.get(fnName)).toBe(1);
    expect(result).toMatchObject({ action: 'none', uploaded: false, public: true });
  });

  test('public: false alone takes allUsers off (no new revision, other members kept); true again puts it back', async () => {
    const policy = api.runPolicies.get(runService)!;
    policy.bindings = [
      { role: 'roles/run.invoker', members: ['allUsers', 'serviceAccount:caller@test.iam.gserviceaccount.com'] },
      { role: 'roles/run.developer', members: ['user:dev@example.com'] },
    ];
    api.calls.length = 0;
    const lines: string[] = [];
    const dry = (await target().deploy!(context('.adapt/gcf-one', { region, public: false }, lines), { dryRun: true })) as unknown as {
      calls: { call: string }[];
      public: boolean;
    };
    expect(dry.calls.map((call) => call.call)).toEqual(['GetFunction', 'GetIamPolicy (Cloud Run)', 'SetIamPolicy (Cloud Run)']);
    expect(dry.public).toBe(true); // as it is now: the dry run changed nothing
    expect(api.callLines()).toEqual([`GET /v2/${fnName}`, `GET /v2/${runService}:getIamPolicy`, `GET /v2/${fnName}-tasks`, `GET /v1/projects/${project}/locations/${region}/jobs`]);
    const result = await target().deploy!(context('.adapt/gcf-one', { region, public: false }, lines), { dryRun: false });
    expect(result).toMatchObject({ action: 'none', public: false });
    expect(api.runPolicies.get(runService)!.bindings).toEqual([
      { role: 'roles/run.invoker', members: ['serviceAccount:caller@test.iam.gserviceaccount.com'] },
      { role: 'roles/run.developer', members: ['user:dev@example.com'] },
    ]);
    expect(api.revisions.get(fnName)).toBe(1);
    await target().deploy!(context('.adapt/gcf-one', { region }), { dryRun: false });
    expect(api.runPolicies.get(runService)!.bindings![0]).toEqual({ role: 'roles/run.invoker', members: ['serviceAccount:caller@test.iam.gserviceaccount.com', 'allUsers'] });
  });

  test('an organization policy that forbids allUsers: the error says the function is deployed, and what to do', async () => {
    const policy = api.runPolicies.get(runService)!;
    policy.bindings = [];
    api.faults.push({
      match: /setIamPolicy$/,
      status: 400,
      grpcStatus: 'FAILED_PRECONDITION',
      message: 'One or more users named in the policy do not belong to a permitted customer.',
    });
    const error = await failure(target().deploy!(context('.adapt/gcf-one', { region }), { dryRun: false }));
    expect(isAdaptError(error)).toBe(true);
    expect(error.code).toBe('GOOGLE_DENIED');
    expect(error.message).toMatch(/Could not give allUsers roles\/run\.invoker on .*services\/shop-dev.*The function itself is deployed and serving/);
    expect(error.hint).toMatch(/iam\.allowedPolicyMemberDomains.*public: false/);
    expect(api.faults).toEqual([]);
    // the next deploy, the rule lifted, makes it public
    await target().deploy!(context('.adapt/gcf-one', { region }), { dryRun: false });
    expect(api.runPolicies.get(runService)!.bindings).toEqual([{ role: 'roles/run.invoker', members: ['allUsers'] }]);
  });

  test('--dry-run lists the plan and every call, and changes nothing', async () => {
    api.calls.length = 0;
    const lines: string[] = [];
    const result = (await target().deploy!(context('.adapt/gcf-two', { region, memory: 512 }, lines), { dryRun: true })) as unknown as {
      calls: { call: string }[];
      changes: string[];
    };
    expect(result.calls.map((call) => call.call)).toEqual(['GetFunction', 'GenerateUploadUrl', 'PUT signed URL', 'UpdateFunction', 'GetOperation', 'GetIamPolicy (Cloud Run)']);
    expect(result.changes).toEqual(['memory: 256Mi -> 512Mi']);
    expect(api.callLines()).toEqual([`GET /v2/${fnName}`, `GET /v2/${runService}:getIamPolicy`, `GET /v2/${fnName}-tasks`, `GET /v1/projects/${project}/locations/${region}/jobs`]);
    expect(lines.some((line) => line.startsWith('Dry run'))).toBe(true);
  });

  const faults: [string, () => void, string, RegExp][] = [
    [
      'an expired upload URL (403 from the PUT)',
      () => api.faults.push({ match: /^PUT \/signed-upload/, status: 403, grpcStatus: 'PERMISSION_DENIED', message: 'Request has expired' }),
      'UPLOAD_EXPIRED',
      /fresh URL/,
    ],
    ['a failed operation', () => (api.failNextOperation = { code: 3, message: 'Build failed: npm ERR!' }), 'GOOGLE_ERROR', /Fix the cause/],
    [
      'a 409',
      () => api.faults.push({ match: /^PATCH \/v2\//, status: 409, grpcStatus: 'ABORTED', message: 'An operation on function shop-dev is already in progress' }),
      'GOOGLE_CONFLICT',
      /wait for it to finish/,
    ],
    [
      'a quota error (429 RESOURCE_EXHAUSTED)',
      () => api.faults.push({ match: /^PATCH \/v2\//, status: 429, grpcStatus: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded for write requests' }),
      'GOOGLE_QUOTA',
      /Quotas/,
    ],
  ];
  test.each(faults)('%s: the old revision keeps serving and the error says what to do next', async (_name, arm, code, hint) => {
    arm();
    const before = structuredClone(api.functions.get(fnName));
    const error = await failure(target().deploy!(context('.adapt/gcf-two', { region }), { dryRun: false }));
    expect(isAdaptError(error)).toBe(true);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/keeps serving its current revision/);
    expect(error.hint).toMatch(hint);
    expect(api.functions.get(fnName)).toEqual(before);
    expect(api.revisions.get(fnName)).toBe(1);
    expect(api.faults).toEqual([]);
    expect(api.failNextOperation).toBeUndefined();
  });

  test('a new build updates the function; rollback redeploys the previous source, labelled', async () => {
    api.calls.length = 0;
    const result = await target().deploy!(context('.adapt/gcf-two', { region }), { dryRun: false });
    expect(result).toMatchObject({ action: 'update', uploaded: true });
    const patch = api.calls.find((call) => call.method === 'PATCH')!;
    expect(patch.query.updateMask!.split(',')).toContain('buildConfig.source');
    const two = sha40(zipOf('.adapt/gcf-two'));
    const one = sha40(zipOf('.adapt/gcf-one'));
    expect(api.functions.get(fnName)!.labels).toMatchObject({ 'adapt-source': two, 'adapt-previous': one });
    expect(api.revisions.get(fnName)).toBe(2);

    api.calls.length = 0;
    const dry = (await target().rollback!(context('.adapt/gcf-two', { region }), { dryRun: true })) as unknown as { calls: unknown[] };
    expect(dry.calls).toHaveLength(4);
    expect(api.callLines()).toEqual([`GET /v2/${fnName}`]);

    api.calls.length = 0;
    const rolled = await target().rollback!(context('.adapt/gcf-two', { region }), { dryRun: false });
    expect(rolled).toMatchObject({ source: one, uploaded: true });
    const put = api.calls.find((call) => call.method === 'PUT')!;
    expect((put.body as Buffer).equals(zipOf('.adapt/gcf-one'))).toBe(true);
    expect(api.functions.get(fnName)!.labels).toMatchObject({ 'adapt-source': one, 'adapt-previous': two });
    expect(api.revisions.get(fnName)).toBe(3);
  });

  test('--list: the source it runs, the previous one and whether rollback can redeploy it; reads only', async () => {
    api.calls.length = 0;
    const lines: string[] = [];
    const listed = await target().list!(context('.adapt/gcf-two', { region }, lines), {});
    const one = sha40(zipOf('.adapt/gcf-one'));
    const two = sha40(zipOf('.adapt/gcf-two'));
    expect(listed).toMatchObject({
      target: 'gcf',
      functionName: 'shop-dev',
      state: 'ACTIVE',
      source: one,
      previous: two,
      previousKept: true,
      revision: 'shop-dev-00003-xyz',
      url: expect.stringMatching(/^https:\/\//),
    });
    expect(Date.parse(String(listed.updateTime))).not.toBeNaN();
    expect(listed.schedules).toEqual([]);
    expect(api.callLines()).toEqual([`GET /v2/${fnName}`, `GET /v1/projects/${project}/locations/${region}/jobs`]);
    expect(lines.join('\n')).toContain(`previous  ${two} (kept here: adapt rollback redeploys it)`);

    // deployed from another machine: the previous source is not kept here, and the list says so
    const elsewhere = await createGcfTarget({ ...runtime, historyDir: path.join(dir.dir, '.adapt/empty-history') }).list!(context('.adapt/gcf-two', { region }, lines), {});
    expect(elsewhere).toMatchObject({ previous: two, previousKept: false });
  });

  test('--list of a function that does not exist says to deploy first', async () => {
    const error = await failure(target().list!({ ...context('.adapt/gcf-two', { region }), stage: 'qa' }, {}));
    expect(error).toMatchObject({ code: 'FUNCTION_NOT_FOUND', hint: 'Deploy first: adapt deploy --target gcf --stage qa' });
  });
});

describe('bad input is refused before any call', { timeout: 30_000 }, () => {
  const cases: [string, Record<string, unknown>, RegExp, RegExp][] = [
    ['a region Google does not have', { region: 'europe-west99' }, /no region "europe-west99"/, /us-central1/],
    ['a function name Google would refuse', { region, name: '1-bad_name-' }, /would refuse the function name/, /targets\.gcf\.name/],
    ['a decommissioned runtime', { region, runtime: 'nodejs20' }, /decommissioned/, /nodejs24/],
    ['a project id that is not one', { region, project: 'My Project' }, /not a Google Cloud project id/, /gcloud projects list/],
  ];
  test.each(cases)('%s', async (_name, settings, message, hint) => {
    api.calls.length = 0;
    const error = await failure(createGcfTarget(runtime).deploy!(context('.adapt/gcf-one', settings), { dryRun: false }));
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
    expect(api.calls).toEqual([]);
  });

  test('no credentials: how to get Application Default Credentials', async () => {
    api.calls.length = 0;
    const saved = { creds: process.env.GOOGLE_APPLICATION_CREDENTIALS, home: process.env.HOME, config: process.env.CLOUDSDK_CONFIG };
    process.env.GOOGLE_APPLICATION_CREDENTIALS = '';
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.HOME = dir.dir;
    process.env.CLOUDSDK_CONFIG = path.join(dir.dir, 'no-gcloud');
    try {
      const error = await failure(createGcfTarget(runtime).deploy!(context('.adapt/gcf-one', { region }), { dryRun: false }));
      expect(error.code).toBe('NO_CREDENTIALS');
      expect(error.hint).toMatch(/gcloud auth application-default login/);
      expect(api.calls).toEqual([]);
    } finally {
      process.env.GOOGLE_APPLICATION_CREDENTIALS = saved.creds;
      process.env.HOME = saved.home;
      if (saved.config === undefined) delete process.env.CLOUDSDK_CONFIG;
      else process.env.CLOUDSDK_CONFIG = saved.config;
    }
  });

  test('no project id anywhere', async () => {
    api.calls.length = 0;
    const ctx = context('.adapt/gcf-one', { region });
    delete (ctx.settings as Record<string, unknown>).project;
    const error = await failure(createGcfTarget(runtime).deploy!(ctx, { dryRun: false }));
    expect(error.code).toBe('NO_PROJECT');
    expect(error.hint).toMatch(/GOOGLE_CLOUD_PROJECT/);
    expect(api.callLines()).toEqual([]);
  });
});

describe('adapt deploy --target appengine', { timeout: 60_000 }, () => {
  const target = () => createAppEngineTarget(runtime);
  const service = `apps/${project}/services/default`;
  const bucket = `staging.${project}.appspot.com`;

  test('uploads the zip to Cloud Storage, creates a version from it, then moves the traffic; the same build again does nothing', async () => {
    api.calls.length = 0;
    const zip = zipOf('.adapt/ae-one');
    const sha = createHash('sha256').update(zip).digest('hex');
    const result = (await target().deploy!(context('.adapt/ae-one', {}), { dryRun: false })) as unknown as { version: string };
    const id = `a${sha.slice(0, 20)}`;
    expect(result).toMatchObject({ version: id, uploaded: true, created: true, trafficMoved: true });
    const operation = `GET /v1/apps/${project}/operations/op-N`;
    expect(api.callLines().map((line) => line.replace(/op-\d+$/, 'op-N'))).toEqual([
      // the app's location, where its Cloud Scheduler jobs live (us-central: us-central1)
      `GET /v1/apps/${project}`,
      `GET /v1/${service}`,
      `GET /storage/v1/b/${bucket}/o/adapt/default/${sha}.zip`,
      `POST /upload/storage/v1/b/${bucket}/o`,
      `POST /v1/${service}/versions`,
      operation,
      `PATCH /v1/${service}`,
      operation,
      `GET /v1/projects/${project}/locations/us-central1/jobs`,
    ]);
    expect(api.objects.get(`${bucket}/adapt/default/${sha}.zip`)!.equals(zip)).toBe(true);
    const version = api.versions.get(service)![0]!;
    // the REST transport sends enums as numbers ($alt=json;enum-encoding=int): 9 is INBOUND_SERVICE_WARMUP
    expect(version).toMatchObject({
      id,
      runtime: 'nodejs24',
      instanceClass: 'F1',
      inboundServices: [9],
      deployment: { zip: { sourceUrl: `https://storage.googleapis.com/${bucket}/adapt/default/${sha}.zip` } },
    });
    expect(version.handlers.at(-1)).toMatchObject({ urlRegex: '.*', script: { scriptPath: 'auto' } });
    expect(api.services.get(service)!.split.allocations).toEqual({ [id]: 1 });

    api.calls.length = 0;
    const again = await target().deploy!(context('.adapt/ae-one', {}), { dryRun: false });
    expect(again).toMatchObject({ uploaded: false, created: false, trafficMoved: false });
    expect(api.callLines()).toEqual([`GET /v1/apps/${project}`, `GET /v1/${service}`, `GET /v1/${service}/versions`, `GET /v1/projects/${project}/locations/us-central1/jobs`]);
    expect(api.versions.get(service)).toHaveLength(1);
  });

  test('a new version takes the traffic; rollback moves it back in one call', async () => {
    const one = `a${createHash('sha256').update(zipOf('.adapt/ae-one')).digest('hex').slice(0, 20)}`;
    const two = `a${createHash('sha256').update(zipOf('.adapt/ae-two')).digest('hex').slice(0, 20)}`;
    await target().deploy!(context('.adapt/ae-two', {}), { dryRun: false });
    expect(api.services.get(service)!.split.allocations).toEqual({ [two]: 1 });
    const before = await target().list!(context('.adapt/ae-two', {}), {});
    expect(before).toMatchObject({
      serving: two,
      versions: [
        { version: two, traffic: 1, rollbackTarget: false },
        { version: one, traffic: 0, rollbackTarget: true },
      ],
    });

    api.calls.length = 0;
    const result = await target().rollback!(context('.adapt/ae-two', {}), { dryRun: false });
    expect(result).toMatchObject({ version: one, previousVersion: two, trafficMoved: true });
    const writes = api.callLines().filter((line) => !line.startsWith('GET'));
    expect(writes).toEqual([`PATCH /v1/${service}`]);
    expect(api.services.get(service)!.split.allocations).toEqual({ [one]: 1 });

    api.calls.length = 0;
    const listed = await target().list!(context('.adapt/ae-two', {}), {});
    expect(listed).toMatchObject({
      target: 'appengine',
      service: 'default',
      serving: one,
      versions: [
        { version: two, traffic: 0, rollbackTarget: false },
        { version: one, traffic: 1, rollbackTarget: false },
      ],
    });
    expect(api.callLines().every((line) => line.startsWith('GET'))).toBe(true);
  });

  test('a failed version build leaves the serving version serving', async () => {
    const serving = structuredClone(api.services.get(service));
    dir.write('src/app.ts', appSource('three'));
    await build('appengine', '.adapt/ae-three', 'three');
    api.failNextOperation = { code: 9, message: 'Build failed' };
    const error = await failure(target().deploy!(context('.adapt/ae-three', {}), { dryRun: false }));
    expect(error.message).toMatch(/keeps serving/);
    expect(error.code).toBe('GOOGLE_CONFLICT');
    expect(api.services.get(service)).toEqual(serving);
  });

  test("the jobs go where the app is: region is checked against the app's location before any change; no app says how to create one", async () => {
    const serving = structuredClone(api.services.get(service));
    api.appLocation = 'europe-west';
    try {
      api.calls.length = 0;
      const error = await failure(target().deploy!(context('.adapt/ae-one', { region: 'us-east1' }), { dryRun: false }));
      expect(error.code).toBe('BAD_SETTING');
      expect(error.message).toBe('region "us-east1" is not where the App Engine app of adapt-test-project is (europe-west, Cloud location europe-west1).');
      expect(error.hint).toContain('set it to "europe-west1"');
      expect(api.callLines()).toEqual([`GET /v1/apps/${project}`]);
      // without region, the app's own: the jobs list is read in europe-west1
      api.calls.length = 0;
      await target().deploy!(context('.adapt/ae-one', {}), { dryRun: true });
      expect(api.callLines()).toContain(`GET /v1/projects/${project}/locations/europe-west1/jobs`);
      api.appLocation = undefined;
      const none = await failure(target().deploy!(context('.adapt/ae-one', {}), { dryRun: false }));
      expect(none.code).toBe('NO_APP_ENGINE_APP');
      expect(none.hint).toContain(`gcloud app create --region <region> --project ${project}`);
      expect(api.services.get(service)).toEqual(serving);
    } finally {
      api.appLocation = 'us-central';
    }
  });
});

test("App Engine's two oldest locations have no number; their Cloud location does", () => {
  expect(['us-central', 'europe-west', 'asia-northeast1', 'us-east1'].map(cloudLocationOf)).toEqual(['us-central1', 'europe-west1', 'asia-northeast1', 'us-east1']);
});
