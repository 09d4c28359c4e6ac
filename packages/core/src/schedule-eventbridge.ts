/**
 * EventBridge Scheduler's own schedule expressions, validated by its documented rules, and the
 * translation of the portable forms (schedule-syntax.ts) into them.
 *
 * `cron(minutes hours day-of-month month day-of-week year)`: six fields; day-of-month 1-31 with
 * `, - * ? / L W`; month 1-12 or JAN-DEC; day-of-week 1-7 or SUN-SAT (Sunday = 1) with
 * `, - * ? L #`; year 1970-2199; exactly one of day-of-month and day-of-week is `?`; a `#` stands
 * alone in its field. `rate(value unit)` with minute(s), hour(s), day(s): 1 minute is the shortest.
 * `at(yyyy-mm-ddThh:mm:ss)` fires once. An expression is at most 256 characters.
 */
import { AdaptError } from './adapt-error.js';
import {
  cronDays,
  formatValues,
  isEventBridgeExpression,
  type PortableCron,
  type PortableRate,
  parseCron,
  parseRate,
  parseRateBody,
  type ScheduleSyntaxOptions,
} from './schedule-syntax.js';

export type EventBridgeFieldName = 'minutes' | 'hours' | 'day-of-month' | 'month' | 'day-of-week' | 'year';

export interface EventBridgeField {
  readonly name: EventBridgeFieldName;
  readonly text: string;
  /** `?`: no specific value. */
  readonly any: boolean;
  /** The values matched, when the field is plain (no `?`, `L`, `W`, `#`); day-of-week 1-7. */
  readonly values: readonly number[] | undefined;
}

export type EventBridgeSchedule =
  | { readonly kind: 'cron'; readonly expression: string; readonly fields: readonly EventBridgeField[] }
  | { readonly kind: 'rate'; readonly expression: string; readonly rate: PortableRate }
  | { readonly kind: 'at'; readonly expression: string; readonly at: string };

const MAX_EXPRESSION = 256;

const CRON_HINT =
  'EventBridge Scheduler takes cron(minutes hours day-of-month month day-of-week year), such as "cron(0 12 ? * MON-FRI *)": day-of-week is 1-7 or SUN-SAT (Sunday = 1), one of day-of-month and day-of-week must be ?, and year is 1970-2199. Or write the portable 5-field cron ("0 12 * * 1-5") and let adapt translate it.';
const RATE_HINT = 'EventBridge Scheduler takes rate(<n> minute|minutes|hour|hours|day|days), such as "rate(5 minutes)"; the shortest is rate(1 minute).';
const AT_HINT = 'EventBridge Scheduler takes at(yyyy-mm-ddThh:mm:ss), such as "at(2027-01-31T09:30:00)", in the schedule\'s timezone.';

interface Spec {
  readonly name: EventBridgeFieldName;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly specials: string;
}

const SPECS: readonly Spec[] = [
  { name: 'minutes', min: 0, max: 59, specials: ', - * /' },
  { name: 'hours', min: 0, max: 23, specials: ', - * /' },
  { name: 'day-of-month', min: 1, max: 31, specials: ', - * ? / L W' },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
    specials: ', - * /',
  },
  { name: 'day-of-week', min: 1, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], specials: ', - * ? L #' },
  { name: 'year', min: 1970, max: 2199, specials: ', - * /' },
];

function ebError(message: string, hint: string, options: ScheduleSyntaxOptions): AdaptError {
  return new AdaptError('SCHEDULE_SYNTAX', options.where ? `${options.where}: ${message}` : message, { hint });
}

/** Parses and validates an EventBridge Scheduler expression: `cron(...)`, `rate(...)` or `at(...)`. */
export function parseEventBridgeExpression(text: string, options: ScheduleSyntaxOptions = {}): EventBridgeSchedule {
  const match = /^(cron|rate|at)\((.*)\)$/s.exec(text);
  if (!match) {
    throw ebError(`"${text}" is not cron(...), rate(...) or at(...) (lowercase, no spaces around the parentheses)`, CRON_HINT, options);
  }
  if (text.length > MAX_EXPRESSION) {
    throw ebError(`"${text.slice(0, 40)}..." is ${text.length} characters; EventBridge takes at most ${MAX_EXPRESSION}`, CRON_HINT, options);
  }
  const [, kind, body] = match as unknown as [string, 'cron' | 'rate' | 'at', string];
  if (kind === 'rate') return { kind, expression: text, rate: parseRateBody(text, body, RATE_HINT, options) };
  if (kind === 'at') return { kind, expression: text, at: parseAt(text, body, options) };
  return { kind, expression: text, fields: parseEventBridgeCron(text, body, options) };
}

