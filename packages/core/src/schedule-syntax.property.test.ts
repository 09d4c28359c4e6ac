import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEventBridgeExpression, toEventBridgeCron } from './schedule-eventbridge.js';
import { cronDays, nextCronTimes, parseCron, rateToCron } from './schedule-syntax.js';

describe('nextCronTimes', () => {
  it('matches a brute-force walk over every minute of two days', () => {
    fc.assert(
      fc.property(portableCron(), fc.integer({ min: 0, max: 400 * 24 * 60 }), (text, offset) => {
        const cron = parseCron(text);
        const days = cronDays(cron);
        const from = Date.UTC(2027, 0, 1) + offset * 60_000;
        const end = from + 2 * 1440 * 60_000;
        const walked: number[] = [];
        for (let time = from + 60_000; time <= end; time += 60_000) {
          const date = new Date(time);
          const day = date.getUTCDate();
          const weekday = date.getUTCDay();
          const dayFires =
            days.kind === 'every' ||
            (days.kind === 'day-of-month' && days.days.includes(day)) ||
            (days.kind === 'day-of-week' && days.weekdays.includes(weekday)) ||
            (days.kind === 'either' && (days.days.includes(day) || days.weekdays.includes(weekday))) ||
            (days.kind === 'both' && days.days.includes(day) && days.weekdays.includes(weekday));
          if (
            dayFires &&
            cron.minute.values.includes(date.getUTCMinutes()) &&
            cron.hour.values.includes(date.getUTCHours()) &&
            cron.month.values.includes(date.getUTCMonth() + 1)
          ) {
            walked.push(time);
          }
        }
        const computed = nextCronTimes(cron, new Date(from), walked.length + 1).map((time) => time.getTime());
        expect(computed.filter((time) => time <= end)).toEqual(walked);
        expect(computed.length).toBeGreaterThan(walked.length);
      }),
      { numRuns: 40 },
    );
  });
});

describe('rateToCron', () => {
  it('is exact: consecutive fire times are the period apart', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), (minutes) => {
        const cron = rateToCron({ kind: 'rate', source: '', value: minutes, unit: 'minute', minutes });
        if (cron === undefined) return;
        const times = nextCronTimes(parseCron(cron), new Date(Date.UTC(2027, 0, 31, 22, 0)), 6);
        for (let index = 1; index < times.length; index++) {
          expect((times[index] as Date).getTime() - (times[index - 1] as Date).getTime()).toBe(minutes * 60_000);
        }
      }),
    );
  });
});

describe('toEventBridgeCron', () => {
  it("translates to an expression EventBridge's rules take, with the same values", () => {
    fc.assert(
      fc.property(portableCron(), (text) => {
        const cron = parseCron(text);
        const days = cronDays(cron);
        if (days.kind === 'either' || days.kind === 'both') {
          expect(() => toEventBridgeCron(cron)).toThrow(/EventBridge cannot restrict both day fields/);
          return;
        }
        const parsed = parseEventBridgeExpression(toEventBridgeCron(cron));
        if (parsed.kind !== 'cron') throw new Error(`expected a cron, got ${parsed.kind}`);
        const [minutes, hours, dom, month, dow, year] = parsed.fields;
        expect(minutes?.values).toEqual(cron.minute.values);
        expect(hours?.values).toEqual(cron.hour.values);
        expect(month?.values).toEqual(cron.month.values);
        expect(year?.text).toBe('*');
        if (days.kind === 'day-of-week') {
          expect(dom?.any).toBe(true);
          expect(dow?.values).toEqual(days.weekdays.map((day) => day + 1));
        } else {
          expect(dow?.any).toBe(true);
          expect(dom?.values).toEqual(days.kind === 'every' ? Array.from({ length: 31 }, (_, index) => index + 1) : days.days);
        }
      }),
      { numRuns: 500 },
    );
  });
});

/** Random portable crons: every field a list of values, ranges or steps, sometimes named. */
function portableCron(): fc.Arbitrary<string> {
  const field = (min: number, max: number, star = 1) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant('*') },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: Math.min(30, max - min + 1) }).map((step) => `*/${step}`) },
      {
        weight: 4 - star,
        arbitrary: fc
          .array(
            fc.oneof(
              fc.integer({ min, max }).map(String),
              fc
                .tuple(fc.integer({ min, max }), fc.integer({ min, max }), fc.integer({ min: 1, max: 5 }))
                .map(([a, b, step]) => `${Math.min(a, b)}-${Math.max(a, b)}${step > 1 ? `/${step}` : ''}`),
            ),
            { minLength: 1, maxLength: 3 },
          )
          .map((items) => items.join(',')),
      },
    );
  return fc.tuple(field(0, 59), field(0, 23), field(1, 28), field(1, 12), field(0, 7)).map((fields) => fields.join(' '));
}
