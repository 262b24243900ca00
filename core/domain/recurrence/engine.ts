/**
 * The recurrence engine: which instants a series occurs at. Pure functions, no I/O.
 *
 * Model. A series has a rule, a mode, an IANA time zone and an anchor (the instant of its first
 * occurrence). The anchor's wall-clock date and time in the zone are what everything is computed
 * from; instants are derived at the very end, so "every day at 8:00" stays 8:00 across DST.
 *
 * - Occurrence 0 is always the anchor, even when it does not fit `byWeekday`/`byMonthDay`
 *   (RFC 5545 counts DTSTART as the first instance; the first task already exists when the series
 *   is created). `firstMatchingOccurrence` tells the API where the first fitting date is, if it
 *   prefers to move the first due date instead.
 * - Occurrences 1, 2, … are the dates strictly after the anchor's date that fit the rule, at the
 *   anchor's wall-clock time. A time that does not exist that day (spring-forward gap) moves
 *   forward by the gap; an ambiguous one (fall-back) takes the earlier instant — Temporal's
 *   'compatible' disambiguation.
 * - Fields validateRule rejects (byWeekday on monthly/yearly, byMonthDay outside monthly) are
 *   ignored by the engine, so an unvalidated rule still yields something sensible.
 *
 * Speed. Occurrences are grouped in periods (the N-th day, week, month or year counted from the
 * anchor); a period and the number of occurrences before it are computed directly, so a query far
 * from the anchor jumps there instead of walking the series.
 */
import { Temporal } from 'temporal-polyfill';
import type { RecurrenceRule, Weekday } from '../recurrence-rule';

export const MAX_YEAR = 9999;
export const WEEKDAYS: readonly Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

export interface Schedule {
  rule: RecurrenceRule;
  /** The instant of the first occurrence (occurrence 0). */
  anchor: Date;
  /** IANA zone whose wall clock the rule follows. */
  timeZone: string;
}

export interface Occurrence {
  at: Date;
  /** Position in the series: 0 = the anchor. */
  index: number;
  /** The wanted day of month when the month was too short, e.g. 31 for a Feb 28 occurrence. */
  clampedFrom?: number;
}

export type EndReason = 'count' | 'until' | 'exhausted';

// The compiled pattern and the walks are exported for planning.ts; index.ts keeps them inside.

// ---------------------------------------------------------------------------------------------
// Compiled pattern

export interface Candidate {
  date: Temporal.PlainDate;
  clampedFrom?: number;
}

export interface Pattern {
  zone: string;
  rule: RecurrenceRule;
  interval: number;
  anchorMs: number;
  anchorDate: Temporal.PlainDate;
  time: Temporal.PlainTime;
  /** ISO weekdays (1 = Monday), ascending; null = any day (daily without byWeekday). */
  weekdays: number[] | null;
  /** Monday of the anchor's week: weekly periods are counted from it. */
  weekStart: Temporal.PlainDate;
  monthDay: number;
  untilMs: number;
  count: number;
  /** Occurrences of period 0 after the anchor's date. */
  firstPeriodCount: number;
  /** Occurrences in every later period (not used for daily with byWeekday). */
  perPeriod: number;
  /** Daily with byWeekday: dailyCycle[r] = matching periods among 1..r; the weekday pattern repeats every 7 periods. */
  dailyCycle: number[] | null;
  /** No date after the anchor ever fits (e.g. every 7 days on a weekday the anchor never reaches). */
  barren: boolean;
  /** Last period that still starts within year 9999. */
  maxPeriod: number;
}