function parseAt(text: string, body: string, options: ScheduleSyntaxOptions): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!match) throw ebError(`"${text}" is not at(yyyy-mm-ddThh:mm:ss)`, AT_HINT, options);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const real =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  if (!real) throw ebError(`"${text}": ${body} is not a real date and time`, AT_HINT, options);
  return body;
}

function parseEventBridgeCron(text: string, body: string, options: ScheduleSyntaxOptions): EventBridgeField[] {
  const parts = body
    .trim()
    .split(/\s+/)
    .filter((part) => part !== '');
  if (parts.length !== 6) {
    const five = parts.length === 5 ? ' (5 fields is the portable form: write it without cron(...) and adapt translates it)' : '';
    throw ebError(`"${text}" has ${parts.length} field${parts.length === 1 ? '' : 's'}, EventBridge cron takes 6${five}`, CRON_HINT, options);
  }
  const fields = SPECS.map((spec, index) => parseEbField(parts[index] as string, spec, text, options));
  const dom = fields[2] as EventBridgeField;
  const dow = fields[4] as EventBridgeField;
  if (dom.any === dow.any) {
    const what = dom.any ? 'both are ?' : 'neither is ?';
    throw ebError(
      `"${text}": one of day-of-month and day-of-week must be ? and the other set (${what})`,
      `Use ? in the field you do not restrict, such as "cron(0 12 ? * MON-FRI *)" or "cron(0 12 1 * ? *)". ${CRON_HINT}`,
      options,
    );
  }
  return fields;
}

