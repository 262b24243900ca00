import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { occurrencesAfter, occurrencesBefore, type Schedule } from './engine';
import {
  anchorArb,
  anchorTime,
  inGap,
  referenceOccurrences,
  scheduleArb,
  WEEKDAYS,
  windowEnd,
  zoned,
} from './recurrence.fixtures';

const DAY = 86_400_000;

describe('occurrences (property)', () => {
  it('match an independent day-by-day model of the rule, indices included', () => {
    fc.assert(
      fc.property(scheduleArb, (s) => {
        const end = windowEnd(s);
        const expected = referenceOccurrences(s, end.date);
        const actual = occurrencesAfter(s, new Date(s.anchor.getTime() - 1), {
          limit: 10_000,
          horizon: new Date(end.ms),
        });
        expect(actual.map((o) => ({ at: o.at.getTime(), index: o.index }))).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('resume anywhere: occurrencesAfter/Before from any instant agree with the full listing', () => {
    fc.assert(
      fc.property(
        scheduleArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 5 }),
        (s, f, n) => {
          const end = windowEnd(s);
          const all = occurrencesAfter(s, new Date(0), { limit: 10_000, horizon: new Date(end.ms) });
          const pivot = s.anchor.getTime() - DAY + Math.floor(f * (end.ms - s.anchor.getTime()));
          const after = all.filter((o) => o.at.getTime() > pivot);
          const before = all.filter((o) => o.at.getTime() < pivot);
          const within = after.slice(0, n).filter((o) => o.at.getTime() <= end.ms);
          expect(occurrencesAfter(s, new Date(pivot), { limit: n, horizon: new Date(end.ms) })).toEqual(
            within,
          );
          expect(occurrencesBefore(s, new Date(pivot), { limit: n })).toEqual(before.slice(-n));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('increase strictly and stay within until, count and horizon, even far from the anchor', () => {
    fc.assert(
      fc.property(
        scheduleArb,
        fc.integer({ min: -30, max: 200 * 365 }),
        fc.integer({ min: 1, max: 3 * 365 }),
        fc.integer({ min: 1, max: 50 }),
        (s, afterDays, horizonDays, limit) => {
          const after = new Date(s.anchor.getTime() + afterDays * DAY);
          const horizon = new Date(after.getTime() + horizonDays * DAY);
          const list = occurrencesAfter(s, after, { limit, horizon });
          expect(list.length).toBeLessThanOrEqual(limit);
          let previous = after.getTime();
          let previousIndex = -1;
          for (const o of list) {
            expect(o.at.getTime()).toBeGreaterThan(previous);
            expect(o.index).toBeGreaterThan(previousIndex);
            expect(o.at.getTime()).toBeLessThanOrEqual(horizon.getTime());
            if (s.rule.until) expect(o.at.getTime()).toBeLessThanOrEqual(Date.parse(s.rule.until));
            if (s.rule.count) expect(o.index).toBeLessThan(s.rule.count);
            previous = o.at.getTime();
            previousIndex = o.index;
          }
          // Nothing was skipped between `after` and the first result.
          const first = list[0];
          if (first) {
            const prior = occurrencesBefore(s, first.at, { limit: 1 })[0];
            if (prior) {
              expect(prior.at.getTime()).toBeLessThanOrEqual(after.getTime());
              expect(prior.index).toBeLessThan(first.index);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fall on the allowed days at the anchor wall-clock time (shifted only out of a DST gap)', () => {
    fc.assert(
      fc.property(scheduleArb, fc.integer({ min: 0, max: 80 * 365 }), (s, afterDays) => {
        const list = occurrencesAfter(s, new Date(s.anchor.getTime() + afterDays * DAY), { limit: 30 });
        const start = zoned(s.anchor, s.timeZone);
        const a = start.toPlainDate();
        const time = anchorTime(s);
        const { rule } = s;
        for (const o of list) {
          if (o.index === 0) continue;
          const z = zoned(o.at, s.timeZone);
          const d = z.toPlainDate();
          if (!z.toPlainTime().equals(time)) {
            expect(inGap(d, time, s.timeZone)).toBe(true);
          } else {
            // An ambiguous wall time resolves to the earlier of its two instants.
            const earlier = d
              .toPlainDateTime(time)
              .toZonedDateTime(s.timeZone, { disambiguation: 'earlier' });
            expect(o.at.getTime()).toBe(earlier.epochMilliseconds);
          }
          switch (rule.frequency) {
            case 'daily':
              if (rule.byWeekday) expect(rule.byWeekday).toContain(WEEKDAYS[d.dayOfWeek - 1]);
              break;
            case 'weekly':
              expect(rule.byWeekday ?? [WEEKDAYS[a.dayOfWeek - 1]]).toContain(WEEKDAYS[d.dayOfWeek - 1]);
              break;
            case 'monthly': {
              const want = rule.byMonthDay ?? a.day;
              if (want > d.daysInMonth) {
                expect(d.day).toBe(d.daysInMonth);
                expect(o.clampedFrom).toBe(want);
              } else {
                expect(d.day).toBe(want);
                expect(o.clampedFrom).toBeUndefined();
              }
              break;
            }
            case 'yearly':
              expect(d.month).toBe(a.month);
              expect(d.day).toBe(Math.min(a.day, d.daysInMonth));
              break;
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('monthly on the 31st returns to the 31st in every 31-day month', () => {
    fc.assert(
      fc.property(anchorArb, fc.integer({ min: 1, max: 12 }), ({ anchor, timeZone }, interval) => {
        const s: Schedule = { rule: { frequency: 'monthly', interval, byMonthDay: 31 }, anchor, timeZone };
        const list = occurrencesAfter(s, anchor, { limit: 48 });
        for (const o of list) {
          const d = zoned(o.at, timeZone).toPlainDate();
          expect(d.day).toBe(d.daysInMonth);
          if (d.daysInMonth === 31) expect(o.clampedFrom).toBeUndefined();
          else expect(o.clampedFrom).toBe(31);
        }
        // Consecutive results are exactly `interval` months apart: the clamp never drifts.
        for (let i = 1; i < list.length; i++) {
          const p = zoned(list[i - 1]!.at, timeZone);
          const q = zoned(list[i]!.at, timeZone);
          expect((q.year - p.year) * 12 + q.month - p.month).toBe(interval);
        }
      }),
      { numRuns: 200 },
    );
  });
});
