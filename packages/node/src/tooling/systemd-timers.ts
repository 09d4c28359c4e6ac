/**
 * The app's schedules as systemd timers beside the node target's unit: per schedule, one
 * `<service>-<schedule>.timer` and the `.service` it starts (Type=oneshot, the app's user, folder,
 * environment and EnvironmentFile, `node server.mjs run <task> <args>`).
 *
 * - cron → OnCalendar= in the schedule's timezone: each field as a list of values; crontab(5)'s
 *   "day-of-month or day-of-week" becomes two OnCalendar= lines (systemd ANDs within one line).
 * - rate → OnBootSec= and OnUnitActiveSec= of the period: it counts from the last run, not the clock.
 * - Persistent=false: a run missed while the machine was down is not made up at boot, as cron and
 *   EventBridge do not make it up. AccuracySec=1s: it fires at its minute, as cron does.
 * - `enabled: false`: the files are written, and the install lines leave that timer off.
 */
import { AdaptError, cronDays, isAdaptError, parseCron, parseRate, parseTimezone, trustProxyEnvText, type AppManifest, type CronField, type PortableCron } from '@adapt/core';
import type { NodeTargetSettings } from './settings.js';
import { environmentValue } from './systemd.js';

export interface ScheduleUnitFile {
  path: string;
  text: string;
  description: string;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The OnCalendar= values for a portable cron: one, or two when either day field may match. */
export function onCalendar(cron: PortableCron, timezone: string): string[] {
  const time = `${values(cron.hour)}:${values(cron.minute)}:00`;
  const month = values(cron.month);
  const days = cronDays(cron);
  const zone = ` ${timezone}`;
  const dom = (list: readonly number[]) => calendarList(list, (day) => String(day).padStart(2, '0'));
  const dow = (list: readonly number[]) => calendarList(list, (day) => WEEKDAYS[day] as string);
  switch (days.kind) {
    case 'every':
      return [`*-${month}-* ${time}${zone}`];
    case 'day-of-month':
      return [`*-${month}-${dom(days.days)} ${time}${zone}`];
    case 'day-of-week':
      return [`${dow(days.weekdays)} *-${month}-* ${time}${zone}`];
    case 'both':
      return [`${dow(days.weekdays)} *-${month}-${dom(days.days)} ${time}${zone}`];
    case 'either':
      return [`*-${month}-${dom(days.days)} ${time}${zone}`, `${dow(days.weekdays)} *-${month}-* ${time}${zone}`];
  }
}

function values(field: CronField): string {
  return field.full ? '*' : calendarList(field.values, (value) => String(value).padStart(2, '0'));
}

/** Sorted values as systemd's list syntax: runs of three or more as `a..b`. */
function calendarList(list: readonly number[], show: (value: number) => string): string {
  const parts: string[] = [];
  for (let index = 0; index < list.length; ) {
    let end = index;
    while (end + 1 < list.length && (list[end + 1] as number) === (list[end] as number) + 1) end++;
    if (end - index >= 2) parts.push(`${show(list[index] as number)}..${show(list[end] as number)}`);
    else for (let at = index; at <= end; at++) parts.push(show(list[at] as number));
    index = end + 1;
  }
  return parts.join(',');
}

/** One ExecStart= word: quoted, with `\`, `"`, `%` (specifiers) and `$` (variables) escaped. */
function execWord(word: string): string {
  if (/[\r\n\0]/.test(word)) {
    throw new AdaptError('BAD_SCHEDULE', `a schedule argument cannot hold a line break or NUL: ${JSON.stringify(word)}`, {
      hint: 'pass such values through a file the task reads',
    });
  }
  return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

/** Every schedule's .timer and .service; throws one AdaptError listing every schedule systemd cannot take. */
export function systemdScheduleUnits(manifest: AppManifest, settings: NodeTargetSettings, appName: string): ScheduleUnitFile[] {
  const files: ScheduleUnitFile[] = [];
  const problems: AdaptError[] = [];
  for (const schedule of manifest.schedules) {
    const where = `schedule "${schedule.name}"`;
    try {
      if (!/^[A-Za-z0-9_.-]+$/.test(schedule.name)) {
        throw new AdaptError('BAD_SCHEDULE', `${where}: a systemd unit name takes letters, digits, '.', '_' and '-' only`, {
          hint: 'Rename the schedule, such as "nightly-report".',
        });
      }
      const timezone = parseTimezone(schedule.timezone, { where });
      const timing =
        schedule.cron !== undefined
          ? onCalendar(parseCron(schedule.cron, { where }), timezone).map((spec) => `OnCalendar=${spec}`)
          : ((minutes) => [`OnBootSec=${minutes}min`, `OnUnitActiveSec=${minutes}min`])(parseRate(schedule.rate as string, { where }).minutes);
      const unit = `${settings.serviceName}-${schedule.name}`;
      files.push(
        { path: `${unit}.service`, text: taskService(settings, appName, unit, schedule), description: `runs the task ${schedule.task} (schedule ${schedule.name})` },
        {
          path: `${unit}.timer`,
          text: taskTimer(appName, unit, schedule, timing, settings.installDir),
          description: `systemd timer: ${schedule.cron ?? `every ${schedule.rate}`}`,
        },
      );
    } catch (error) {
      if (!isAdaptError(error)) throw error;
      problems.push(error);
    }
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) {
    throw new AdaptError('SCHEDULE_SYNTAX', `${problems.length} schedules cannot become systemd timers:\n${problems.map((problem) => `  ${problem.message}`).join('\n')}`, {
      hint: problems.map((problem) => problem.hint).filter(Boolean)[0],
    });
  }
  return files;
}

type Schedule = AppManifest['schedules'][number];

function taskService(settings: NodeTargetSettings, appName: string, unit: string, schedule: Schedule): string {
  const { installDir } = settings;
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    PORT: String(settings.port),
    HOST: settings.host,
    TRUST_PROXY: settings.trustProxy === undefined ? '1' : trustProxyEnvText(settings.trustProxy),
    ...settings.env,
  };
  const command = [settings.nodePath, `${installDir}/server.mjs`, 'run', schedule.task, ...schedule.args].map(execWord).join(' ');
  return [
    `# ${unit}.service, generated by \`adapt build --target node\`: the task ${schedule.task}, started by ${unit}.timer.`,
    `# Run it by hand: sudo systemctl start ${unit}.service; its output: journalctl -u ${unit}.service`,
    '',
    '[Unit]',
    `Description=${appName}: task ${schedule.task} (schedule ${schedule.name})`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    `User=${settings.user}`,
    `Group=${settings.user}`,
    `WorkingDirectory=${installDir}`,
    `ExecStart=${command}`,
    ...Object.entries(env).map(([name, value]) => `Environment=${environmentValue(name, value)}`),
    // the same secrets file as the app's unit, read when present
    `EnvironmentFile=-/etc/default/${settings.serviceName}`,
    // SIGTERM aborts the task's context.signal; the task has stopTimeout seconds to finish.
    'KillSignal=SIGTERM',
    `TimeoutStopSec=${settings.stopTimeout}`,
    '# The same sandbox as the app: read its folder, write nowhere but /tmp (add ReadWritePaths= for more).',
    'NoNewPrivileges=true',
    'ProtectSystem=strict',
    'ProtectHome=true',
    'PrivateTmp=true',
    'PrivateDevices=true',
    'ProtectKernelTunables=true',
    'ProtectKernelModules=true',
    'ProtectControlGroups=true',
    'RestrictSUIDSGID=true',
    'LockPersonality=true',
    'UMask=0027',
    '',
  ].join('\n');
}

function taskTimer(appName: string, unit: string, schedule: Schedule, timing: string[], installDir: string): string {
  const when = schedule.cron !== undefined ? `cron "${schedule.cron}" (${schedule.timezone})` : `every ${schedule.rate}, counted from the last run`;
  const install = schedule.enabled
    ? [`#   sudo systemctl daemon-reload && sudo systemctl enable --now ${unit}.timer`]
    : ['#   sudo systemctl daemon-reload   (enabled: false: the timer stays off until', `#   sudo systemctl enable --now ${unit}.timer)`];
  return [
    `# ${unit}.timer, generated by \`adapt build --target node\`: schedule ${schedule.name}, ${when}.`,
    `# Install beside the app's unit: sudo cp ${installDir}/${unit}.timer ${installDir}/${unit}.service /etc/systemd/system/`,
    ...install,
    `# Next runs: systemctl list-timers ${unit}.timer`,
    '',
    '[Unit]',
    `Description=${appName}: schedule ${schedule.name}${schedule.description ? ` (${schedule.description.replace(/[\r\n]+/g, ' ')})` : ''}`,
    '',
    '[Timer]',
    ...timing,
    'AccuracySec=1s',
    'Persistent=false',
    `Unit=${unit}.service`,
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
}
