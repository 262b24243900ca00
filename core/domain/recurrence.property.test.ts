import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HORIZON_DAYS,
  occurrencesAfter,
  occurrencesBefore,
  planNextInstances,
  type Schedule,
  validateRule,
} from './recurrence';
import { local, referenceOccurrences, WEEKDAYS, zoned } from './recurrence.fixtures';
import type { RecurrenceRule, Weekday } from './recurrence-rule';

const DAY = 86_400_000;
// Zones with the transitions that break naive arithmetic: US and EU DST on different dates,
// a half-hour shift (Lord Howe), DST at midnight (Santiago), a :30 offset (St John's), none (Kolkata).
const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'UTC',
  'Australia/Lord_Howe',
  'America/Santiago',
  'America/St_Johns',
  'Asia/Kolkata',
];

const weekdaySet = fc.uniqueArray(fc.constantFrom<Weekday>(...WEEKDAYS), { minLength: 1, maxLength: 7 });

const anchorArb = fc
  .record({
    year: fc.integer({ min: 2000, max: 2040 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    // Bias towards the small hours, where DST gaps and overlaps live.
    hour: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 23 })),
    minute: fc.constantFrom(0, 15, 30, 45, 59),
    timeZone: fc.constantFrom(...ZONES),
  })
  .map(({ year, month, day, hour, minute, timeZone }) => {
    const pdt = Temporal.PlainDateTime.from({ year, month, day, hour, minute }, { overflow: 'constrain' });
    return { anchor: local(pdt.toString(), timeZone), timeZone };
  });

const ruleArb: fc.Arbitrary<RecurrenceRule> = fc.oneof(
  fc.record(
    {
      frequency: fc.constant('daily' as const),
      interval: fc.integer({ min: 1, max: 15 }),
      byWeekday: weekdaySet,
    },
    { requiredKeys: ['frequency', 'interval'] },
  ),
  fc.record(
    {
      frequency: fc.constant('weekly' as const),
      interval: fc.integer({ min: 1, max: 5 }),
      byWeekday: weekdaySet,
    },
    { requiredKeys: ['frequency', 'interval'] },
  ),
  fc.record(
    {
      frequency: fc.constant('monthly' as const),
      interval: fc.integer({ min: 1, max: 14 }),
      byMonthDay: fc.oneof(fc.integer({ min: 28, max: 31 }), fc.integer({ min: 1, max: 31 })),
    },
    { requiredKeys: ['frequency', 'interval'] },
  ),
  fc.record({ frequency: fc.constant('yearly' as const), interval: fc.integer({ min: 1, max: 5 }) }),
);

const scheduleArb: fc.Arbitrary<Schedule> = fc
  .tuple(
    anchorArb,
    ruleArb,
    fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
    fc.option(fc.integer({ min: 0, max: 4 * 365 * DAY }), { nil: undefined }),
  )
  .map(([{ anchor, timeZone }, rule, count, untilAfter]) => {
    const r: RecurrenceRule = { ...rule };
    if (count !== undefined) r.count = count;
    if (untilAfter !== undefined) r.until = new Date(anchor.getTime() + untilAfter).toISOString();
    return { rule: r, anchor, timeZone };
  })
  // Rules validateRule rejects never reach the engine in production.
  .filter((s) => validateRule(s.rule, s.anchor, s.timeZone).length === 0);

const WINDOW_YEARS = { daily: 2, weekly: 3, monthly: 8, yearly: 16 } as const;

function windowEnd(s: Schedule): { date: Temporal.PlainDate; ms: number } {
  const date = zoned(s.anchor, s.timeZone).toPlainDate().add({ years: WINDOW_YEARS[s.rule.frequency] });
  // The end of that day, so every occurrence on it is inside the window.
  const ms = date.add({ days: 1 }).toZonedDateTime({ timeZone: s.timeZone }).epochMilliseconds - 1;
  return { date, ms };
}

const anchorTime = (s: Schedule) => zoned(s.anchor, s.timeZone).toPlainTime();

/** True when `time` does not exist on `date` in the zone (it falls in a DST gap). */
function inGap(date: Temporal.PlainDate, time: Temporal.PlainTime, timeZone: string): boolean {
  try {
    date.toPlainDateTime(time).toZonedDateTime(timeZone, { disambiguation: 'reject' });
    return false;
  } catch {
    return true;
  }
}

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

