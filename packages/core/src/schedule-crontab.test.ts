import { describe, expect, it } from 'vitest';
import { isAdaptError } from './adapt-error.js';
import type { AppManifest } from './app-manifest.js';
import { scheduleCrontab } from './schedule-crontab.js';
import { parseCron } from './schedule-syntax.js';

const manifestOf = (schedules: Partial<AppManifest['schedules'][number]>[]): AppManifest => ({
  tasks: [{ name: 'report' }],
  schedules: schedules.map((schedule, index) => ({ name: `s${index}`, task: 'report', args: [], timezone: 'UTC', enabled: true, ...schedule })),
});
const options = { target: 'fastcgi', installDir: '/srv/shop', nodePath: '/usr/bin/node' };

describe('scheduleCrontab', () => {
  it('is absent for an app without schedules', () => {
    expect(scheduleCrontab(manifestOf([]), options)).toBeUndefined();
  });

  it('writes one CRON_TZ and one line per schedule, running the build in its folder', () => {
    const text = scheduleCrontab(
      manifestOf([
        { name: 'nightly', cron: '0  3 * * *', args: ['daily', "it's 100%"], timezone: 'Europe/Paris', description: 'the report' },
        { name: 'often', rate: '15 minutes' },
        { name: 'off', cron: '0 0 1 * *', enabled: false },
      ]),
      options,
    ) as string;
    const lines = text.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        '# nightly: task report (the report)',
        'CRON_TZ=Europe/Paris',
        "0 3 * * * cd /srv/shop && /usr/bin/node /srv/shop/server.mjs run report daily 'it'\\''s 100\\%'",
        '# often: task report, every 15 minutes',
        'CRON_TZ=UTC',
        '*/15 * * * * cd /srv/shop && /usr/bin/node /srv/shop/server.mjs run report',
        '# enabled: false: 0 0 1 * * cd /srv/shop && /usr/bin/node /srv/shop/server.mjs run report',
      ]),
    );
    expect(text).toContain('#   sudo crontab -u www-data /srv/shop/adapt.crontab');
    // every active line is a portable cron followed by the command
    for (const line of lines.filter((line) => /^[\d*]/.test(line))) parseCron(line.split(' ').slice(0, 5).join(' '));
  });

  it.each([
    [[{ rate: '7 minutes' }], 'schedule "s0": rate "7 minutes" has no exact cron line'],
    [[{ cron: 'cron(0 3 * * ? *)' }], 'is EventBridge Scheduler syntax; this target takes the portable cron form'],
    [[{ cron: '61 * * * *' }], 'minute 61 in "61" is out of range 0-59'],
    [[{ rate: '1 hour', timezone: 'Atlantis/Capital' }], 'timezone "Atlantis/Capital" is not a known IANA timezone'],
    [[{ rate: '1 hour', args: ['a\nb'] }], 'a schedule argument cannot hold a line break or NUL'],
    [[{ rate: '5 hours' }, { rate: '2 days' }], '2 schedules cannot become cron lines:\n  schedule "s0": rate "5 hours" has no exact cron line'],
  ])('refuses %j', (schedules, message) => {
    let error: unknown;
    try {
      scheduleCrontab(manifestOf(schedules), options);
    } catch (caught) {
      error = caught;
    }
    expect(isAdaptError(error) && error.message).toContain(message);
  });
});
