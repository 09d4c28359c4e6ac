import { describe, expect, it } from 'vitest';
import { isAdaptError } from './adapt-error.js';
import { cronDays, formatValues, nextCronTimes, parseCron, parseRate, parseTimezone, rateToCron } from './schedule-syntax.js';

function errorOf(run: () => unknown): { message: string; hint: string | undefined; code: string } {
  try {
    run();
  } catch (error) {
    if (isAdaptError(error)) return { message: error.message, hint: error.hint, code: error.code };
    throw error;
  }
  throw new Error('expected an AdaptError');
}

describe('parseCron', () => {
  it('reads each field into its values', () => {
    const cron = parseCron('*/15 9-17 1,15 JAN-MAR mon-fri');
    expect(cron.minute.values).toEqual([0, 15, 30, 45]);
    expect(cron.hour.values).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(cron.dayOfMonth.values).toEqual([1, 15]);
    expect(cron.month.values).toEqual([1, 2, 3]);
    expect(cron.dayOfWeek.values).toEqual([1, 2, 3, 4, 5]);
    expect(cron.minute.star).toBe(true);
    expect(cron.hour.star).toBe(false);
  });
  it('treats 0 and 7 as Sunday', () => {
    expect(parseCron('0 0 * * 7').dayOfWeek.values).toEqual([0]);
    expect(parseCron('0 0 * * 5-7').dayOfWeek.values).toEqual([0, 5, 6]);
    expect(parseCron('0 0 * * 0-7').dayOfWeek.full).toBe(true);
  });
  it('takes ranges with steps and tolerates surrounding whitespace', () => {
    expect(parseCron('  0-30/10  */6   * * *  ').minute.values).toEqual([0, 10, 20, 30]);
    expect(parseCron('0 */6 * * *').hour.values).toEqual([0, 6, 12, 18]);
  });
  it.each([
    ['0 24 * * *', 'hour 24 in "24" is out of range 0-23'],
    ['60 * * * *', 'minute 60 in "60" is out of range 0-59'],
    ['0 0 0 * *', 'day-of-month 0 in "0" is out of range 1-31'],
    ['0 0 * 13 *', 'month 13 in "13" is out of range 1-12'],
    ['0 0 * * 8', 'day-of-week 8 in "8" is out of range 0-7'],
    ['0 0 * * FUN', 'day-of-week "FUN" in "FUN" is not a value (0-7 or SUN-SAT)'],
    ['*/0 * * * *', 'minute step 0 in "*/0" is out of range 1-60'],
    ['*/x * * * *', 'minute step "x" in "*/x" is not a whole number'],
    ['5/10 * * * *', 'a step needs a range or * before it'],
    ['0 20-4 * * *', 'range "20-4" goes backwards; write it as two ranges, such as "20-23,0-4"'],
    ['1,,2 * * * *', 'has an empty list item'],
    ['1-2-3 * * * *', 'is not a range like 1-5'],
    ['0 0 * *', 'has 4 fields, expected 5'],
    ['0 0 12 * * ?', 'has 6 fields, expected 5 (6 fields is the EventBridge or seconds-first form)'],
    ['0 0 30 2 *', 'day-of-month 30 never occurs in month 2'],
  ])('refuses %j naming the field', (text, part) => {
    const error = errorOf(() => parseCron(text, { where: 'schedule "nightly"' }));
    expect(error.code).toBe('SCHEDULE_SYNTAX');
    expect(error.message).toContain(part);
    expect(error.message.startsWith('schedule "nightly": ')).toBe(true);
    expect(error.hint).toMatch(/\S/);
  });
  it('refuses the @ shorthands with the 5 fields to write', () => {
    expect(errorOf(() => parseCron('@daily')).hint).toBe('Write "0 0 * * *" instead.');
    expect(errorOf(() => parseCron('@reboot')).hint).toContain('@reboot has no portable equivalent');
  });
  it('refuses EventBridge syntax with the portable form to use', () => {
    const error = errorOf(() => parseCron('cron(0 12 * * ? *)'));
    expect(error.message).toBe('"cron(0 12 * * ? *)" is EventBridge Scheduler syntax; this target takes the portable cron form');
    expect(error.hint).toContain('"30 2 * * MON-FRI"');
  });
  it('keeps Feb 29 (it occurs in leap years)', () => {
    expect(parseCron('0 0 29 2 *').dayOfMonth.values).toEqual([29]);
  });
});