function parseEbField(part: string, spec: Spec, text: string, options: ScheduleSyntaxOptions): EventBridgeField {
  const fail = (message: string): never => {
    const names = spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : '';
    const hint = `In EventBridge, ${spec.name} takes ${spec.min}-${spec.max}${names} with the wildcards ${spec.specials}. ${CRON_HINT}`;
    throw ebError(`"${text}": ${spec.name} ${message}`, hint, options);
  };
  const field = (values: readonly number[] | undefined, any = false): EventBridgeField => ({ name: spec.name, text: part, any, values });
  const upper = part.toUpperCase();
  const isDom = spec.name === 'day-of-month';
  const isDow = spec.name === 'day-of-week';
  if (part === '?') {
    if (!isDom && !isDow) fail('cannot be ? (only day-of-month and day-of-week can)');
    return field(undefined, true);
  }
  if (/[?LW#]/i.test(part.replace(/[A-Z]{3}/gi, (name) => (spec.names?.includes(name.toUpperCase()) ? '' : name)))) {
    if (isDom && upper === 'L') return field(undefined);
    if (isDom && /^\d+W$/.test(upper)) {
      const day = Number(upper.slice(0, -1));
      if (day < 1 || day > 31) fail(`${day} in "${part}" is out of range 1-31`);
      return field(undefined);
    }
    if (isDow && upper === 'L') return field(undefined);
    if (isDow && /^[^#,L]+L$/.test(upper)) {
      value(upper.slice(0, -1), spec, part, fail);
      return field(undefined);
    }
    if (isDow && /^[^#,]+#[^#,]+$/.test(upper)) {
      const [day, nth] = upper.split('#') as [string, string];
      value(day, spec, part, fail);
      if (!/^[1-5]$/.test(nth)) fail(`"${part}": the instance after # is 1-5, got "${nth}"`);
      return field(undefined);
    }
    if (isDow && part.includes('#')) fail(`"${part}": a # stands alone in day-of-week (no list, such as "3#1,6#3")`);
    if (isDom) fail(`"${part}": L and W stand alone in day-of-month, as "L" or a day such as "15W"`);
    if (isDow) fail(`"${part}": L stands alone in day-of-week, as "L" or a day such as "6L" (last Friday)`);
    fail(`"${part}" uses a wildcard ${spec.name} does not take`);
  }
  const values = new Set<number>();
  for (const item of part.split(',')) {
    if (item === '') fail(`"${part}" has an empty list item`);
    const [base, stepText, ...rest] = item.split('/');
    if (rest.length > 0) fail(`"${item}" has more than one /`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText)) fail(`step "${stepText}" in "${item}" is not a whole number`);
      step = Number(stepText);
      if (step < 1 || step > spec.max - spec.min + 1) fail(`step ${step} in "${item}" is out of range 1-${spec.max - spec.min + 1}`);
    }
    let low = spec.min;
    let high = spec.max;
    if (base !== '*') {
      const bounds = (base as string).split('-');
      if (bounds.length > 2 || bounds.some((bound) => bound === '')) fail(`"${item}" is not a value or a range like 1-5`);
      low = value(bounds[0] as string, spec, item, fail);
      high = bounds.length === 2 ? value(bounds[1] as string, spec, item, fail) : stepText === undefined ? low : spec.max;
      if (low > high) fail(`range "${base}" goes backwards`);
    }
    for (let at = low; at <= high; at += step) values.add(at);
  }
  return field([...values].sort((a, b) => a - b));
}

function value(token: string, spec: Spec, item: string, fail: (message: string) => never): number {
  if (/^\d+$/.test(token)) {
    const number = Number(token);
    if (number < spec.min || number > spec.max) fail(`${number} in "${item}" is out of range ${spec.min}-${spec.max}`);
    return number;
  }
  const index = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (index === -1) fail(`"${token}" in "${item}" is not a value (${spec.min}-${spec.max}${spec.names ? ` or ${spec.names.join(',')}` : ''})`);
  return index + spec.min;
}

/** The EventBridge cron for a portable one, or an AdaptError when EventBridge cannot express it. */
export function toEventBridgeCron(cron: PortableCron, options: ScheduleSyntaxOptions = {}): string {
  const days = cronDays(cron);
  let dom = '?';
  let dow = '?';
  if (days.kind === 'every') dom = '*';
  else if (days.kind === 'day-of-month') dom = compact(days.days, 1, 31);
  else if (days.kind === 'day-of-week')
    dow = compact(
      days.weekdays.map((day) => day + 1),
      1,
      7,
    );
  else {
    const how = days.kind === 'either' ? 'or' : 'and';
    throw ebError(
      `cron "${cron.source}" fires on day-of-month ${cron.dayOfMonth.text} ${how} day-of-week ${cron.dayOfWeek.text}; EventBridge cannot restrict both day fields`,
      days.kind === 'either'
        ? 'Split it into two schedules with the same task: one on the days of the month (day-of-week *), one on the weekdays (day-of-month *).'
        : 'Restrict only one of day-of-month and day-of-week (set the other to *).',
      options,
    );
  }
  const fields = [compact(cron.minute.values, 0, 59), compact(cron.hour.values, 0, 23), dom, compact(cron.month.values, 1, 12), dow, '*'];
  return `cron(${fields.join(' ')})`;
}

/** `*` for every value, `start/step` for a progression running to the end, else ranges and lists. */
function compact(values: readonly number[], min: number, max: number): string {
  if (values.length === max - min + 1) return '*';
  if (values.length >= 3) {
    const first = values[0] as number;
    const step = (values[1] as number) - first;
    const progression = values.every((at, index) => at === first + index * step);
    if (progression && (values[values.length - 1] as number) + step > max) return `${first}/${step}`;
  }
  return formatValues(values);
}

/**
 * The EventBridge Scheduler expression for a schedule's `cron` or `rate`: a portable form is
 * translated, a native `cron(...)`/`rate(...)`/`at(...)` is validated and kept. Throws an
 * AdaptError naming the field and the rule otherwise.
 */
export function toEventBridgeExpression(schedule: { cron?: string; rate?: string }, options: ScheduleSyntaxOptions = {}): string {
  const text = schedule.cron ?? schedule.rate;
  if (schedule.cron !== undefined && schedule.rate !== undefined) {
    throw ebError('has both cron and rate', 'Keep exactly one of cron and rate.', options);
  }
  if (text === undefined) throw ebError('has neither cron nor rate', 'Give it a cron ("0 3 * * *") or a rate ("1 hour").', options);
  if (isEventBridgeExpression(text)) return parseEventBridgeExpression(text.trim(), options).expression;
  if (schedule.cron !== undefined) return toEventBridgeCron(parseCron(text, options), options);
  const rate = parseRate(text, options);
  return `rate(${rate.value} ${rate.unit}${rate.value === 1 ? '' : 's'})`;
}
