/**
 * `adapt run <task> --target lambda` through the real binary against moto: the function deployed,
 * then the task event Invoked through the stage alias. moto cannot run Node without Docker, so
 * the real built bundle's handler answers the task event here first and that answer is queued
 * as moto's Invoke result; what the binary reads back and prints is checked.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { taskEvent } from '@adapt/core';
import { bundleFileName, lambdaTarget } from '../src/tooling/index.js';
import { lambdaContext } from './helpers/sources.js';
import { useLocalCredentials } from './deploy/aws.js';
import { fixtureProject, type FixtureProject } from './deploy/context.js';
import { startMoto, type Moto } from './deploy/moto.js';
import { requireComponent } from '../../../test/components.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cli/bin/adapt.js');
const exec = promisify(execFile);

const appSource = `export default {
  fetch: (request) => new Response('http ' + new URL(request.url).pathname),
  tasks: {
    greet: (args, context) => ({ hello: args[0] ?? 'world', platform: context.platform, stage: process.env.STAGE_NAME }),
  },
};
`;

describe('adapt run --target lambda against a local AWS endpoint', { timeout: 120_000 }, () => {
  const motoHere = requireComponent('moto');
  let moto: Moto;
  let project: FixtureProject;
  let env: NodeJS.ProcessEnv;
  const config = { stages: { prod: { env: { STAGE_NAME: 'prod' } } }, targets: { lambda: { region: 'us-east-1' } } };

  async function adapt(args: string[]) {
    try {
      const { stdout, stderr } = await exec(process.execPath, [bin, ...args], { cwd: project.dir, env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  /** The real built handler's answer to an event (the bundle as `adapt build` wrote it). */
  async function builtHandlerAnswer(event: unknown): Promise<unknown> {
    const file = path.join(project.dir, '.adapt/lambda', bundleFileName);
    const { handler } = (await import(`${pathToFileURL(file).href}?v=${Date.now()}`)) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
    return handler(event, lambdaContext());
  }

  beforeAll(async () => {
    if (!motoHere) return;
    useLocalCredentials();
    moto = await startMoto();
    project = await fixtureProject(appSource, { name: 'tasks-lambda' });
    await writeFile(path.join(project.dir, 'adapt.config.mjs'), `export default ${JSON.stringify(config)};\n`);
    env = { ...process.env, AWS_ENDPOINT_URL: moto.endpoint, NODE_NO_WARNINGS: '1', NO_COLOR: '1' };
    const built = await adapt(['build', '--target', 'lambda', '--stage', 'prod']);
    if (built.code !== 0) throw new Error(built.stderr);
    const ctx = project.context({ config, stage: 'prod' });
    await moto.queueInvokeResults([JSON.stringify((await lambdaTarget.invoke!(ctx, { path: '/' })).result)]);
    const deployed = await adapt(['deploy', '--target', 'lambda', '--stage', 'prod', '--json']);
    if (deployed.code !== 0) throw new Error(deployed.stderr);
  });

  afterAll(async () => {
    await moto?.stop();
    await project?.remove();
  });

  test.runIf(motoHere)("invokes the stage alias with the task event and prints the handler's result", async () => {
    const answer = await builtHandlerAnswer(taskEvent('greet', ['ada']));
    expect(answer).toEqual({ hello: 'ada', platform: 'lambda', stage: undefined });
    await moto.queueInvokeResults([JSON.stringify(answer)]);
    const ran = await adapt(['run', 'greet', 'ada', '--target', 'lambda', '--stage', 'prod', '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual({
      ok: true,
      task: 'greet',
      args: ['ada'],
      target: 'lambda',
      stage: 'prod',
      result: { hello: 'ada', platform: 'lambda' },
      functionName: 'tasks-lambda-prod',
      alias: 'live',
    });
    await moto.queueInvokeResults([JSON.stringify(answer)]);
    const human = await adapt(['run', 'greet', 'ada', '--target', 'lambda', '--stage', 'prod']);
    expect(human.stdout).toBe('result:\n{\n  "hello": "ada",\n  "platform": "lambda"\n}\n');
    expect(human.stderr).toContain('invoke tasks-lambda-prod:live in us-east-1 with task "greet"');
  });
});
