/**
 * The whole path through the real `adapt` binary: build, invoke, deploy, --list, a code change,
 * rollback, and the errors a user meets, against moto's server with AWS_ENDPOINT_URL, and the
 * outcome read back through the SDK.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GetAliasCommand, GetFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lambdaTarget } from '../src/tooling/index.js';
import { readers, useLocalCredentials } from './deploy/aws.js';
import { fetchAppSource, fixtureProject, type FixtureProject } from './deploy/context.js';
import { startMoto, type Moto } from './deploy/moto.js';
import { requireComponent } from '../../../test/components.js';

// the binary npm links as `adapt` (it loads the built CLI from dist/)
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cli/bin/adapt.js');
const exec = promisify(execFile);

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

describe('the adapt binary against a local AWS endpoint', { timeout: 120_000 }, () => {
  const motoHere = requireComponent('moto');
  let moto: Moto;
  let project: FixtureProject;
  let lambda: LambdaClient;
  let env: NodeJS.ProcessEnv;

  async function adapt(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Ran> {
    try {
      const { stdout, stderr } = await exec(process.execPath, [bin, ...args], { cwd: project.dir, env: { ...env, ...extraEnv } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }
  async function json(args: string[]): Promise<Record<string, unknown>> {
    const ran = await adapt([...args, '--json']);
    if (ran.code !== 0) throw new Error(`adapt ${args.join(' ')} exited ${ran.code}: ${ran.stderr}`);
    return JSON.parse(ran.stdout) as Record<string, unknown>;
  }
  /**
   * moto cannot run Node without Docker: queue what the local build answers on the smoke test's
   * request (run in-process: the binary's own invoke is tested above).
   */
  async function queueSmokeAnswer(): Promise<void> {
    const ctx = project.context({ config: { stages: { prod: {} }, targets: { lambda: { region: 'us-east-1' } } }, stage: 'prod' });
    const local = await lambdaTarget.invoke!(ctx, { path: '/' });
    await moto.queueInvokeResults([JSON.stringify(local.result)]);
  }

  beforeAll(async () => {
    if (!motoHere) return;
    useLocalCredentials();
    moto = await startMoto();
    ({ lambda } = readers(moto.endpoint));
    project = await fixtureProject(fetchAppSource('cli v1'), { name: 'cli-app' });
    await writeFile(path.join(project.dir, 'adapt.config.mjs'), "export default { stages: { prod: {} }, targets: { lambda: { region: 'us-east-1', memory: 256, url: true } } };\n");
    env = { ...process.env, AWS_ENDPOINT_URL: moto.endpoint, NODE_NO_WARNINGS: '1', NO_COLOR: '1' };
  });

  afterAll(async () => {
    lambda?.destroy();
    await moto?.stop();
    await project?.remove();
  });

  test('build twice gives the same zip; invoke runs it locally', async () => {
    const first = await adapt(['build', '--target', 'lambda', '--stage', 'prod']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/function\.zip .* deployment package: [\d.]+ KiB zipped, [\d.]+% of the 50 MB upload limit/);
    const zip = await readFile(path.join(project.dir, '.adapt/lambda/function.zip'));
    expect((await adapt(['build', '--target', 'lambda', '--stage', 'prod'])).code).toBe(0);
    expect((await readFile(path.join(project.dir, '.adapt/lambda/function.zip'))).equals(zip)).toBe(true);

    const invoked = await json(['invoke', '--target', 'lambda', '--stage', 'prod', '--path', '/hello?x=1']);
    expect(invoked.response).toMatchObject({ status: 200, body: 'cli v1 /hello' });
  });

  test('deploy, --list, a code change, rollback', async () => {
    await queueSmokeAnswer();
    const first = await json(['deploy', '--target', 'lambda', '--stage', 'prod']);
    expect(first).toMatchObject({ ok: true, target: 'lambda', functionName: 'cli-app-prod', alias: 'live', version: '1', smoke: 'passed', uploaded: true });
    expect(String(first.url)).toMatch(/\.lambda-url\.us-east-1\.on\.aws/);

    await project.writeApp(fetchAppSource('cli v2'));
    expect((await adapt(['build', '--target', 'lambda', '--stage', 'prod'])).code).toBe(0);
    await queueSmokeAnswer();
    const human = await adapt(['deploy', '--target', 'lambda', '--stage', 'prod']);
    expect(human.code).toBe(0);
    expect(human.stderr).toContain('Moving the alias live: version 1 -> 2');
    expect(human.stdout).toContain('version: 2');
    expect((await lambda.send(new GetAliasCommand({ FunctionName: 'cli-app-prod', Name: 'live' }))).FunctionVersion).toBe('2');

    const listed = await json(['deploy', '--target', 'lambda', '--stage', 'prod', '--list']);
    expect(listed.aliases).toEqual({ live: '2' });
    expect((listed.versions as { version: string }[]).map((v) => v.version)).toEqual(['1', '2']);

    const back = await json(['rollback', '--target', 'lambda', '--stage', 'prod']);
    expect(back).toMatchObject({ ok: true, version: '1', previousVersion: '2' });
    expect((await lambda.send(new GetAliasCommand({ FunctionName: 'cli-app-prod', Name: 'live' }))).FunctionVersion).toBe('1');
    const forward = await json(['rollback', '--target', 'lambda', '--stage', 'prod', '--to', '2']);
    expect(forward).toMatchObject({ version: '2', previousVersion: '1' });
  });

  test('errors a user meets are one clear line and a hint, with nothing changed', async () => {
    const before = (await lambda.send(new GetFunctionCommand({ FunctionName: 'cli-app-prod' }))).Configuration?.RevisionId;

    const noCredentials = await adapt(['deploy', '--target', 'lambda', '--stage', 'prod'], {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_CONFIG_FILE: path.join(project.dir, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(project.dir, 'none'),
    });
    expect(noCredentials.code).toBe(1);
    expect(noCredentials.stderr).toContain('error: No AWS credentials found in the environment, the shared config files or SSO.');
    expect(noCredentials.stderr).toContain('Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');

    await writeFile(
      path.join(project.dir, 'adapt.config.mjs'),
      "export default { stages: { prod: {} }, targets: { lambda: { region: 'us-east-1', memory: 256, url: true, role: 'arn:aws:iam::123456789012:role/does-not-exist' } } };\n",
    );
    const missingRole = await adapt(['deploy', '--target', 'lambda', '--stage', 'prod', '--json']);
    expect(missingRole.code).toBe(1);
    const report = JSON.parse(missingRole.stdout) as { ok: boolean; error: { code: string; message: string; hint: string } };
    expect(report).toMatchObject({
      ok: false,
      error: { code: 'ROLE_NOT_FOUND', message: 'The execution role arn:aws:iam::123456789012:role/does-not-exist (targets.lambda.role) does not exist in this account.' },
    });
    expect(missingRole.stderr).not.toMatch(/\n\s+at /);

    await writeFile(path.join(project.dir, 'adapt.config.mjs'), "export default { stages: { prod: {} }, targets: { lambda: { region: 'us-east-1', name: 'not a name' } } };\n");
    const badName = await adapt(['deploy', '--target', 'lambda', '--stage', 'prod']);
    expect(badName.code).toBe(1);
    expect(badName.stderr).toContain('error: AWS would reject the function name "not a name"');

    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'cli-app-prod' }))).Configuration?.RevisionId).toBe(before);
  });
});
