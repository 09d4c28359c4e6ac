/**
 * The build side of the Lambda target, with no AWS endpoint: the bundle, the deterministic zip and
 * its limits, the local invoke, and the checks that refuse bad settings before anything runs.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { isAdaptError } from '@adapt/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  checkPackageLimits,
  codeSha256,
  createAwsClients,
  deployLambda,
  deterministicZip,
  lambdaTarget,
  maxZippedBytes,
  resolveLambdaSettings,
  zipEntrySizes,
} from '../src/tooling/index.js';
import { checkStageAlias } from '../src/tooling/settings.js';
import { buildFixture } from './deploy/build.js';
import { fetchAppSource, fixtureProject, type FixtureProject } from './deploy/context.js';

async function codeOf(promise: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (isAdaptError(error)) return `${error.code}: ${error.message} | ${error.hint ?? ''}`;
    throw error;
  }
  throw new Error('expected an AdaptError');
}

let project: FixtureProject;

beforeAll(async () => {
  project = await fixtureProject(
    // The app imports a dependency; a devDependency is imported only by its test file.
    `import { splitSetCookie } from '@adapt/core';\n${fetchAppSource('hello').replace('export default {', 'export default {\n  cookies: splitSetCookie,')}`,
    { dependencies: { '@adapt/core': '*' }, devDependencies: { 'fast-check': '*', vitest: '*' } },
  );
  await writeFile(path.join(project.dir, 'src', 'app.test.mjs'), "import fc from 'fast-check';\nimport { test } from 'vitest';\ntest('x', () => fc);\n");
});

afterAll(async () => {
  await project?.remove();
});

describe('bundle', () => {
  test('an ESM index.mjs exporting handler from toLambdaHandler, the AWS SDK external', () => {
    const spec = lambdaTarget.bundle(project.context({ config: {} }));
    expect(spec).toMatchObject({ fileName: 'index.mjs', format: 'esm', nodeTarget: 'node24' });
    expect(spec.external).toEqual(['@aws-sdk/*', '@smithy/*']);
    // all of the app's code is in the bundle: the lightweight web classes are bound at build time
    expect(spec.inject).toEqual(['@adapt/lambda/bundle-globals']);
    const source = spec.entrySource('./src/app.mjs');
    expect(source).toContain(`import { toLambdaHandler } from '@adapt/lambda/buffered';`);
    expect(source).toContain('export const handler = toLambdaHandler(app);');
  });

  test('settings choose streaming, the Node version, a bundled SDK and more externals', () => {
    const spec = lambdaTarget.bundle(project.context({ config: { targets: { lambda: { streaming: true, runtime: 'nodejs22.x', bundleSdk: true, external: ['sharp'] } } } }));
    expect(spec.nodeTarget).toBe('node22');
    expect(spec.external).toEqual(['sharp']);
    // a package left out would meet the lightweight classes under the global names: installed at run time
    expect(spec.inject).toBeUndefined();
    expect(spec.entrySource('./a.mjs')).toContain(`import { toLambdaHandler } from '@adapt/lambda';`);
    expect(spec.entrySource('./a.mjs')).toContain('toLambdaHandler(app, {"streaming":true})');
  });

  test('nodejs20.x is refused before any build or AWS call', async () => {
    const config = { targets: { lambda: { runtime: 'nodejs20.x' } } };
    expect(await codeOf(() => lambdaTarget.bundle(project.context({ config })))).toMatch(/^BAD_SETTING: targets\.lambda\.runtime: "nodejs20\.x" is a deprecated/);
    const calls: string[] = [];
    const client = {
      send: async (command: object) => {
        calls.push(command.constructor.name);
        throw new Error('no AWS call expected');
      },
      destroy() {},
    };
    const clients = { lambda: client, iam: client, region: 'us-east-1', endpoint: undefined } as never;
    expect(await codeOf(deployLambda(project.context({ config }), { dryRun: false }, { clients }))).toMatch(/^BAD_SETTING: targets\.lambda\.runtime: "nodejs20\.x"/);
    expect(calls).toEqual([]);
  });
});

describe('package', () => {
  test('two builds give byte-identical zips (same CodeSha256), holding only index.mjs and no devDependency', async () => {
    const first = await buildFixture(project.context({ config: {}, outDir: path.join(project.dir, 'out-a') }));
    const second = await buildFixture(project.context({ config: {}, outDir: path.join(project.dir, 'out-b') }));
    expect(first.zip.equals(second.zip)).toBe(true);
    expect(codeSha256(first.zip)).toBe(codeSha256(second.zip));

    expect(zipEntrySizes(first.zip).map((entry) => entry.name)).toEqual(['index.mjs']);
    const listing = execFileSync('zipinfo', [path.join(project.dir, 'out-a', 'function.zip')], { encoding: 'utf8' });
    expect(listing).toMatch(/-rw-r--r--.* index\.mjs/);
    expect(listing).toContain('80-Jan-01 00:00');

    const inputs = Object.keys(first.metafile.inputs);
    expect(inputs.some((input) => input.includes('packages/lambda/') || input.includes('@adapt/lambda'))).toBe(true);
    expect(inputs.some((input) => input.includes('core/dist/cookies.js'))).toBe(true);
    for (const forbidden of ['fast-check', 'vitest', '@aws-sdk', 'yazl', '/tooling/', 'esbuild', 'app.test']) {
      expect(inputs.filter((input) => input.includes(forbidden))).toEqual([]);
    }
    const unzipped = execFileSync('unzip', ['-p', path.join(project.dir, 'out-a', 'function.zip'), 'index.mjs']);
    expect(unzipped.equals(await readFile(path.join(project.dir, 'out-a', 'index.mjs')))).toBe(true);
  });

  test('the size report names both Lambda limits and the CodeSha256', async () => {
    const built = await buildFixture(project.context({ config: {}, outDir: path.join(project.dir, 'out-report') }));
    expect(built.artifacts.map((a) => a.path)).toEqual(['function.zip', 'function.json']);
    expect(built.artifacts[0].description).toMatch(
      /^deployment package: [\d.]+ KiB zipped, [\d.]+% of the 50 MB upload limit; [\d.]+ KiB unzipped, [\d.]+% of the 250 MB limit; CodeSha256 /,
    );
    expect(built.artifacts[0].description).toContain(codeSha256(built.zip));
    expect(built.artifacts[0].bytes).toBe(built.zip.byteLength);
    const manifest = JSON.parse(await readFile(path.join(project.dir, 'out-report', 'function.json'), 'utf8'));
    expect(manifest).toMatchObject({ codeSha256: codeSha256(built.zip), zipBytes: built.zip.byteLength, files: [{ name: 'index.mjs' }] });
    expect(built.artifacts[1].bytes).toBe((await readFile(path.join(project.dir, 'out-report', 'function.json'))).byteLength);
  });

  test('zip entries are sorted and timestamps do not depend on the time zone', async () => {
    const a = await deterministicZip([
      { name: 'b.txt', data: Buffer.from('b') },
      { name: 'a.txt', data: Buffer.from('a') },
    ]);
    const b = await deterministicZip([
      { name: 'a.txt', data: Buffer.from('a') },
      { name: 'b.txt', data: Buffer.from('b') },
    ]);
    expect(a.equals(b)).toBe(true);
    expect(zipEntrySizes(a)).toEqual([
      { name: 'a.txt', bytes: 1 },
      { name: 'b.txt', bytes: 1 },
    ]);
    // The same bytes in another time zone: DOS timestamps are local time, so the test runs a child with TZ set.
    const zipModule = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/tooling/zip.js');
    const script = `import('${zipModule}').then(async (m) => process.stdout.write((await m.deterministicZip([{ name: 'a.txt', data: Buffer.from('a') }, { name: 'b.txt', data: Buffer.from('b') }])).toString('base64')))`;
    for (const tz of ['Pacific/Kiritimati', 'America/Los_Angeles']) {
      const other = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8' });
      expect(Buffer.from(other, 'base64').equals(a)).toBe(true);
    }
  });

  test('a package over 50 MB zipped is refused with what to do', async () => {
    expect(await codeOf(() => checkPackageLimits(maxZippedBytes + 1, 1000))).toMatch(/^ZIP_TOO_LARGE: .*50 MB.*\| Keep large dependencies out/);
    expect(await codeOf(() => checkPackageLimits(1000, 251 * 1024 * 1024))).toMatch(/^ZIP_TOO_LARGE: .*251\.0 MB unzipped.*250 MB/);
    // deploy re-checks the package it reads, before any AWS call (no endpoint is even configured here)
    const ctx = project.context({ config: { targets: { lambda: { region: 'eu-west-1' } } }, outDir: path.join(project.dir, 'out-big') });
    await mkdir(ctx.outDir, { recursive: true });
    await writeFile(path.join(ctx.outDir, 'function.zip'), randomBytes(maxZippedBytes + 1024));
    expect(await codeOf(lambdaTarget.deploy!(ctx, { dryRun: true }))).toMatch(/^ZIP_TOO_LARGE: The deployment package is 50\.0 MB zipped/);
  });
});

describe('invoke (the built handler, locally)', () => {
  let outDir: string;
  beforeAll(async () => {
    outDir = path.join(project.dir, 'out-invoke');
    await buildFixture(project.context({ config: {}, outDir }));
  });

  test('--path runs a synthetic Function URL event and prints the HTTP response', async () => {
    const answer = await lambdaTarget.invoke!(project.context({ config: {}, outDir }), { path: '/items?id=1' });
    expect(answer.response).toMatchObject({ status: 200, body: 'hello /items', bodyEncoding: 'utf8' });
    expect(answer.response.headers['content-type']).toMatch(/^text\/plain/);
    expect(answer.result).toMatchObject({ statusCode: 200, body: 'hello /items' });
  });

  test('--event runs an event file (API Gateway REST shape)', async () => {
    const event = path.join(project.dir, 'event.json');
    await writeFile(
      event,
      JSON.stringify({
        resource: '/{proxy+}',
        path: '/fail',
        httpMethod: 'GET',
        headers: { Host: 'abc.execute-api.us-east-1.amazonaws.com' },
        multiValueHeaders: { Host: ['abc.execute-api.us-east-1.amazonaws.com'] },
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        pathParameters: { proxy: 'fail' },
        stageVariables: null,
        requestContext: { httpMethod: 'GET', path: '/prod/fail', stage: 'prod', requestId: 'r', identity: { sourceIp: '1.2.3.4' }, resourcePath: '/{proxy+}' },
        body: null,
        isBase64Encoded: false,
      }),
    );
    const answer = await lambdaTarget.invoke!(project.context({ config: {}, outDir }), { event });
    expect(answer.response.status).toBe(500);
    expect(answer.response.body).toBe('broken');
  });

  test('a missing build, an unreadable or non-JSON event file are clear errors', async () => {
    expect(await codeOf(lambdaTarget.invoke!(project.context({ config: {}, outDir: path.join(project.dir, 'nowhere') }), { path: '/' }))).toMatch(
      /^NOT_BUILT: .*\| Run `adapt build --target lambda` first/,
    );
    expect(await codeOf(lambdaTarget.invoke!(project.context({ config: {}, outDir }), { event: path.join(project.dir, 'missing.json') }))).toMatch(/^BAD_EVENT: Cannot read/);
    const bad = path.join(project.dir, 'bad.json');
    await writeFile(bad, '{ not json');
    expect(await codeOf(lambdaTarget.invoke!(project.context({ config: {}, outDir }), { event: bad }))).toMatch(/^BAD_EVENT: .*is not JSON/);
  });

  test('a streaming build answers through the response stream: prelude, then body', async () => {
    const streamOut = path.join(project.dir, 'out-stream');
    const config = { targets: { lambda: { streaming: true } } };
    await buildFixture(project.context({ config, outDir: streamOut }));
    const answer = await lambdaTarget.invoke!(project.context({ config, outDir: streamOut }), { path: '/streamed' });
    expect(answer.result).toMatchObject({ streamed: true });
    expect(answer.response).toMatchObject({ status: 200, body: 'hello /streamed' });
    expect(answer.response.headers['content-type']).toMatch(/^text\/plain/);
  });
});

describe('bad input is refused before any AWS call', () => {
  test.each([
    ['has spaces', 'my app'],
    ['has a dot', 'my.app'],
    ['is 65 characters', 'a'.repeat(65)],
    ['is empty', ''],
  ])('a function name that %s', async (_, name) => {
    expect(await codeOf(() => resolveLambdaSettings(project.context({ config: { targets: { lambda: { name } } } })))).toMatch(
      /^BAD_FUNCTION_NAME: AWS would reject the function name .* 1 to 64 letters, digits, hyphens or underscores/,
    );
  });

  test('two stages on the same function and alias are refused; their own aliases pass', async () => {
    const shared = { stages: { prod: {}, staging: {} }, targets: { lambda: { name: 'shop' } } };
    expect(await codeOf(lambdaTarget.deploy!(project.context({ config: shared, stage: 'prod' }), { dryRun: true }))).toBe(
      "BAD_SETTING: Stages prod and dev both deploy to the alias live of shop: each would move the other's traffic. | Give one of them its own alias (targets.lambda.stages.dev.alias) or its own function name.",
    );
    const own = { stages: { prod: {} }, targets: { lambda: { name: 'shop', stages: { dev: { alias: 'dev' } } } } };
    const settings = resolveLambdaSettings(project.context({ config: own, stage: 'prod' }));
    expect(() => checkStageAlias(project.context({ config: own, stage: 'prod' }), settings)).not.toThrow();
  });

  test('a 64-character name and the default name pass', () => {
    expect(resolveLambdaSettings(project.context({ config: { targets: { lambda: { name: 'a'.repeat(64) } } } })).functionName).toHaveLength(64);
    expect(resolveLambdaSettings(project.context({ config: { stages: { prod: {} } }, stage: 'prod' })).functionName).toBe('fixture-app-prod');
  });

  test.each([
    [{ memory: 64 }, /memory: 64 is not a whole number from 128 to 10240/],
    [{ timeout: 901 }, /timeout: 901 is not a whole number from 1 to 900/],
    [{ alias: '42' }, /alias: AWS would reject the alias "42"/],
    [
      { runtime: 'nodejs20.x' },
      /^BAD_SETTING: targets\.lambda\.runtime: "nodejs20\.x" is a deprecated Lambda runtime: AWS blocks creating and updating functions on it \| Use runtime "nodejs24\.x" \(the default\) or "nodejs22\.x" in adapt\.config\.ts\.$/,
    ],
    [{ runtime: 'nodejs18.x' }, /runtime: "nodejs18\.x" is a deprecated Lambda runtime/],
    [{ runtime: 'python3.13' }, /runtime: "python3\.13" is not supported/],
    [{ env: { AWS_REGION: 'x' } }, /env.AWS_REGION: Lambda reserves this variable/],
    [{ env: { '1X': 'x' } }, /env.1X: Lambda accepts only letters/],
    [{ role: 'my-role' }, /role: "my-role" is not an IAM role ARN/],
    [{ url: { auth: 'OPEN' } }, /url.auth: "OPEN" is not a Function URL auth type/],
  ])('setting %j', async (lambda, message) => {
    expect(await codeOf(() => resolveLambdaSettings(project.context({ config: { targets: { lambda } } })))).toMatch(message);
  });

  describe('credentials and region', () => {
    const saved = { ...process.env };
    beforeAll(() => {
      for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
      process.env.AWS_CONFIG_FILE = path.join(project.dir, 'no-config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(project.dir, 'no-credentials');
      process.env.AWS_EC2_METADATA_DISABLED = 'true';
    });
    afterAll(() => {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    });

    test('no region anywhere says what to set', async () => {
      const settings = resolveLambdaSettings(project.context({ config: {} }));
      expect(await codeOf(createAwsClients(settings))).toMatch(/^NO_REGION: .* \| Set region in adapt.config.ts \(targets.lambda.region\) or export AWS_REGION=us-east-1/);
    });

    test.each([
      ['eu-wst-1', /^BAD_REGION: "eu-wst-1" \(from targets.lambda.region\) is not a region AWS Lambda runs in. \| Did you mean one of eu-central-1/],
      ['moon', /^BAD_REGION: "moon" .* is not an AWS region name/],
    ])('region %s', async (region, message) => {
      const settings = resolveLambdaSettings(project.context({ config: { targets: { lambda: { region } } } }));
      expect(await codeOf(createAwsClients(settings))).toMatch(message);
    });

    test('AWS_REGION is read when the config has none', async () => {
      process.env.AWS_REGION = 'mars-1';
      try {
        const settings = resolveLambdaSettings(project.context({ config: {} }));
        expect(await codeOf(createAwsClients(settings))).toMatch(/^BAD_REGION: "mars-1" \(from AWS_REGION\)/);
      } finally {
        delete process.env.AWS_REGION;
      }
    });

    test('no credentials names the variables, the profile and SSO', async () => {
      const settings = resolveLambdaSettings(project.context({ config: { targets: { lambda: { region: 'eu-west-1' } } } }));
      expect(await codeOf(createAwsClients(settings))).toMatch(
        /^NO_CREDENTIALS: No AWS credentials found.* \| Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY .*AWS_PROFILE.*aws sso login/,
      );
    });
  });
});
