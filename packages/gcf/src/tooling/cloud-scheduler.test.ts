import { appManifest, type AppManifest } from '@adapt/core';
import { describe, expect, test } from 'vitest';
import { cloudSchedulerCron, diffJobs, jobBody, jobPrefix, planJobs } from './cloud-scheduler.js';

const schedule = (fields: Partial<AppManifest['schedules'][number]>): AppManifest['schedules'][number] => ({
  name: 'nightly',
  task: 'hello',
  args: [],
  timezone: 'UTC',
  enabled: true,
  ...fields,
});

const manifestOf = (schedules: Record<string, unknown>) => appManifest({ fetch: () => new Response(''), tasks: { hello: () => 1 }, schedules } as never);

describe('cloudSchedulerCron', () => {
  test.each([
    ['1 minute', '* * * * *'],
    ['30 minutes', '*/30 * * * *'],
    ['1 hour', '0 * * * *'],
    ['8 hours', '0 */8 * * *'],
    ['1 day', '0 0 * * *'],
  ])('rate %s becomes the exact cron %s', (rate, cron) => {
    expect(cloudSchedulerCron(schedule({ rate }))).toBe(cron);
  });

  test.each(['7 minutes', '5 hours', '2 days'])('rate %s has no exact cron: refused with what to write', (rate) => {
    expect(() => cloudSchedulerCron(schedule({ rate }))).toThrow(/no exact Cloud Scheduler schedule/);
  });

  test('a portable cron passes as written (whitespace folded); Cloud Scheduler rejects what the parser rejects', () => {
    expect(cloudSchedulerCron(schedule({ cron: ' 30  2 * * MON-FRI ' }))).toBe('30 2 * * MON-FRI');
    expect(() => cloudSchedulerCron(schedule({ cron: '0 3 L * *' }))).toThrow(/schedule "nightly"/);
    expect(() => cloudSchedulerCron(schedule({ cron: '0 3 * * ? *' }))).toThrow(/schedule "nightly"/);
  });
});

describe('planJobs', () => {
  const prefix = jobPrefix('gcf', 'shop-dev');

  test('job ids name target, app and stage; two schedules that map to the same id are refused', () => {
    expect(planJobs(manifestOf({ 'daily.report': { cron: '0 1 * * *', task: 'hello' } }), { prefix, stage: 'dev' }).map((job) => job.id)).toEqual([
      'adapt--gcf--shop-dev--daily-report',
    ]);
    expect(() => planJobs(manifestOf({ 'a.b': { cron: '0 1 * * *', task: 'hello' }, a_b: { cron: '0 2 * * *', task: 'hello' } }), { prefix, stage: 'dev' })).toThrow(
      'schedules "a.b" and "a_b" would both be the Cloud Scheduler job adapt--gcf--shop-dev--a-b',
    );
  });

  test('a job read back from the API (bytes decoded, enums by name) is not a change; another schedule is', () => {
    const [planned] = planJobs(manifestOf({ nightly: { cron: '0 3 * * *', task: 'hello', args: ['x'] } }), { prefix, stage: 'dev' });
    const parent = 'projects/p/locations/l';
    const target = { kind: 'pubsub' as const, topic: 'projects/p/topics/t' };
    const body = jobBody(planned!, parent, target);
    const readBack = {
      ...body,
      state: 'ENABLED',
      retryConfig: { ...body.retryConfig, maxRetryDuration: { seconds: '0' }, minBackoffDuration: { seconds: '10' }, maxBackoffDuration: { seconds: '300' } },
      pubsubTarget: { ...body.pubsubTarget, data: Buffer.from(body.pubsubTarget.data, 'base64') },
    };
    expect(diffJobs([readBack], [planned!], parent, target)).toEqual([]);
    expect(diffJobs([{ ...readBack, schedule: '0 4 * * *' }], [planned!], parent, target)).toEqual([
      { action: 'update', job: 'adapt--gcf--shop-dev--nightly', schedule: 'nightly', detail: 'schedule' },
    ]);
  });
});
