import { Temporal } from 'temporal-polyfill';
import { formatInZone } from '../domain/time-zone';

// All wall-clock arithmetic happens in the user's zone through Temporal, never in the
// machine's zone, so "Sunday at 3pm" is 15:00 where the user lives, DST included.

export type Zoned = Temporal.ZonedDateTime;

export interface WallTime {
  hour: number;
  minute: number;
}

export const DEFAULT_TIME: WallTime = { hour: 9, minute: 0 };
/** "by Friday", "end of day": the end of the working day. */
export const DEADLINE_TIME: WallTime = { hour: 17, minute: 0 };
export const LAST_MINUTE: WallTime = { hour: 23, minute: 59 };

export function zonedNow(now: Date, timeZone: string): Zoned {
  return Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone);
}

/** ISO 8601 with the zone's offset and whole seconds, e.g. 2026-03-08T15:00:00-04:00. */
export function toIso(z: Zoned): string {
  return z.toString({ timeZoneName: 'never', smallestUnit: 'second' });
}

/** The instant at `time` on the calendar day of `day` in the zone of `day` (gaps move forward). */
export function atTime(day: Zoned | Temporal.PlainDate, time: WallTime, timeZone: string): Zoned {
  const date = day instanceof Temporal.PlainDate ? day : day.toPlainDate();
  return date
    .toPlainDateTime({ hour: time.hour, minute: time.minute })
    .toZonedDateTime(timeZone, { disambiguation: 'compatible' });
}

/** Monday 00:00 of the ISO week holding `z`. */
export function startOfWeek(z: Zoned): Zoned {
  return z.subtract({ days: z.dayOfWeek - 1 }).startOfDay();
}

export function startOfMonth(z: Zoned): Zoned {
  return z.with({ day: 1 }).startOfDay();
}

export function isAfter(a: Zoned, b: Zoned): boolean {
  return Temporal.ZonedDateTime.compare(a, b) > 0;
}

/** A short human form for questions, e.g. "Sun, Mar 8, 3:00 PM". */
export function describe(iso: string, timeZone: string): string {
  return formatInZone(new Date(iso), timeZone, { zoneName: false });
}

export const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** Temporal's dayOfWeek (1 = Monday) as an RFC 5545 code. */
export function weekdayCode(z: Zoned | Temporal.PlainDate): (typeof WEEKDAY_CODES)[number] {
  return WEEKDAY_CODES[z.dayOfWeek - 1]!;
}
