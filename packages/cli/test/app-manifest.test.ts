/**
 * readAppManifest() on the CLI's TargetContext: the entry bundled alone and imported by a real
 * child `node` with the stage's settings as env; failures at import are clear errors.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { isAdaptError, type AdaptTarget } from '@adapt/core';
import { loadProject } from '../src/config.js';
import { targetContext } from '../src/context.js';
import { createOutput } from '../src/output.js';
import { tempProject } from './helpers.js';

const config = `export default {
  stages: { dev: { env: { REPORT_HOUR: '4' } }, prod: { env: { REPORT_HOUR: '5' } } },
};
`;

const appSource = `const hour = process.env.REPORT_HOUR ?? 'unset';
console.log('the app prints at import; this must not disturb the manifest');
export default {
  fetch: () => new Response('ok'),
  tasks: {
    report: { description: 'the daily report at ' + hour, run: () => 'done' },
    cleanup: (args: readonly string[]) => args.length,
  },
  schedules: {
    daily: { cron: '0 ' + hour + ' * * *', task: 'report' },
    sweep: { rate: '1 hour', task: 'cleanup', args: ['--old'], timezone: 'Europe/Berlin', description: 'sweeps' },
  },
};
`;

const target: AdaptTarget = { name: 'node', description: 'test', bundle: () => ({ entrySource: () => '', fileName: 'x.mjs', format: 'esm' }) };
const project = tempProject({ 'adapt.config.mjs': config, 'src/app.ts': appSource });
afterAll(() => project.remove());

async function manifestFor(stage: string) {
  const context = targetContext(await loadProject(project.dir), target, createOutput({ json: true, verbose: false }), { stage });
  return context.readAppManifest();
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isAdaptError(error)) throw new Error(`expected an AdaptError, got ${String(error)}`);
  return error;
}

describe('readAppManifest', () => {
  it("reads the app's tasks and schedules with the stage's settings as env", async () => {
    expect(await manifestFor('dev')).toEqual({
      tasks: [{ name: 'report', description: 'the daily report at 4' }, { name: 'cleanup' }],
      schedules: [
        { name: 'daily', cron: '0 4 * * *', task: 'report', args: [], timezone: 'UTC', enabled: true },
        { name: 'sweep', rate: '1 hour', task: 'cleanup', args: ['--old'], timezone: 'Europe/Berlin', description: 'sweeps', enabled: true },
      ],
    });
    expect((await manifestFor('prod')).schedules[0]!.cron).toBe('0 5 * * *');
  });

  it('says so when the app module throws at import', async () => {
    project.write('src/app.ts', "if (process.env.REPORT_HOUR === '5') throw new Error('DATABASE_URL is not set');\n" + appSource);
    const error = await failure(manifestFor('prod'));
    expect(error.code).toBe('APP_IMPORT_FAILED');
    expect(error.message).toMatch(/^reading the app's tasks and schedules: the app module .*src\/app\.ts threw at import: DATABASE_URL is not set$/);
    expect(error.hint).toContain('it runs with the stage "prod" settings as env');
    expect((await manifestFor('dev')).tasks).toHaveLength(2);
  });

  it('refuses a schedule naming no task, before anything is deployed', async () => {
    project.write('src/app.ts', "export default { fetch: () => new Response('ok'), tasks: { a: () => 1 }, schedules: { s: { cron: '* * * * *', task: 'b' } } };\n");
    const error = await failure(manifestFor('dev'));
    expect(error.code).toBe('BAD_SCHEDULES');
    expect(error.message).toBe('schedule "s": task "b" is not one of the app\'s tasks (a)');
  });

  it('reports a build error of the entry as such', async () => {
    project.write('src/app.ts', 'export default {;\n');
    expect((await failure(manifestFor('dev'))).code).toBe('BUILD_FAILED');
  });
});