export function compile(s: Schedule): Pattern {
  const anchorMs = s.anchor.getTime();
  if (!Number.isFinite(anchorMs)) throw new RangeError('schedule anchor is not a valid date');
  const zoned = Temporal.Instant.fromEpochMilliseconds(anchorMs).toZonedDateTimeISO(s.timeZone);
  const anchorDate = zoned.toPlainDate();
  const time = zoned.toPlainTime();
  const rule = s.rule;
  const interval = Number.isInteger(rule.interval) && rule.interval >= 1 ? rule.interval : 1;
  const weekStart = anchorDate.subtract({ days: anchorDate.dayOfWeek - 1 });
  const lastDay = new Temporal.PlainDate(MAX_YEAR, 12, 31);
  const toWeekdays = (days: readonly Weekday[]) =>
    [...new Set(days.map((d) => WEEKDAYS.indexOf(d) + 1))].filter((d) => d > 0).sort((a, b) => a - b);

  const p: Pattern = {
    zone: s.timeZone,
    rule,
    interval,
    anchorMs,
    anchorDate,
    time,
    weekdays: null,
    weekStart,
    monthDay: anchorDate.day,
    untilMs: rule.until ? Temporal.Instant.from(rule.until).epochMilliseconds : Number.POSITIVE_INFINITY,
    count: rule.count ?? Number.POSITIVE_INFINITY,
    firstPeriodCount: 0,
    perPeriod: 1,
    dailyCycle: null,
    barren: false,
    maxPeriod: 0,
  };

  switch (rule.frequency) {
    case 'daily': {
      p.maxPeriod = Math.floor(anchorDate.until(lastDay).days / interval);
      if (rule.byWeekday?.length) {
        const days = toWeekdays(rule.byWeekday);
        p.weekdays = days;
        const cycle = [0];
        for (let r = 1; r <= 7; r++) {
          const weekday = ((anchorDate.dayOfWeek - 1 + r * interval) % 7) + 1;
          cycle.push(cycle[r - 1]! + (days.includes(weekday) ? 1 : 0));
        }
        p.dailyCycle = cycle;
        p.barren = cycle[7] === 0;
      }
      break;
    }
    case 'weekly': {
      const days = rule.byWeekday?.length ? toWeekdays(rule.byWeekday) : [anchorDate.dayOfWeek];
      p.weekdays = days;
      p.perPeriod = days.length;
      p.firstPeriodCount = days.filter((d) => d > anchorDate.dayOfWeek).length;
      p.maxPeriod = Math.floor(weekStart.until(lastDay).days / (7 * interval));
      break;
    }
    case 'monthly': {
      p.monthDay = rule.byMonthDay ?? anchorDate.day;
      p.firstPeriodCount = Math.min(p.monthDay, anchorDate.daysInMonth) > anchorDate.day ? 1 : 0;
      p.maxPeriod = Math.floor(((MAX_YEAR - anchorDate.year) * 12 + 12 - anchorDate.month) / interval);
      break;
    }
    case 'yearly': {
      p.maxPeriod = Math.floor((MAX_YEAR - anchorDate.year) / interval);
      break;
    }
  }
  return p;
}

export function monthStart(
  year: number,
  month: number,
  monthsToAdd: number,
): { year: number; month: number } {
  const m = month - 1 + monthsToAdd;
  return { year: year + Math.floor(m / 12), month: (((m % 12) + 12) % 12) + 1 };
}

export function dayIn(year: number, month: number, wanted: number): Candidate {
  const days = new Temporal.PlainDate(year, month, 1).daysInMonth;
  return wanted > days
    ? { date: new Temporal.PlainDate(year, month, days), clampedFrom: wanted }
    : { date: new Temporal.PlainDate(year, month, wanted) };
}

/** The dates of period `p` that come after the anchor's date, ascending. */
function periodDates(c: Pattern, p: number): Candidate[] {
  const a = c.anchorDate;
  let out: Candidate[];
  switch (c.rule.frequency) {
    case 'daily': {
      const date = a.add({ days: p * c.interval });
      out = c.weekdays && !c.weekdays.includes(date.dayOfWeek) ? [] : [{ date }];
      break;
    }
    case 'weekly': {
      const monday = c.weekStart.add({ days: 7 * c.interval * p });
      out = (c.weekdays ?? []).map((d) => ({ date: monday.add({ days: d - 1 }) }));
      break;
    }
    case 'monthly': {
      const { year, month } = monthStart(a.year, a.month, p * c.interval);
      out = [dayIn(year, month, c.monthDay)];
      break;
    }
    case 'yearly': {
      out = [dayIn(a.year + p * c.interval, a.month, a.day)];
      break;
    }
  }
  return p === 0 ? out.filter((x) => Temporal.PlainDate.compare(x.date, a) > 0) : out;
}

/** The period a wall-clock date falls in (clamped to 0 … maxPeriod + 1). */
function periodOf(c: Pattern, date: Temporal.PlainDate): number {
  const a = c.anchorDate;
  let p: number;
  switch (c.rule.frequency) {
    case 'daily':
      p = Math.floor(a.until(date).days / c.interval);
      break;
    case 'weekly':
      p = Math.floor(c.weekStart.until(date).days / (7 * c.interval));
      break;
    case 'monthly':
      p = Math.floor(((date.year - a.year) * 12 + date.month - a.month) / c.interval);
      break;
    case 'yearly':
      p = Math.floor((date.year - a.year) / c.interval);
      break;
  }
  return Math.min(Math.max(p, 0), c.maxPeriod + 1);
}

/** How many occurrences after the anchor lie in periods 0 … p-1. */
function countBefore(c: Pattern, p: number): number {
  if (p <= 0) return 0;
  if (c.dailyCycle) {
    const cycle = c.dailyCycle;
    const m = p - 1;
    return Math.floor(m / 7) * cycle[7]! + cycle[m % 7]!;
  }
  return c.firstPeriodCount + (p - 1) * c.perPeriod;
}

