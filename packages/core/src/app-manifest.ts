/**
 * The app's tasks and schedules as data, for build and deploy tools: what `readAppManifest()` on a
 * TargetContext returns. Checks structure only (each schedule names a task, exactly one of cron
 * and rate, string arguments); the cron and rate syntax is each target's job.
 */
import { AdaptError } from './adapt-error.js';
import type { App } from './contract.js';
import { appTasks } from './tasks.js';

export interface AppManifest {
  tasks: { name: string; description?: string }[];
  schedules: {
    name: string;
    cron?: string;
    rate?: string;
    task: string;
    args: string[];
    timezone: string;
    description?: string;
    enabled: boolean;
  }[];
}

/** The manifest of an app module's export; throws an AdaptError naming the first structural mistake. */
export function appManifest(app: App): AppManifest {
  const tasks = appTasks(app);
  const names = Object.keys(tasks);
  const manifest: AppManifest = {
    tasks: names.map((name) => {
      const task = tasks[name]!;
      const description = typeof task === 'object' ? task.description : undefined;
      if (description !== undefined && typeof description !== 'string') throw bad(`task "${name}": description must be a string`);
      return description === undefined ? { name } : { name, description };
    }),
    schedules: [],
  };
  const schedules = typeof app === 'object' && app !== null ? (app as { schedules?: unknown }).schedules : undefined;
  if (schedules === undefined) return manifest;
  if (!isRecord(schedules)) throw bad('"schedules" must be an object mapping names to { cron | rate, task, args? }');
  for (const [name, value] of Object.entries(schedules)) {
    const where = `schedule "${name}"`;
    if (!isRecord(value)) throw bad(`${where} must be an object { cron | rate, task, args? }`);
    const { cron, rate, task, args = [], timezone = 'UTC', description, enabled = true } = value;
    if (typeof task !== 'string' || !Object.hasOwn(tasks, task)) {
      throw bad(
        `${where}: task ${JSON.stringify(task)} is not one of the app's tasks (${names.length ? names.join(', ') : 'it declares none'})`,
        names.length ? `set task to one of: ${names.join(', ')}` : 'declare the task under tasks beside fetch',
      );
    }
    if ((cron === undefined) === (rate === undefined)) throw bad(`${where}: give exactly one of cron and rate`, "such as cron: '0 3 * * *' or rate: '5 minutes'");
    if (cron !== undefined && (typeof cron !== 'string' || cron.trim() === '')) throw bad(`${where}: cron must be a non-empty string, such as '0 3 * * *'`);
    if (rate !== undefined && (typeof rate !== 'string' || rate.trim() === '')) throw bad(`${where}: rate must be a non-empty string, such as '5 minutes'`);
    if (!Array.isArray(args) || !args.every((item) => typeof item === 'string')) throw bad(`${where}: args must be an array of strings, like argv`);
    if (typeof timezone !== 'string' || timezone === '') throw bad(`${where}: timezone must be an IANA name such as 'Europe/Paris'`);
    if (description !== undefined && typeof description !== 'string') throw bad(`${where}: description must be a string`);
    if (typeof enabled !== 'boolean') throw bad(`${where}: enabled must be true or false`);
    const entry: AppManifest['schedules'][number] = { name, task, args: [...(args as string[])], timezone, enabled };
    if (cron !== undefined) entry.cron = cron as string;
    if (rate !== undefined) entry.rate = rate as string;
    if (description !== undefined) entry.description = description;
    manifest.schedules.push(entry);
  }
  return manifest;
}

function bad(message: string, hint = 'fix the tasks and schedules exported beside fetch in the app module'): AdaptError {
  return new AdaptError('BAD_SCHEDULES', message, { hint });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
