/**
 * Where moto is kinder than Lambda, a proxy in front of it puts the real behaviour back: a new
 * role not yet assumable, Pending and InProgress windows the waiters must sit out, update
 * conflicts, refused calls and failed updates in the middle of a deploy. Each fault must leave the
 * stage alias on its old version with an error that says so, and the next deploy must succeed.
 */
import { GetAliasCommand, GetFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { isAdaptError, type AdaptConfig } from '@adapt/core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { LambdaDeployResult } from '../src/tooling/index.js';
import { fastTarget, queueSmokeAnswer, readers, region, useLocalCredentials } from './deploy/aws.js';
import { buildFixture } from './deploy/build.js';
import { fetchAppSource, fixtureProject, recordingLogger, type FixtureProject, type RecordingLogger } from './deploy/context.js';
import { startMoto, type Moto } from './deploy/moto.js';
import { requireComponent } from '../../../test/components.js';
import { startFaultProxy, type FaultProxy } from './deploy/proxy.js';

const target = fastTarget();

function withConfiguration(body: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  return { ...body, Configuration: { ...(body.Configuration as Record<string, unknown>), ...patch } };
}

describe('faults in the middle of a deploy (moto behind a fault-injecting proxy)', { timeout: 60_000 }, () => {
  const motoHere = requireComponent('moto');
  let moto: Moto;
  let proxy: FaultProxy;
  let project: FixtureProject;
  let lambda: LambdaClient;
  let config: AdaptConfig;
  let log: RecordingLogger;
  let build = 0;
  const fn = 'faults-prod';

  const ctx = () => project.context({ config, stage: 'prod', log });
  /** Builds a new version of the app (each build different code). */
  async function newBuild() {
    build++;
    await project.writeApp(fetchAppSource(`build ${build}`));
    await buildFixture(ctx());
  }
  async function deploy() {
    const context = ctx();
    await queueSmokeAnswer(target, context, (results) => moto.queueInvokeResults(results));
    return (await target.deploy!(context, { dryRun: false })) as LambdaDeployResult;
  }
  async function failedDeploy() {
    const error = await target.deploy!(ctx(), { dryRun: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isAdaptError(error)) throw new Error(`expected the deploy to fail with an AdaptError, got ${String(error)}`);
    return error;
  }
  const aliasVersion = async () => (await lambda.send(new GetAliasCommand({ FunctionName: fn, Name: 'live' }))).FunctionVersion;

  beforeAll(async () => {
    if (!motoHere) return;
    useLocalCredentials();
    moto = await startMoto();
    proxy = await startFaultProxy(moto.endpoint);
    ({ lambda } = readers(moto.endpoint));
    project = await fixtureProject(fetchAppSource('build 0'));
    config = { stages: { prod: {} }, targets: { lambda: { region, endpoint: proxy.endpoint, stages: { prod: { name: fn } } } } };
  });

  beforeEach(() => {
    proxy.clear();
    log = recordingLogger();
  });

  afterAll(async () => {
    lambda?.destroy();
    await proxy?.close();
    await moto?.stop();
    await project?.remove();
  });

  test('a new role not yet assumable: CreateFunction is retried with backoff, and the Pending window is waited out', async () => {
    await newBuild();
    const notAssumable = { status: 400, type: 'InvalidParameterValueException', message: 'The role defined for the function cannot be assumed by Lambda.' };
    proxy.inject({ call: 'CreateFunction', times: 2, error: notAssumable });
    proxy.inject({ call: 'GetFunction', after: 'CreateFunction', times: 2, rewrite: (body) => withConfiguration(body, { State: 'Pending', StateReasonCode: 'Creating' }) });

    const result = await deploy();
    expect(result).toMatchObject({ version: '1', uploaded: true });
    const names = proxy.names();
    expect(names.filter((n) => n === 'CreateFunction')).toHaveLength(3);
    // the waiter polled through two Pending answers before PublishVersion
    const created = names.lastIndexOf('CreateFunction');
    expect(names.slice(created + 1, names.indexOf('PublishVersion'))).toEqual(['GetFunction', 'GetFunction', 'GetFunction']);
    expect(log.text()).toContain('CreateFunction: the new execution role is not assumable by Lambda yet (IAM is still propagating it); retrying in 0.0 s (attempt 2 of 4)');
    expect(await aliasVersion()).toBe('1');
  });

  test('an update still in progress: the waiter sits out InProgress, a conflict is retried, then configuration goes in', async () => {
    await newBuild();
    config.targets!.lambda!.memory = 256;
    proxy.inject({ call: 'GetFunction', after: 'UpdateFunctionCode', times: 2, rewrite: (body) => withConfiguration(body, { LastUpdateStatus: 'InProgress' }) });
    proxy.inject({
      call: 'UpdateFunctionConfiguration',
      times: 2,
      error: { status: 409, type: 'ResourceConflictException', message: 'The operation cannot be performed at this time. An update is in progress for resource: faults-prod' },
    });

    const result = await deploy();
    expect(result).toMatchObject({ version: '2', previousVersion: '1', uploaded: true, configurationUpdated: true });
    const names = proxy.names();
    const code = names.indexOf('UpdateFunctionCode');
    expect(names.slice(code, code + 7)).toEqual([
      'UpdateFunctionCode',
      'GetFunction', // InProgress
      'GetFunction', // InProgress
      'GetFunction', // Successful
      'UpdateFunctionConfiguration', // conflict
      'UpdateFunctionConfiguration', // conflict
      'UpdateFunctionConfiguration',
    ]);
    expect(log.text()).toContain('UpdateFunctionConfiguration: another update is still in progress (ResourceConflictException); retrying');
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: fn, Qualifier: 'live' }))).Configuration?.MemorySize).toBe(256);
  });

  test('publish refused: the alias stays on the old version, the error says so, and the next deploy succeeds without uploading again', async () => {
    await newBuild();
    proxy.inject({ call: 'PublishVersion', times: Infinity, error: { status: 500, type: 'ServiceException', message: 'injected: the service is unavailable' } });
    const error = await failedDeploy();
    expect(error.code).toBe('AWS_ERROR');
    expect(error.message).toBe('Publishing a version failed: PublishVersion answered ServiceException: injected: the service is unavailable');
    expect(error.hint).toBe('The alias live still points at version 2: users see no change. Fix the cause and run the same command again.');
    expect(proxy.names()).not.toContain('UpdateAlias');
    expect(await aliasVersion()).toBe('2');

    proxy.clear();
    const result = await deploy();
    expect(result).toMatchObject({ version: '3', previousVersion: '2', uploaded: false, published: true });
    expect(await aliasVersion()).toBe('3');
  });

  test('code upload refused: nothing moves; the next deploy uploads and succeeds', async () => {
    await newBuild();
    proxy.inject({ call: 'UpdateFunctionCode', error: { status: 400, type: 'InvalidParameterValueException', message: 'Unzipped size must be smaller than 262144000 bytes' } });
    const error = await failedDeploy();
    expect(error.message).toBe('Uploading the code failed: UpdateFunctionCode answered InvalidParameterValueException: Unzipped size must be smaller than 262144000 bytes');
    expect(error.hint).toContain('The alias live still points at version 3');
    expect(await aliasVersion()).toBe('3');

    const result = await deploy();
    expect(result).toMatchObject({ version: '4', previousVersion: '3', uploaded: true });
  });

  test('a conflict that never clears gives up after the backoff, alias untouched', async () => {
    await newBuild();
    proxy.inject({ call: 'UpdateFunctionCode', times: Infinity, error: { status: 409, type: 'ResourceConflictException', message: 'An update is in progress' } });
    const error = await failedDeploy();
    expect(error.message).toBe('Uploading the code failed: UpdateFunctionCode answered ResourceConflictException: An update is in progress');
    expect(proxy.names().filter((n) => n === 'UpdateFunctionCode')).toHaveLength(4);
    expect(await aliasVersion()).toBe('4');
  });

  test('an update that fails on the AWS side: the waiter reports the reason, alias untouched', async () => {
    await newBuild();
    proxy.inject({
      call: 'GetFunction',
      after: 'UpdateFunctionCode',
      rewrite: (body) => withConfiguration(body, { LastUpdateStatus: 'Failed', LastUpdateStatusReason: 'injected: the code could not be unpacked' }),
    });
    const error = await failedDeploy();
    expect(error.message).toBe('The function faults-prod did not become updated (LastUpdateStatus Failed: injected: the code could not be unpacked).');
    expect(error.hint).toContain('The alias live still points at version 4');
    expect(proxy.names()).not.toContain('PublishVersion');
    expect(await aliasVersion()).toBe('4');

    const result = await deploy();
    expect(result).toMatchObject({ version: '5', previousVersion: '4' });
  });

  test('a function whose last update failed gets code and configuration sent again', async () => {
    await newBuild();
    await deploy();
    proxy.clear();
    proxy.inject({ call: 'GetFunction', rewrite: (body) => withConfiguration(body, { LastUpdateStatus: 'Failed', LastUpdateStatusReason: 'injected: out of capacity' }) });
    const result = await deploy();
    expect(result).toMatchObject({ uploaded: true, configurationUpdated: true });
    expect(log.text()).toContain('  LastUpdateStatus: Failed (injected: out of capacity) -> redo the update');
    expect(proxy.names()).toEqual(expect.arrayContaining(['UpdateFunctionCode', 'UpdateFunctionConfiguration']));
  });

  test('the alias moved by someone else meanwhile is not overwritten', async () => {
    await newBuild();
    proxy.inject({
      call: 'UpdateAlias',
      error: { status: 412, type: 'PreconditionFailedException', message: 'The RevisionId provided does not match the latest RevisionId for the Lambda function or alias.' },
    });
    const error = await failedDeploy();
    expect(error.message).toBe('The alias live changed while this command ran (someone else deployed or rolled back).');
    expect(await aliasVersion()).toBe('7');
  });

  test('IAM: a role just created and still unknown to AttachRolePolicy is retried; no right to create roles says to configure one', async () => {
    const stageConfig = (stage: string): AdaptConfig => ({ stages: { [stage]: {} }, targets: { lambda: { region, endpoint: proxy.endpoint } } });
    const freshCtx = (stage: string) => project.context({ config: stageConfig(stage), stage, log });

    proxy.inject({ call: 'iam:AttachRolePolicy', error: { status: 404, type: 'NoSuchEntity', message: 'The role with name fixture-app-qa-role cannot be found.' } });
    const qa = freshCtx('qa');
    await buildFixture(qa);
    await queueSmokeAnswer(target, qa, (results) => moto.queueInvokeResults(results));
    const result = (await target.deploy!(qa, { dryRun: false })) as LambdaDeployResult;
    expect(result).toMatchObject({ functionName: 'fixture-app-qa', version: '1' });
    expect(proxy.names().filter((n) => n === 'iam:AttachRolePolicy')).toHaveLength(2);

    proxy.clear();
    proxy.inject({
      call: 'iam:CreateRole',
      error: { status: 403, type: 'AccessDenied', message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:CreateRole' },
    });
    const uat = freshCtx('uat');
    const error = await target.deploy!(uat, { dryRun: false }).catch((e: unknown) => e);
    expect(isAdaptError(error) && `${error.message} | ${error.hint}`).toBe(
      'Creating the execution role fixture-app-uat-role failed: this identity may not call iam:CreateRole. | Set targets.lambda.role to an existing role that trusts lambda.amazonaws.com, or grant iam:CreateRole and iam:AttachRolePolicy (packages/lambda/DEPLOY.md lists the policy). The function was not created yet.',
    );
    expect(proxy.names()).not.toContain('CreateFunction');
  });
});
