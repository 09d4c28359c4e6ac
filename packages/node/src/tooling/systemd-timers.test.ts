/**
 * The systemd timers for the app's schedules, checked by systemd itself: `systemd-analyze
 * calendar` computes each OnCalendar='s next elapses, which must be the times the cron means
 * (nextCronTimes in @adapt/core); `systemd-analyze verify` reads every generated file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAdaptError, nextCronTimes, parseCron, type AppManifest, type TargetContext } from '@adapt/core';
import { describe, expect, it } from 'vitest';
import { requireComponent } from '../../../../test/components.js';
import { readAppManifest } from '../../../cli/src/task-runner.js';
import { nodeTarget } from './index.js';
import { nodeSettings } from './settings.js';
import { onCalendar, systemdScheduleUnits } from './systemd-timers.js';

const manifestOf = (schedules: Partial<AppManifest['schedules'][number]>[]): AppManifest => ({
  tasks: [{ name: 'report' }, { name: 'cleanup' }],
  schedules: schedules.map((schedule, index) => ({ name: `s${index}`, task: 'report', args: [], timezone: 'UTC', enabled: true, ...schedule })),
});

function settingsFor(installDir: string) {
  const context = { settings: { installDir, nodePath: process.execPath }, appName: 'shop', stage: 'prod' } as unknown as TargetContext;
  return nodeSettings(context);
}

/** The next `count` elapses systemd computes for OnCalendar= values, merged, in UTC. */
function systemdElapses(specs: string[], base: Date, count: number): string[] {
  const baseText = `${base.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  const result = spawnSync('systemd-analyze', ['calendar', `--iterations=${count}`, `--base-time=${baseText}`, ...specs], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const times = [...result.stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w{3} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/g)].map(
    (match) => `${(match[1] as string).replace(' ', 'T')}.000Z`,
  );
  return [...new Set(times)].sort().slice(0, count);
}

describe('onCalendar', () => {
  it.each([
    ['0 3 * * *', ['*-*-* 03:00:00 UTC']],
    ['*/15 9-17 * * MON-FRI', ['Mon..Fri *-*-* 09..17:00,15,30,45:00 UTC']],
    ['30 2 1,15 * *', ['*-*-01,15 02:30:00 UTC']],
    ['0 0 1 * 0', ['*-*-01 00:00:00 UTC', 'Sun *-*-* 00:00:00 UTC']],
    ['0 12 */10 * 5', ['Fri *-*-01,11,21,31 12:00:00 UTC']],
    ['0 0 29 2 *', ['*-02-29 00:00:00 UTC']],
    ['5 4 * JAN,JUL 5-7', ['Sun,Fri,Sat *-01,07-* 04:05:00 UTC']],
  ])('%s -> %j', (cron, specs) => {
    expect(onCalendar(parseCron(cron), 'UTC')).toEqual(specs);
  });

  const base = new Date(Date.UTC(2026, 11, 30, 22, 17, 0));
  it.each([
    '0 3 * * *',
    '*/15 9-17 * * MON-FRI',
    '30 2 1,15 * *',
    '0 0 1 * 0',
    '0 12 */10 * 5',
    '0 0 29 2 *',
    '5 4 * JAN,JUL 5-7',
    '0-10/5 */7 * * *',
    '59 23 31 * *',
    '0 0 * 2 1',
    '* * * * *',
  ])('systemd elapses %s at the times the cron means', (cron) => {
    if (!requireComponent('systemd-analyze')) return;
    const parsed = parseCron(cron);
    const expected = nextCronTimes(parsed, base, 6).map((time) => time.toISOString());
    expect(systemdElapses(onCalendar(parsed, 'UTC'), base, 6)).toEqual(expected);
  });

  it('keeps the schedule timezone: 03:00 in Paris is 02:00 UTC in winter, 01:00 in summer', () => {
    if (!requireComponent('systemd-analyze')) return;
    const specs = onCalendar(parseCron('0 3 1 * *'), 'Europe/Paris');
    expect(specs).toEqual(['*-*-01 03:00:00 Europe/Paris']);
    expect(systemdElapses(specs, new Date(Date.UTC(2027, 0, 15)), 7)).toEqual([
      '2027-02-01T02:00:00.000Z',
      '2027-03-01T02:00:00.000Z',
      '2027-04-01T01:00:00.000Z',
      '2027-05-01T01:00:00.000Z',
      '2027-06-01T01:00:00.000Z',
      '2027-07-01T01:00:00.000Z',
      '2027-08-01T01:00:00.000Z',
    ]);
  });
});

describe('systemdScheduleUnits', () => {
  it('writes a timer and a oneshot service per schedule, which systemd-analyze verify accepts', () => {
    if (!requireComponent('systemd-analyze')) return;
    const dir = mkdtempSync(join(tmpdir(), 'adapt-timers-'));
    try {
      const settings = settingsFor(dir);
      const files = systemdScheduleUnits(
        manifestOf([
          { name: 'nightly', cron: '0 3 * * *', args: ['daily', 'say "hi" at 100% for $HOME'], timezone: 'Europe/Paris', description: 'the report' },
          { name: 'often', rate: '15 minutes', task: 'cleanup' },
          { name: 'either', cron: '0 0 1 * MON', enabled: false },
        ]),
        settings,
        'shop',
      );
      expect(files.map((file) => file.path)).toEqual([
        'adapt-shop-nightly.service',
        'adapt-shop-nightly.timer',
        'adapt-shop-often.service',
        'adapt-shop-often.timer',
        'adapt-shop-either.service',
        'adapt-shop-either.timer',
      ]);
      for (const file of files) writeFileSync(join(dir, file.path), file.text);
      const result = spawnSync('systemd-analyze', ['verify', ...files.map((file) => join(dir, file.path))], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);

      const text = (path: string) => (files.find((file) => file.path === path)?.text ?? '').split('\n');
      expect(text('adapt-shop-nightly.service')).toEqual(
        expect.arrayContaining([
          'Type=oneshot',
          'User=www-data',
          `WorkingDirectory=${dir}`,
          `ExecStart="${process.execPath}" "${dir}/server.mjs" "run" "report" "daily" "say \\"hi\\" at 100%% for $$HOME"`,
          'Environment="NODE_ENV=production"',
          'EnvironmentFile=-/etc/default/adapt-shop',
        ]),
      );
      expect(text('adapt-shop-nightly.timer')).toEqual(
        expect.arrayContaining(['OnCalendar=*-*-* 03:00:00 Europe/Paris', 'Persistent=false', 'AccuracySec=1s', 'Unit=adapt-shop-nightly.service', 'WantedBy=timers.target']),
      );
      expect(text('adapt-shop-often.timer')).toEqual(expect.arrayContaining(['OnBootSec=15min', 'OnUnitActiveSec=15min']));
      expect(text('adapt-shop-either.timer')).toEqual(expect.arrayContaining(['OnCalendar=*-*-01 00:00:00 UTC', 'OnCalendar=Mon *-*-* 00:00:00 UTC']));
      expect(text('adapt-shop-either.timer').join('\n')).toContain('enabled: false: the timer stays off');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [[{ cron: 'cron(0 3 * * ? *)' }], 'schedule "s0": "cron(0 3 * * ? *)" is EventBridge Scheduler syntax; this target takes the portable cron form'],
    [[{ cron: '0 3 * * 9' }], 'schedule "s0": cron "0 3 * * 9": day-of-week 9 in "9" is out of range 0-7'],
    [[{ rate: 'rate(5 minutes)' }], 'this target takes the portable rate form'],
    [[{ rate: '1 hour', timezone: 'Nowhere/City' }], 'schedule "s0": timezone "Nowhere/City" is not a known IANA timezone'],
    [[{ name: 'a b', rate: '1 hour' }], "a systemd unit name takes letters, digits, '.', '_' and '-' only"],
    [[{ rate: '1 hour', args: ['two\nlines'] }], 'a schedule argument cannot hold a line break or NUL'],
    [
      [{ cron: '0 3 * * 9' }, { rate: '0 minutes' }],
      '2 schedules cannot become systemd timers:\n  schedule "s0": cron "0 3 * * 9": day-of-week 9 in "9" is out of range 0-7\n  schedule "s1": rate "0 minutes": 0 is not a whole number of 1 or more',
    ],
  ])('refuses %j, naming the schedule', (schedules, message) => {
    let error: unknown;
    try {
      systemdScheduleUnits(manifestOf(schedules), settingsFor('/srv/shop'), 'shop');
    } catch (caught) {
      error = caught;
    }
    expect(isAdaptError(error) && error.message).toContain(message);
  });
});

describe('adapt build --target node', () => {
  it("writes the timers of the app's schedules beside the unit, and none for an app without schedules", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'adapt-timers-build-'));
    try {
      mkdirSync(join(dir, 'src'));
      const entry = join(dir, 'src', 'app.mjs');
      const outDir = join(dir, '.adapt', 'node');
      mkdirSync(outDir, { recursive: true });
      const context: TargetContext = {
        cwd: dir,
        entry,
        outDir,
        stage: 'prod',
        settings: {},
        config: {},
        appName: 'shop',
        production: true,
        log: { info() {}, warn() {}, debug() {}, step: (_title, run) => run() },
        readAppManifest: () => readAppManifest(context),
      };
      writeFileSync(
        entry,
        "export default { fetch: () => new Response('ok'), tasks: { report: () => 1 }, schedules: { nightly: { cron: '0 3 * * *', task: 'report', args: ['x'] } } };\n",
      );
      const artifacts = await nodeTarget.package!(context, { file: join(outDir, 'server.mjs'), bytes: 0 });
      expect(artifacts.map((artifact) => artifact.path)).toEqual(expect.arrayContaining(['adapt-shop-nightly.service', 'adapt-shop-nightly.timer']));
      expect(readFileSync(join(outDir, 'adapt-shop-nightly.timer'), 'utf8')).toContain('OnCalendar=*-*-* 03:00:00 UTC');
      expect(readFileSync(join(outDir, 'adapt-shop-nightly.service'), 'utf8')).toContain('ExecStart="/usr/bin/node" "/srv/shop/server.mjs" "run" "report" "x"');

      const plain = { ...context, outDir: join(dir, 'plain'), readAppManifest: () => Promise.resolve({ tasks: [], schedules: [] }) };
      mkdirSync(plain.outDir);
      const none = await nodeTarget.package!(plain, { file: join(plain.outDir, 'server.mjs'), bytes: 0 });
      expect(none.filter((artifact) => /\.timer$/.test(artifact.path))).toEqual([]);
      expect(existsSync(join(plain.outDir, 'adapt-shop-nightly.timer'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
