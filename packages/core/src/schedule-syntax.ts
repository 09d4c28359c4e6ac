/**
 * The portable schedule syntax an app declares in `schedules`, parsed once for every target:
 *
 * - `cron`: the 5-field Unix cron of crontab(5) (minute hour day-of-month month day-of-week;
 *   `*`, lists, ranges, steps, month and day names, 0 or 7 = Sunday), as Cloud Scheduler takes it.
 * - `rate`: `"<n> minute|minutes|hour|hours|day|days"`, n ≥ 1, the singular only for 1.
 * - `timezone`: an IANA name, checked against the zones this Node knows.
 *
 * Each target translates the parsed value to its platform (EventBridge in schedule-eventbridge.ts,
 * systemd and crontab in @adapt/node's tooling) and refuses what it cannot express. Pure and
 * dependency-free: tooling imports it, nothing here runs in a user's bundle.
 */
import { AdaptError } from './adapt-error.js';

export type CronFieldName = 'minute' | 'hour' | 'day-of-month' | 'month' | 'day-of-week';

export interface CronField {
  readonly name: CronFieldName;
  /** The field as written. */
  readonly text: string;
  /** Every value the field matches, sorted, deduplicated (day-of-week: 0-6, Sunday = 0). */
  readonly values: readonly number[];
  /** True when the field begins with `*`: cron then ANDs the two day fields instead of ORing them. */
  readonly star: boolean;
  /** True when the field matches every value of its range. */
  readonly full: boolean;
}

export interface PortableCron {
  readonly kind: 'cron';
  readonly source: string;
  readonly minute: CronField;
  readonly hour: CronField;
  readonly dayOfMonth: CronField;
  readonly month: CronField;
  readonly dayOfWeek: CronField;
}

/** Which days a cron fires on, after crontab(5)'s rule for the two day fields. */
export type CronDays =
  | { readonly kind: 'every' }
  | { readonly kind: 'day-of-month'; readonly days: readonly number[] }
  | { readonly kind: 'day-of-week'; readonly weekdays: readonly number[] }
  /** Both fields restricted and neither starts with `*`: a day matching either fires. */
  | { readonly kind: 'either'; readonly days: readonly number[]; readonly weekdays: readonly number[] }
  /** One field is a `*` step (`*\/2`): only a day matching both fires. */
  | { readonly kind: 'both'; readonly days: readonly number[]; readonly weekdays: readonly number[] };

export type RateUnit = 'minute' | 'hour' | 'day';

export interface PortableRate {
  readonly kind: 'rate';
  readonly source: string;
  readonly value: number;
  readonly unit: RateUnit;
  /** The period in minutes. */
  readonly minutes: number;
}

export interface ScheduleSyntaxOptions {
  /** Names the declaration in messages, such as `schedule "nightly"`. */
  where?: string;
}

const PORTABLE_CRON_HINT =
  'The portable cron has 5 fields: minute (0-59) hour (0-23) day-of-month (1-31) month (1-12 or JAN-DEC) day-of-week (0-7 or SUN-SAT, 0 and 7 = Sunday), such as "30 2 * * MON-FRI".';
const RATE_HINT = 'Write a rate as "<n> minute|minutes|hour|hours|day|days", such as "1 hour" or "15 minutes".';

