// Test helpers shared by the recurrence test files (not a test file itself).
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import type { RecurrenceRule, Weekday } from '../recurrence-rule';
import type { Schedule } from './engine';
import { validateRule } from './validation';

export const WEEKDAYS: readonly Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** The instant of a wall-clock time in a zone ('compatible': gaps forward, overlaps earlier). */
export function local(text: string, timeZone: string): Date {
  const zdt = Temporal.PlainDateTime.from(text).toZonedDateTime(timeZone, { disambiguation: 'compatible' });
  return new Date(zdt.epochMilliseconds);
}

export function zoned(d: Date, timeZone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(d.getTime()).toZonedDateTimeISO(timeZone);
}

/** "2026-03-08T08:00" — the wall clock of an instant in a zone, to the minute. */
export function wall(d: Date, timeZone: string): string {
  return zoned(d, timeZone).toPlainDateTime().toString({ smallestUnit: 'minute' });
}

export function schedule(
  rule: Partial<RecurrenceRule> & Pick<RecurrenceRule, 'frequency'>,
  anchor: Date,
  timeZone: string,
): Schedule {
  return { rule: { interval: 1, ...rule }, anchor, timeZone };
}

/**
 * Independent model of the rule, for comparison: tests every calendar day from the anchor's date
 * up to `lastDate` against the rule's definition, one by one. Slow on purpose; no shared code
 * with the engine apart from Temporal itself.
 */
export function referenceOccurrences(
  s: Schedule,
  lastDate: Temporal.PlainDate,
): { at: number; index: number }[] {
  const { rule, timeZone } = s;
  const start = zoned(s.anchor, timeZone);
  const a = start.toPlainDate();
  const time = start.toPlainTime();
  const n = rule.interval;
  const days = rule.byWeekday?.map((d) => WEEKDAYS.indexOf(d) + 1);
  const monday = a.subtract({ days: a.dayOfWeek - 1 });
  const fits = (d: Temporal.PlainDate): boolean => {
    switch (rule.frequency) {
      case 'daily':
        return a.until(d).days % n === 0 && (!days || days.includes(d.dayOfWeek));
      case 'weekly':
        return (
          Math.floor(monday.until(d).days / 7) % n === 0 && (days ?? [a.dayOfWeek]).includes(d.dayOfWeek)
        );
      case 'monthly': {
        const months = (d.year - a.year) * 12 + d.month - a.month;
        return months % n === 0 && d.day === Math.min(rule.byMonthDay ?? a.day, d.daysInMonth);
      }
      case 'yearly':
        return (d.year - a.year) % n === 0 && d.month === a.month && d.day === Math.min(a.day, d.daysInMonth);
    }
  };
  const out = [{ at: s.anchor.getTime(), index: 0 }];
  let index = 1;
  const until = rule.until ? Date.parse(rule.until) : Number.POSITIVE_INFINITY;
  const count = rule.count ?? Number.POSITIVE_INFINITY;
  for (let d = a.add({ days: 1 }); Temporal.PlainDate.compare(d, lastDate) <= 0; d = d.add({ days: 1 })) {
    if (!fits(d)) continue;
    const at = d
      .toPlainDateTime(time)
      .toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
    const i = index++;
    if (at <= out[out.length - 1]!.at) continue;
    out.push({ at, index: i });
  }
  return out.filter((o) => o.index < count && o.at <= until);
}

// Arbitraries and helpers of the property tests.

const DAY = 86_400_000;
// Zones with the transitions that break naive arithmetic: US and EU DST on different dates,
// a half-hour shift (Lord Howe), DST at midnight (Santiago), a :30 offset (St John's), none (Kolkata).
export const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'UTC',
  'Australia/Lord_Howe',
  'America/Santiago',
  'America/St_Johns',
  'Asia/Kolkata',
];

export const weekdaySet = fc.uniqueArray(fc.constantFrom<Weekday>(...WEEKDAYS), {
  minLength: 1,
  maxLength: 7,
});

export const anchorArb = fc
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

export const ruleArb: fc.Arbitrary<RecurrenceRule> = fc.oneof(
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

export const scheduleArb: fc.Arbitrary<Schedule> = fc
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

export const WINDOW_YEARS = { daily: 2, weekly: 3, monthly: 8, yearly: 16 } as const;

export function windowEnd(s: Schedule): { date: Temporal.PlainDate; ms: number } {
  const date = zoned(s.anchor, s.timeZone).toPlainDate().add({ years: WINDOW_YEARS[s.rule.frequency] });
  // The end of that day, so every occurrence on it is inside the window.
  const ms = date.add({ days: 1 }).toZonedDateTime({ timeZone: s.timeZone }).epochMilliseconds - 1;
  return { date, ms };
}

export const anchorTime = (s: Schedule) => zoned(s.anchor, s.timeZone).toPlainTime();

/** True when `time` does not exist on `date` in the zone (it falls in a DST gap). */
export function inGap(date: Temporal.PlainDate, time: Temporal.PlainTime, timeZone: string): boolean {
  try {
    date.toPlainDateTime(time).toZonedDateTime(timeZone, { disambiguation: 'reject' });
    return false;
  } catch {
    return true;
  }
}
