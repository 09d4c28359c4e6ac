import { describe, expect, it } from 'vitest';
import { isAdaptError } from './adapt-error.js';
import { parseEventBridgeExpression, toEventBridgeCron, toEventBridgeExpression } from './schedule-eventbridge.js';
import { parseCron } from './schedule-syntax.js';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isAdaptError(error)) return error.message;
    throw error;
  }
  throw new Error('expected an AdaptError');
}

describe('parseEventBridgeExpression', () => {
  it.each([
    'cron(0 12 * * ? *)',
    'cron(0/15 * * * ? *)',
    'cron(0 9 ? * MON-FRI *)',
    'cron(15 10 ? * 6L *)',
    'cron(0 8 ? * 3#2 2026-2030)',
    'cron(0 0 L * ? *)',
    'cron(0 0 15W * ? *)',
    'cron(0 0 ? * L *)',
    'cron(*/5 8-17 ? * mon-fri *)',
    'cron(0 18 ? JAN,JUL WED 2030)',
    'cron(1/10 0 1-15 * ? 1970/10)',
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 day)',
    'at(2027-02-28T23:59:00)',
  ])('takes %s', (text) => {
    expect(parseEventBridgeExpression(text).expression).toBe(text);
  });
  it('reads the plain fields into values (day-of-week 1-7)', () => {
    const parsed = parseEventBridgeExpression('cron(0/20 9-11 ? JAN-MAR SUN,SAT 2027)');
    if (parsed.kind !== 'cron') throw new Error(parsed.kind);
    expect(parsed.fields.map((field) => field.values)).toEqual([[0, 20, 40], [9, 10, 11], undefined, [1, 2, 3], [1, 7], [2027]]);
    expect(parsed.fields[2]?.any).toBe(true);
  });
  it.each([
    ['cron(0 12 * * * *)', 'one of day-of-month and day-of-week must be ? and the other set (neither is ?)'],
    ['cron(0 12 ? * ? *)', 'one of day-of-month and day-of-week must be ? and the other set (both are ?)'],
    ['cron(0 12 1 * MON *)', '(neither is ?)'],
    ['cron(0 12 * * 0 *)', 'day-of-week 0 in "0" is out of range 1-7'],
    ['cron(0 12 ? * 8 *)', 'day-of-week 8 in "8" is out of range 1-7'],
    ['cron(0 12 * * ? 1969)', 'year 1969 in "1969" is out of range 1970-2199'],
    ['cron(0 12 * * ? 2200)', 'year 2200 in "2200" is out of range 1970-2199'],
    ['cron(60 12 * * ? *)', 'minutes 60 in "60" is out of range 0-59'],
    ['cron(0 24 * * ? *)', 'hours 24 in "24" is out of range 0-23'],
    ['cron(0 12 32 * ? *)', 'day-of-month 32 in "32" is out of range 1-31'],
    ['cron(0 12 * 13 ? *)', 'month 13 in "13" is out of range 1-12'],
    ['cron(0 12 ? * 3#1,6#3 *)', 'a # stands alone in day-of-week'],
    ['cron(0 12 ? * 3#6 *)', 'the instance after # is 1-5, got "6"'],
    ['cron(0 12 ? * 8#1 *)', 'day-of-week 8 in "8#1" is out of range 1-7'],
    ['cron(0 12 L,1 * ? *)', 'L and W stand alone in day-of-month'],
    ['cron(0 12 32W * ? *)', 'day-of-month 32 in "32W" is out of range 1-31'],
    ['cron(? 12 * * ? *)', 'minutes cannot be ? (only day-of-month and day-of-week can)'],
    ['cron(0 12 * L ? *)', 'month "L" uses a wildcard month does not take'],
    ['cron(0 12 * * ?)', 'has 5 fields, EventBridge cron takes 6 (5 fields is the portable form'],
    ['cron(0 0 12 * * ? *)', 'has 7 fields, EventBridge cron takes 6'],
    ['cron(*/0 * * * ? *)', 'minutes step 0 in "*/0" is out of range 1-60'],
    ['cron(0 20-4 * * ? *)', 'hours range "20-4" goes backwards'],
    ['CRON(0 12 * * ? *)', 'is not cron(...), rate(...) or at(...)'],
    ['rate(30 seconds)', 'unit "seconds" is not minute, minutes, hour, hours, day or days (the shortest rate is 1 minute)'],
    ['rate(0 minutes)', '0 is not a whole number of 1 or more'],
    ['rate(1 minutes)', 'write "1 minute" (singular for 1)'],
    ['at(2027-02-29T00:00:00)', '2027-02-29T00:00:00 is not a real date and time'],
    ['at(2027-02-28 10:00)', 'is not at(yyyy-mm-ddThh:mm:ss)'],
    [
      `cron(${Array.from({ length: 60 }, (_, minute) => minute).join(',')} ${Array.from({ length: 24 }, (_, hour) => hour).join(',')} ${Array.from({ length: 31 }, (_, day) => day + 1).join(',')} * ? *)`,
      'EventBridge takes at most 256',
    ],
  ])('refuses %s', (text, part) => {
    expect(messageOf(() => parseEventBridgeExpression(text, { where: 'schedule "s"' }))).toContain(part);
  });
});