interface FieldSpec {
  readonly name: CronFieldName;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly namesStart?: number;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const PORTABLE_FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, namesStart: 1 },
  { name: 'day-of-week', min: 0, max: 7, names: DAY_NAMES, namesStart: 0 },
];

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True for `cron(...)`, `rate(...)` or `at(...)`: EventBridge's own syntax, not the portable one. */
export function isEventBridgeExpression(text: string): boolean {
  return /^\s*(cron|rate|at)\s*\(/i.test(text);
}

function syntaxError(message: string, hint: string, options: ScheduleSyntaxOptions): AdaptError {
  return new AdaptError('SCHEDULE_SYNTAX', options.where ? `${options.where}: ${message}` : message, { hint });
}

/** Refuses EventBridge's native syntax on a target that only takes the portable form. */
function refuseNative(text: string, form: 'cron' | 'rate', options: ScheduleSyntaxOptions): void {
  if (!isEventBridgeExpression(text)) return;
  const hint =
    form === 'cron'
      ? `Only the lambda target takes EventBridge's cron(...), rate(...) and at(...). ${PORTABLE_CRON_HINT}`
      : `Only the lambda target takes EventBridge's rate(...). ${RATE_HINT}`;
  throw syntaxError(`"${text}" is EventBridge Scheduler syntax; this target takes the portable ${form} form`, hint, options);
}

/** Parses and validates a portable 5-field cron; throws an AdaptError (code SCHEDULE_SYNTAX) naming the field. */
export function parseCron(text: string, options: ScheduleSyntaxOptions = {}): PortableCron {
  if (typeof text !== 'string') throw syntaxError(`cron must be a string, got ${typeof text}`, PORTABLE_CRON_HINT, options);
  refuseNative(text, 'cron', options);
  const trimmed = text.trim();
  if (trimmed.startsWith('@')) {
    const macro = MACROS[trimmed.toLowerCase()];
    const hint = macro ? `Write "${macro}" instead.` : `${trimmed} has no portable equivalent. ${PORTABLE_CRON_HINT}`;
    throw syntaxError(`cron "${text}": the @ shorthands are not portable`, hint, options);
  }
  const parts = trimmed.split(/\s+/).filter((part) => part !== '');
  if (parts.length !== 5) {
    const extra = parts.length === 6 ? ' (6 fields is the EventBridge or seconds-first form)' : '';
    throw syntaxError(`cron "${text}" has ${parts.length} field${parts.length === 1 ? '' : 's'}, expected 5${extra}`, PORTABLE_CRON_HINT, options);
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = PORTABLE_FIELDS.map((spec, index) => parseField(parts[index] as string, spec, text, options)) as [
    CronField,
    CronField,
    CronField,
    CronField,
    CronField,
  ];
  const cron: PortableCron = { kind: 'cron', source: text, minute, hour, dayOfMonth, month, dayOfWeek };
  checkDaysOccur(cron, options);
  return cron;
}

function parseField(part: string, spec: FieldSpec, text: string, options: ScheduleSyntaxOptions): CronField {
  const fail = (message: string): never => {
    throw syntaxError(`cron "${text}": ${spec.name} ${message}`, fieldHint(spec), options);
  };
  const values = new Set<number>();
  for (const item of part.split(',')) {
    if (item === '') fail(`"${part}" has an empty list item`);
    const slash = item.indexOf('/');
    const base = slash === -1 ? item : item.slice(0, slash);
    let step = 1;
    if (slash !== -1) {
      const stepText = item.slice(slash + 1);
      if (!/^\d+$/.test(stepText)) fail(`step "${stepText}" in "${item}" is not a whole number`);
      step = Number(stepText);
      const span = spec.max - spec.min + 1;
      if (step < 1 || step > span) fail(`step ${step} in "${item}" is out of range 1-${span}`);
    }
    let low: number;
    let high: number;
    if (base === '*') {
      low = spec.min;
      high = spec.max;
    } else if (base.includes('-')) {
      const [from, to, ...rest] = base.split('-');
      if (rest.length > 0 || from === '' || to === '') fail(`"${item}" is not a range like 1-5`);
      low = fieldValue(from as string, spec, item, fail);
      high = fieldValue(to as string, spec, item, fail);
      if (low > high) fail(`range "${base}" goes backwards; write it as two ranges, such as "${base.split('-')[0]}-${spec.max},${spec.min}-${base.split('-')[1]}"`);
    } else {
      low = fieldValue(base, spec, item, fail);
      high = low;
      if (slash !== -1) fail(`"${item}": a step needs a range or * before it, such as "${base}-${spec.max}/${step}"`);
    }
    for (let value = low; value <= high; value += step) values.add(spec.name === 'day-of-week' && value === 7 ? 0 : value);
  }
  const sorted = [...values].sort((a, b) => a - b);
  const size = spec.name === 'day-of-week' ? 7 : spec.max - spec.min + 1;
  return { name: spec.name, text: part, values: sorted, star: part.startsWith('*'), full: sorted.length === size };
}

function fieldValue(token: string, spec: FieldSpec, item: string, fail: (message: string) => never): number {
  if (/^\d+$/.test(token)) {
    const value = Number(token);
    if (value < spec.min || value > spec.max) fail(`${value} in "${item}" is out of range ${spec.min}-${spec.max}`);
    return value;
  }
  const index = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (index === -1 || spec.namesStart === undefined) {
    const names = spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : '';
    return fail(`"${token}" in "${item}" is not a value (${spec.min}-${spec.max}${names})`);
  }
  return index + spec.namesStart;
}

function fieldHint(spec: FieldSpec): string {
  const names = spec.names ? ` or the names ${spec.names.join(',')}` : '';
  const sunday = spec.name === 'day-of-week' ? ' (0 and 7 are Sunday)' : '';
  return `${spec.name} takes ${spec.min}-${spec.max}${names}${sunday}, as *, a value, a list (1,2), a range (1-5) or a step (*/15, 0-30/10). ${PORTABLE_CRON_HINT}`;
}

/** Refuses a cron whose day-of-month never occurs in its months (such as `0 0 31 2 *`). */
function checkDaysOccur(cron: PortableCron, options: ScheduleSyntaxOptions): void {
  const days = cronDays(cron);
  if (days.kind !== 'day-of-month' && days.kind !== 'both') return;
  const longest = Math.max(...cron.month.values.map((month) => DAYS_IN_MONTH[month - 1] as number));
  if (days.days.some((day) => day <= longest)) return;
  throw syntaxError(
    `cron "${cron.source}": day-of-month ${cron.dayOfMonth.text} never occurs in month ${cron.month.text}`,
    'Pick a day-of-month that exists in those months.',
    options,
  );
}

/** Which days the cron fires on: crontab(5) ORs the two day fields unless one of them starts with `*`. */
export function cronDays(cron: PortableCron): CronDays {
  const { dayOfMonth: dom, dayOfWeek: dow } = cron;
  if (dom.star || dow.star) {
    if (dom.full && dow.full) return { kind: 'every' };
    if (dom.full) return { kind: 'day-of-week', weekdays: dow.values };
    if (dow.full) return { kind: 'day-of-month', days: dom.values };
    return { kind: 'both', days: dom.values, weekdays: dow.values };
  }
  if (dom.full || dow.full) return { kind: 'every' };
  return { kind: 'either', days: dom.values, weekdays: dow.values };
}

/** Parses a portable rate (`"15 minutes"`); throws an AdaptError (code SCHEDULE_SYNTAX). */
export function parseRate(text: string, options: ScheduleSyntaxOptions = {}): PortableRate {
  if (typeof text !== 'string') throw syntaxError(`rate must be a string, got ${typeof text}`, RATE_HINT, options);
  refuseNative(text, 'rate', options);
  return parseRateBody(text, text.trim(), RATE_HINT, options);
}

/** The body of a rate, shared with EventBridge's `rate(...)`. */
export function parseRateBody(source: string, body: string, hint: string, options: ScheduleSyntaxOptions): PortableRate {
  const match = /^(\S+)\s+(\S+)$/.exec(body);
  if (!match) throw syntaxError(`rate "${source}" is not "<n> <unit>"`, hint, options);
  const [, count, unitText] = match as unknown as [string, string, string];
  if (!/^\d+$/.test(count) || Number(count) < 1 || !Number.isSafeInteger(Number(count))) {
    throw syntaxError(`rate "${source}": ${count} is not a whole number of 1 or more`, hint, options);
  }
  const value = Number(count);
  const unitMatch = /^(minute|hour|day)(s?)$/.exec(unitText);
  if (!unitMatch) {
    const below = /^(second|sec|s|ms|millisecond)s?$/i.test(unitText) ? ' (the shortest rate is 1 minute)' : '';
    throw syntaxError(`rate "${source}": unit "${unitText}" is not minute, minutes, hour, hours, day or days${below}`, hint, options);
  }
  const unit = unitMatch[1] as RateUnit;
  const plural = unitMatch[2] === 's';
  if (value === 1 && plural) throw syntaxError(`rate "${source}": write "1 ${unit}" (singular for 1)`, hint, options);
  if (value > 1 && !plural) throw syntaxError(`rate "${source}": write "${value} ${unit}s" (plural above 1)`, hint, options);
  const minutes = value * (unit === 'minute' ? 1 : unit === 'hour' ? 60 : 1440);
  return { kind: 'rate', source, value, unit, minutes };
}

/**
 * The cron that fires exactly at the rate's period, aligned on the clock (`"15 minutes"` →
 * `*\/15 * * * *`), or undefined when no cron line is exact (7 minutes, 5 hours, 2 days: cron steps
 * restart at each hour, day or month).
 */
export function rateToCron(rate: PortableRate): string | undefined {
  const { minutes } = rate;
  if (minutes < 60) return 60 % minutes === 0 ? (minutes === 1 ? '* * * * *' : `*/${minutes} * * * *`) : undefined;
  if (minutes < 1440) {
    if (minutes % 60 !== 0) return undefined;
    const hours = minutes / 60;
    if (24 % hours !== 0) return undefined;
    return hours === 1 ? '0 * * * *' : `0 */${hours} * * *`;
  }
  return minutes === 1440 ? '0 0 * * *' : undefined;
}

/** Checks an IANA timezone name against the zones this Node knows; returns it. */
export function parseTimezone(timezone: string, options: ScheduleSyntaxOptions = {}): string {
  const hint = 'Use an IANA timezone name such as "UTC", "Europe/Paris" or "America/New_York".';
  if (typeof timezone !== 'string' || timezone.trim() === '' || timezone !== timezone.trim()) {
    throw syntaxError(`timezone ${JSON.stringify(timezone)} is not a timezone name`, hint, options);
  }
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    throw syntaxError(`timezone "${timezone}" is not a known IANA timezone`, hint, options);
  }
  // Intl also takes offsets such as "+01:00", which are not zone names.
  if (!/^[A-Za-z]/.test(timezone) || /^[+-]/.test(resolved)) {
    throw syntaxError(`timezone "${timezone}" is an offset, not an IANA timezone name`, hint, options);
  }
  return timezone;
}

/**
 * The next `count` times (UTC, to the minute) strictly after `after` when the cron fires, read in
 * UTC. What the cron means, for checking each target's translation and showing the next run.
 */
export function nextCronTimes(cron: PortableCron, after: Date, count: number): Date[] {
  const days = cronDays(cron);
  const minutes = cron.minute.values;
  const hours = cron.hour.values;
  const months = new Set(cron.month.values);
  const times: Date[] = [];
  const start = Math.floor(after.getTime() / 60_000) * 60_000 + 60_000;
  const firstDay = Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth(), new Date(start).getUTCDate());
  // 28 years bound the search: the calendar repeats by then, so a cron that never fires ends.
  for (let day = firstDay, seen = 0; times.length < count && seen < 28 * 366; day += 86_400_000, seen++) {
    const date = new Date(day);
    if (!months.has(date.getUTCMonth() + 1) || !dayMatches(days, date.getUTCDate(), date.getUTCDay())) continue;
    for (const hour of hours) {
      for (const minute of minutes) {
        const time = day + hour * 3_600_000 + minute * 60_000;
        if (time >= start && times.length < count) times.push(new Date(time));
      }
    }
  }
  return times;
}

function dayMatches(days: CronDays, dayOfMonth: number, weekday: number): boolean {
  switch (days.kind) {
    case 'every':
      return true;
    case 'day-of-month':
      return days.days.includes(dayOfMonth);
    case 'day-of-week':
      return days.weekdays.includes(weekday);
    case 'either':
      return days.days.includes(dayOfMonth) || days.weekdays.includes(weekday);
    case 'both':
      return days.days.includes(dayOfMonth) && days.weekdays.includes(weekday);
  }
}

/** Compresses sorted values into cron list syntax: `*`, `start/step`-free ranges and lists (`1-5,9`). */
export function formatValues(values: readonly number[]): string {
  const parts: string[] = [];
  for (let index = 0; index < values.length; ) {
    let end = index;
    while (end + 1 < values.length && (values[end + 1] as number) === (values[end] as number) + 1) end++;
    const first = values[index] as number;
    const last = values[end] as number;
    if (end - index >= 2) parts.push(`${first}-${last}`);
    else for (let at = index; at <= end; at++) parts.push(String(values[at]));
    index = end + 1;
  }
  return parts.join(',');
}