/** The period holding occurrence `index` (≥ 1), or maxPeriod + 1 when it lies beyond the calendar. */
function periodOfIndex(c: Pattern, index: number): number {
  if (c.barren) return 0;
  let p: number;
  if (c.dailyCycle) {
    const cycle = c.dailyCycle;
    const perCycle = cycle[7]!;
    const within = ((index - 1) % perCycle) + 1;
    let r = 1;
    while (cycle[r]! < within) r++;
    p = 7 * Math.floor((index - 1) / perCycle) + r;
  } else if (index <= c.firstPeriodCount) {
    p = 0;
  } else {
    p = 1 + Math.floor((index - 1 - c.firstPeriodCount) / c.perPeriod);
  }
  return Math.min(p, c.maxPeriod + 1);
}

export function instantOf(c: Pattern, date: Temporal.PlainDate): number {
  return date.toPlainDateTime(c.time).toZonedDateTime(c.zone, { disambiguation: 'compatible' })
    .epochMilliseconds;
}

export function wallDate(c: Pattern, ms: number): Temporal.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(c.zone).toPlainDate();
}

export function occurrence(at: number, index: number, clampedFrom?: number): Occurrence {
  return clampedFrom === undefined ? { at: new Date(at), index } : { at: new Date(at), index, clampedFrom };
}

export function assertInstant(d: Date, name: string): number {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`${name} is not a valid date`);
  return ms;
}

export type StopReason = 'limit' | 'horizon' | EndReason;

interface ForwardWalk {
  list: Occurrence[];
  stop: StopReason;
  /** The first occurrence past the horizon, when that is what stopped the walk. */
  beyond?: Occurrence;
}

export function walkForward(c: Pattern, afterMs: number, limit: number, horizonMs: number): ForwardWalk {
  const list: Occurrence[] = [];
  if (limit <= 0) return { list, stop: 'limit' };
  // Candidates at or before the last emitted instant are skipped: they lie before `after`, or a
  // zone skipped a whole day (Pacific/Apia, 2011-12-30) and two dates resolved to one instant.
  let last = afterMs;
  const consider = (at: number, index: number, clampedFrom?: number): ForwardWalk | null => {
    if (index >= c.count) return { list, stop: 'count' };
    if (at > c.untilMs) return { list, stop: 'until' };
    if (at <= last) return null;
    if (at > horizonMs) return { list, stop: 'horizon', beyond: occurrence(at, index, clampedFrom) };
    list.push(occurrence(at, index, clampedFrom));
    last = at;
    return list.length >= limit ? { list, stop: 'limit' } : null;
  };

  if (c.anchorMs > afterMs) {
    const done = consider(c.anchorMs, 0);
    if (done) return done;
  }
  if (c.barren) return { list, stop: 'exhausted' };
  // Two days of slack: a gap can push a date's instant into the next day (a whole day in Apia).
  const from = afterMs < c.anchorMs ? 0 : periodOf(c, wallDate(c, afterMs).subtract({ days: 2 }));
  let index = 1 + countBefore(c, from);
  for (let p = from; p <= c.maxPeriod; p++) {
    for (const cand of periodDates(c, p)) {
      const done = consider(instantOf(c, cand.date), index++, cand.clampedFrom);
      if (done) return done;
    }
  }
  return { list, stop: 'exhausted' };
}

/** Occurrences with afterMs < at ≤ atOrBeforeMs, newest first, at most `limit`. */
export function walkBackward(c: Pattern, atOrBeforeMs: number, afterMs: number, limit: number): Occurrence[] {
  const list: Occurrence[] = [];
  if (limit <= 0) return list;
  const upper = Math.min(atOrBeforeMs, c.untilMs);
  let bound = upper; // inclusive; tightened to exclusive of the last emitted instant
  let inclusive = true;
  const fits = (at: number) => (inclusive ? at <= bound : at < bound);
  if (!c.barren && upper >= c.anchorMs) {
    let p = periodOf(c, wallDate(c, upper).add({ days: 2 }));
    if (Number.isFinite(c.count)) p = c.count < 2 ? -1 : Math.min(p, periodOfIndex(c, c.count - 1));
    p = Math.min(p, c.maxPeriod);
    for (; p >= 0; p--) {
      const dates = periodDates(c, p);
      let index = countBefore(c, p) + dates.length;
      for (let j = dates.length - 1; j >= 0; j--, index--) {
        if (index >= c.count) continue;
        const at = instantOf(c, dates[j]!.date);
        // Two dates on one instant (a skipped day): keep the lower index, as walkForward does.
        const newest = list[list.length - 1];
        if (newest && at === newest.at.getTime()) {
          list[list.length - 1] = occurrence(at, index, dates[j]!.clampedFrom);
          continue;
        }
        if (list.length >= limit) return list;
        if (!fits(at)) continue;
        if (at <= afterMs) return list;
        list.push(occurrence(at, index, dates[j]!.clampedFrom));
        bound = at;
        inclusive = false;
      }
    }
  }
  if (list.length < limit && c.count > 0 && fits(c.anchorMs) && c.anchorMs > afterMs) {
    list.push(occurrence(c.anchorMs, 0));
  }
  return list;
}

