// Test helpers shared by the recurrence test files (not a test file itself).
import { Temporal } from 'temporal-polyfill';
import type { Schedule } from './recurrence';
import type { RecurrenceRule, Weekday } from './recurrence-rule';

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
