import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecurrenceRule } from '../recurrence-rule';
import { occurrencesAfter, type Schedule } from './engine';
import { DEFAULT_HORIZON_DAYS, planNextInstances } from './planning';
import { anchorTime, inGap, scheduleArb, WEEKDAYS, zoned } from './recurrence.fixtures';

const DAY = 86_400_000;

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