// ---------------------------------------------------------------------------------------------
// Queries

/**
 * Occurrences strictly after `after`, ascending, at most `limit`; none after `horizon` (inclusive
 * bound), `until` (inclusive) or past `count`.
 *
 * @example
 * // every month on the 31st, from Jan 31 2027 at 09:00 in Berlin
 * occurrencesAfter(
 *   { rule: { frequency: 'monthly', interval: 1 }, anchor: new Date('2027-01-31T08:00:00Z'), timeZone: 'Europe/Berlin' },
 *   new Date('2027-01-31T08:00:00Z'),
 *   { limit: 2 },
 * ); // → [{ at: 2027-02-28T08:00Z, index: 1, clampedFrom: 31 }, { at: 2027-03-31T07:00Z, index: 2 }]
 */
export function occurrencesAfter(
  s: Schedule,
  after: Date,
  opts: { limit: number; horizon?: Date },
): Occurrence[] {
  const horizonMs = opts.horizon ? assertInstant(opts.horizon, 'horizon') : Number.POSITIVE_INFINITY;
  return walkForward(compile(s), assertInstant(after, 'after'), opts.limit, horizonMs).list;
}

/**
 * The first occurrence strictly after `after`, or null when the series ends first (or the next
 * one is past `horizon`).
 *
 * @example
 * nextOccurrence(
 *   { rule: { frequency: 'daily', interval: 1 }, anchor: new Date('2026-03-07T13:00:00Z'), timeZone: 'America/New_York' },
 *   new Date('2026-03-07T13:00:00Z'),
 * ); // → { at: 2026-03-08T12:00Z (still 08:00 local, now EDT), index: 1 }
 */
export function nextOccurrence(s: Schedule, after: Date, horizon?: Date): Occurrence | null {
  return occurrencesAfter(s, after, horizon ? { limit: 1, horizon } : { limit: 1 })[0] ?? null;
}

/**
 * The last `limit` occurrences strictly before `before`, ascending (optionally only those strictly
 * after `after`).
 *
 * @example
 * // the two most recent daily occurrences before now
 * occurrencesBefore(schedule, new Date(), { limit: 2 });
 */
export function occurrencesBefore(
  s: Schedule,
  before: Date,
  opts: { limit: number; after?: Date },
): Occurrence[] {
  const afterMs = opts.after ? assertInstant(opts.after, 'after') : Number.NEGATIVE_INFINITY;
  return walkBackward(compile(s), assertInstant(before, 'before') - 1, afterMs, opts.limit).reverse();
}

/**
 * Where the series' first fitting date is: the anchor when it fits the rule, otherwise the first
 * occurrence after it (ignoring `until`/`count`), or null when no date ever fits. The engine always
 * counts the anchor as occurrence 0; callers that would rather start on a fitting day (a "every
 * weekday" task created on a Saturday) can move the anchor here before creating the series.
 *
 * @example
 * // created Saturday 2026-03-07 09:00 Berlin, every weekday → Monday 2026-03-09 09:00
 * firstMatchingOccurrence({
 *   rule: { frequency: 'daily', interval: 1, byWeekday: ['MO', 'TU', 'WE', 'TH', 'FR'] },
 *   anchor: new Date('2026-03-07T08:00:00Z'),
 *   timeZone: 'Europe/Berlin',
 * }); // → 2026-03-09T08:00Z
 */
export function firstMatchingOccurrence(s: Schedule): Date | null {
  const c = compile(s);
  const a = c.anchorDate;
  let fits: boolean;
  switch (c.rule.frequency) {
    case 'daily':
    case 'weekly':
      fits = !c.weekdays || c.weekdays.includes(a.dayOfWeek);
      break;
    case 'monthly':
      fits = Math.min(c.monthDay, a.daysInMonth) === a.day;
      break;
    case 'yearly':
      fits = true;
      break;
  }
  if (fits) return new Date(c.anchorMs);
  const open = { ...c, count: Number.POSITIVE_INFINITY, untilMs: Number.POSITIVE_INFINITY };
  const next = walkForward(open, c.anchorMs, 1, Number.POSITIVE_INFINITY).list[0];
  return next ? next.at : null;
}
