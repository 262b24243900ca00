import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';

const zoneCache = new Map<string, string | null>();

/** Returns the canonical IANA name of a time zone, or null when the name is unknown. */
export function canonicalTimeZone(name: string): string | null {
  const cached = zoneCache.get(name);
  if (cached !== undefined) return cached;
  let result: string | null = null;
  try {
    result = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    result = null;
  }
  zoneCache.set(name, result);
  return result;
}

export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .transform((name, ctx) => {
    const zone = canonicalTimeZone(name);
    if (!zone) {
      ctx.addIssue({ code: 'custom', message: `unknown IANA time zone "${name}" (e.g. Europe/Berlin)` });
      return z.NEVER;
    }
    return zone;
  });

const OFFSET_RE = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
const LOCAL_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;

/**
 * Resolves a due time given as an instant (`…Z` or `…+02:00`) or as a wall-clock time
 * (`2030-01-02T17:00`) in `timeZone`. Returns null with a reason when the text is neither.
 */
export function resolveInstant(text: string, timeZone: string): { instant: Date } | { error: string } {
  const trimmed = text.trim();
  try {
    if (OFFSET_RE.test(trimmed) && trimmed.includes('T')) {
      const ms = Temporal.Instant.from(trimmed).epochMilliseconds;
      return { instant: new Date(ms) };
    }
    if (LOCAL_RE.test(trimmed)) {
      const zoned = Temporal.PlainDateTime.from(trimmed).toZonedDateTime(timeZone, {
        disambiguation: 'compatible',
      });
      return { instant: new Date(zoned.epochMilliseconds) };
    }
  } catch {
    return { error: 'not a valid date-time' };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    return { error: 'include a time of day, e.g. 2030-01-02T17:00 or 2030-01-02T17:00:00Z' };
  }
  return { error: 'expected an ISO 8601 date-time such as 2030-01-02T17:00:00Z' };
}

const MIN_YEAR = 1970;
const MAX_YEAR = 9999;

export function isReasonableInstant(d: Date): boolean {
  const y = d.getUTCFullYear();
  return Number.isFinite(d.getTime()) && y >= MIN_YEAR && y <= MAX_YEAR;
}

/** An instant as an ISO string in UTC, or null. */
export function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}

/** Formats an instant in a zone, e.g. "Sun, Mar 8, 3:00 PM EDT". */
export function formatInZone(d: Date, timeZone: string, locale = 'en-US'): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(d);
}