describe('cronDays (crontab(5) day rule)', () => {
  it.each([
    ['0 0 * * *', { kind: 'every' }],
    ['0 0 1 * *', { kind: 'day-of-month', days: [1] }],
    ['0 0 * * 1', { kind: 'day-of-week', weekdays: [1] }],
    ['0 0 1 * 1', { kind: 'either', days: [1], weekdays: [1] }],
    ['0 0 */2 * 1', { kind: 'both', days: [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31], weekdays: [1] }],
    ['0 0 1-31 * 1', { kind: 'every' }],
    ['0 0 */1 * 1', { kind: 'day-of-week', weekdays: [1] }],
  ])('%s', (text, days) => {
    expect(cronDays(parseCron(text))).toEqual(days);
  });
});

describe('parseRate', () => {
  it.each([
    ['1 minute', 1],
    ['15 minutes', 15],
    ['1 hour', 60],
    ['2 hours', 120],
    ['1 day', 1440],
    ['7 days', 10080],
  ])('%s is %i minutes', (text, minutes) => {
    expect(parseRate(text).minutes).toBe(minutes);
  });
  it.each([
    ['30 seconds', 'unit "seconds" is not minute, minutes, hour, hours, day or days (the shortest rate is 1 minute)'],
    ['0 minutes', '0 is not a whole number of 1 or more'],
    ['1.5 hours', '1.5 is not a whole number of 1 or more'],
    ['1 minutes', 'write "1 minute" (singular for 1)'],
    ['5 minute', 'write "5 minutes" (plural above 1)'],
    ['hourly', 'is not "<n> <unit>"'],
    ['rate(5 minutes)', 'is EventBridge Scheduler syntax; this target takes the portable rate form'],
  ])('refuses %j', (text, part) => {
    expect(errorOf(() => parseRate(text)).message).toContain(part);
  });
});

describe('rateToCron', () => {
  it.each([
    ['1 minute', '* * * * *'],
    ['15 minutes', '*/15 * * * *'],
    ['60 minutes', '0 * * * *'],
    ['1 hour', '0 * * * *'],
    ['6 hours', '0 */6 * * *'],
    ['24 hours', '0 0 * * *'],
    ['1 day', '0 0 * * *'],
    ['7 minutes', undefined],
    ['90 minutes', undefined],
    ['5 hours', undefined],
    ['2 days', undefined],
  ])('%s -> %s', (text, cron) => {
    expect(rateToCron(parseRate(text))).toBe(cron);
  });
});

describe('parseTimezone', () => {
  it.each(['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata'])('takes %s', (zone) => {
    expect(parseTimezone(zone)).toBe(zone);
  });
  it.each(['Mars/Olympus', '', ' UTC', '+01:00', 'Paris'])('refuses %j', (zone) => {
    expect(errorOf(() => parseTimezone(zone, { where: 'schedule "x"' })).message).toMatch(/^schedule "x": timezone /);
  });
});

describe('nextCronTimes', () => {
  const after = new Date(Date.UTC(2026, 11, 31, 23, 58, 30));
  it.each([
    ['*/15 * * * *', ['2027-01-01T00:00:00.000Z', '2027-01-01T00:15:00.000Z']],
    ['30 2 * * MON-FRI', ['2027-01-01T02:30:00.000Z', '2027-01-04T02:30:00.000Z']],
    ['0 0 29 2 *', ['2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z']],
    ['0 12 13 * 5', ['2027-01-01T12:00:00.000Z', '2027-01-08T12:00:00.000Z']],
    ['0 12 */13 * 5', ['2027-01-01T12:00:00.000Z', '2027-05-14T12:00:00.000Z']],
  ])('%s', (text, expected) => {
    expect(nextCronTimes(parseCron(text), after, 2).map((time) => time.toISOString())).toEqual(expected);
  });
});

describe('formatValues', () => {
  it.each([
    [[1], '1'],
    [[1, 2], '1,2'],
    [[1, 2, 3], '1-3'],
    [[0, 1, 2, 5, 7, 8, 9, 10], '0-2,5,7-10'],
  ])('%j -> %s', (values, text) => {
    expect(formatValues(values)).toBe(text);
  });
});