describe('planNextInstances (property)', () => {
  const planArb = fc.record({
    schedule: scheduleArb,
    mode: fc.constantFrom('schedule' as const, 'completion' as const),
    nth: fc.integer({ min: 0, max: 40 }),
    // Minutes from the occurrence to its completion: early (negative) up to 400 days late.
    completedOffset: fc.oneof(
      fc.integer({ min: -3 * 24 * 60, max: 3 * 24 * 60 }),
      fc.integer({ min: -3 * 24 * 60, max: 400 * 24 * 60 }),
    ),
    processingDelay: fc.integer({ min: 0, max: 2 * 24 * 60 }),
    horizonDays: fc.option(fc.integer({ min: 1, max: 800 }), { nil: undefined }),
  });

  it('never returns an instance at or before the completed occurrence, and at most one future one', () => {
    fc.assert(
      fc.property(planArb, ({ schedule: s, mode, nth, completedOffset, processingDelay, horizonDays }) => {
        const occurrences = occurrencesAfter(s, new Date(0), { limit: nth + 1 });
        const completed = occurrences[occurrences.length - 1]!;
        const completedAt = new Date(completed.at.getTime() + completedOffset * 60_000);
        const now = new Date(completedAt.getTime() + processingDelay * 60_000);
        const horizonMs = now.getTime() + (horizonDays ?? DEFAULT_HORIZON_DAYS) * DAY;
        const plan = planNextInstances({
          schedule: s,
          mode,
          completedOccurrence: completed.at,
          completedIndex: completed.index,
          completedAt,
          now,
          ...(horizonDays === undefined ? {} : { horizonDays }),
        });

        let previous = completed.at.getTime();
        for (const i of plan.instances) {
          expect(i.at.getTime()).toBeGreaterThan(previous);
          expect(i.at.getTime()).toBeLessThanOrEqual(horizonMs);
          expect(i.index).toBeGreaterThan(completed.index);
          if (s.rule.until) expect(i.at.getTime()).toBeLessThanOrEqual(Date.parse(s.rule.until));
          if (s.rule.count) expect(i.index).toBeLessThan(s.rule.count);
          previous = i.at.getTime();
        }
        const regular = plan.instances.filter((i) => !i.catchUp);
        expect(regular.length).toBeLessThanOrEqual(1);
        if (regular[0]) expect(plan.instances.at(-1)).toBe(regular[0]);
        expect(plan.instances.filter((i) => i.at.getTime() > now.getTime()).length).toBeLessThanOrEqual(1);
        if (plan.deferred) {
          expect(plan.deferred.at.getTime()).toBeGreaterThan(horizonMs);
          expect(plan.ended).toBe(false);
        }
        if (plan.ended) expect(plan.endReason).toBeDefined();
        // Either the series goes on (a future instance or a deferred one) or it has ended.
        const future = plan.instances.some((i) => !i.catchUp) || plan.deferred !== null;
        expect(future).toBe(!plan.ended);

        if (mode === 'schedule') {
          // Exactly the occurrences after the completed one up to the first future one.
          const expected = occurrencesAfter(s, completed.at, { limit: 10_000 });
          const cut = expected.findIndex((o) => o.at.getTime() > now.getTime());
          const due = cut === -1 ? expected : expected.slice(0, cut);
          expect(plan.instances.filter((i) => i.catchUp).map(({ catchUp: _, ...o }) => o)).toEqual(
            due.slice(-366),
          );
          for (const i of plan.instances) expect(i.catchUp).toBe(i.at.getTime() <= now.getTime());
        } else {
          expect(plan.instances.every((i) => !i.catchUp)).toBe(true);
          expect(plan.instances.length).toBeLessThanOrEqual(1);
          const next = plan.instances[0];
          if (next) {
            expect(next.index).toBe(completed.index + 1);
            expect(next.at.getTime()).toBeGreaterThan(completedAt.getTime());
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('completion mode: the next one is the interval after the completion date, on an allowed day', () => {
    fc.assert(
      fc.property(scheduleArb, fc.integer({ min: 0, max: 60 * 24 * 60 }), (s, lateMinutes) => {
        const rule: RecurrenceRule = { ...s.rule, count: undefined, until: undefined };
        const open: Schedule = { ...s, rule };
        const completedAt = new Date(s.anchor.getTime() + lateMinutes * 60_000);
        const plan = planNextInstances({
          schedule: open,
          mode: 'completion',
          completedOccurrence: s.anchor,
          completedIndex: 0,
          completedAt,
          now: completedAt,
          horizonDays: 5000,
        });
        const next = plan.instances[0]!;
        const r = zoned(completedAt, s.timeZone).toPlainDate();
        const z = zoned(next.at, s.timeZone);
        const d = z.toPlainDate();
        const time = anchorTime(s);
        if (!z.toPlainTime().equals(time)) expect(inGap(d, time, s.timeZone)).toBe(true);
        const n = rule.interval;
        const days = r.until(d).days;
        const allowed = rule.byWeekday?.map((w) => WEEKDAYS.indexOf(w) + 1);
        switch (rule.frequency) {
          case 'daily':
            expect(days).toBeGreaterThanOrEqual(n);
            expect(days).toBeLessThan(n + 7);
            if (allowed) expect(allowed).toContain(d.dayOfWeek);
            break;
          case 'weekly':
            if (allowed) {
              expect(days).toBeGreaterThan(7 * (n - 1));
              expect(days).toBeLessThanOrEqual(7 * n);
              expect(allowed).toContain(d.dayOfWeek);
            } else {
              expect(days).toBe(7 * n);
            }
            break;
          case 'monthly': {
            const months = (d.year - r.year) * 12 + d.month - r.month;
            if (rule.byMonthDay === undefined) {
              expect(months).toBe(n);
              expect(d.day).toBe(Math.min(r.day, d.daysInMonth));
            } else {
              expect(d.day).toBe(Math.min(rule.byMonthDay, d.daysInMonth));
              expect(months).toBeGreaterThanOrEqual(n - 1);
              expect(months).toBeLessThanOrEqual(n);
            }
            break;
          }
          case 'yearly':
            expect(d.year - r.year).toBe(n);
            expect(d.month).toBe(r.month);
            break;
        }
      }),
      { numRuns: 300 },
    );
  });
});