describe('toEventBridgeCron', () => {
  it.each([
    ['0 12 * * *', 'cron(0 12 * * ? *)'],
    ['*/15 * * * *', 'cron(0/15 * * * ? *)'],
    ['5-59/10 * * * *', 'cron(5/10 * * * ? *)'],
    ['30 2 * * MON-FRI', 'cron(30 2 ? * 2-6 *)'],
    ['0 0 * * 0', 'cron(0 0 ? * 1 *)'],
    ['0 0 * * 7', 'cron(0 0 ? * 1 *)'],
    ['0 0 * * 5-7', 'cron(0 0 ? * 1,6,7 *)'],
    ['0 0 1,15 * *', 'cron(0 0 1,15 * ? *)'],
    ['0 0 1 JAN,JUL *', 'cron(0 0 1 1,7 ? *)'],
    ['0 9-17 * * 1-5', 'cron(0 9-17 ? * 2-6 *)'],
    ['0 0 1-31 * 1', 'cron(0 0 * * ? *)'],
    ['0 0 */1 * 1', 'cron(0 0 ? * 2 *)'],
    ['0,30 */2 * * *', 'cron(0,30 0/2 * * ? *)'],
  ])('%s -> %s', (text, expression) => {
    expect(toEventBridgeCron(parseCron(text))).toBe(expression);
    expect(parseEventBridgeExpression(expression).expression).toBe(expression);
  });
  it('refuses both day fields set, saying how to split', () => {
    expect(messageOf(() => toEventBridgeCron(parseCron('0 0 1 * MON')))).toBe(
      'cron "0 0 1 * MON" fires on day-of-month 1 or day-of-week MON; EventBridge cannot restrict both day fields',
    );
    expect(messageOf(() => toEventBridgeCron(parseCron('0 0 */2 * MON')))).toContain('day-of-month */2 and day-of-week MON');
  });
});

describe('toEventBridgeExpression', () => {
  it.each([
    [{ cron: '0 3 * * *' }, 'cron(0 3 * * ? *)'],
    [{ rate: '1 hour' }, 'rate(1 hour)'],
    [{ rate: '15 minutes' }, 'rate(15 minutes)'],
    [{ cron: 'cron(0 3 ? * 6L *)' }, 'cron(0 3 ? * 6L *)'],
    [{ cron: ' at(2027-01-01T00:00:00) ' }, 'at(2027-01-01T00:00:00)'],
    [{ rate: 'rate(2 days)' }, 'rate(2 days)'],
  ])('%j -> %s', (schedule, expression) => {
    expect(toEventBridgeExpression(schedule)).toBe(expression);
  });
  it.each([
    [{ cron: '0 3 * * *', rate: '1 hour' }, 'schedule "s": has both cron and rate'],
    [{}, 'schedule "s": has neither cron nor rate'],
    [{ cron: '0 25 * * *' }, 'schedule "s": cron "0 25 * * *": hour 25 in "25" is out of range 0-23'],
    [{ rate: '30 seconds' }, 'the shortest rate is 1 minute'],
    [{ cron: 'cron(0 3 * * * *)' }, '(neither is ?)'],
  ])('refuses %j', (schedule, part) => {
    expect(messageOf(() => toEventBridgeExpression(schedule, { where: 'schedule "s"' }))).toContain(part);
  });
});
