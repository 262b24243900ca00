import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import { canonicalTimeZone, formatInZone, isKnownTimeZone } from './time-zone';
import { IANA_TIME_ZONES } from './time-zones';

export { canonicalTimeZone, formatInZone };

function intlZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}

/**
 * The zone names the API accepts, exactly as written: the IANA database's zones and links (and any
 * newer zone this runtime knows), less those this runtime cannot compute with. The OpenAPI document
 * lists them, and `GET /api/time-zones` serves them to clients. Worked out on first use (asking
 * Intl about each of ~600 names costs ~120 ms, which every process paid at start-up before, also
 * those that never read a zone).
 */
export function timeZones(): readonly [string, ...string[]] {
  zones ??= [...new Set([...IANA_TIME_ZONES, ...intlZones(), 'UTC'])].filter(isKnownTimeZone).sort() as [
    string,
    ...string[],
  ];
  return zones;
}
let zones: readonly [string, ...string[]] | undefined;

let lowerCaseZones: Map<string, string> | undefined;

function unknownZoneMessage(input: unknown): string {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  lowerCaseZones ??= new Map(timeZones().map((name) => [name.toLowerCase(), name]));
  const spelled = typeof input === 'string' ? lowerCaseZones.get(input.toLowerCase()) : undefined;
  return spelled
    ? `time zone names are case-sensitive: "${spelled}", not "${text}"`
    : `unknown IANA time zone "${text}" (e.g. Europe/Berlin)`;
}

function zoneEnum() {
  return z
    .enum(timeZones(), { error: (issue) => unknownZoneMessage(issue.input) })
    .transform((name) => canonicalTimeZone(name) ?? name);
}
let zoneSchema: ReturnType<typeof zoneEnum> | undefined;

/** An IANA zone name from timeZones(), read as the runtime's canonical name (aliases resolve). */
export const TimeZone = z.lazy(() => {
  zoneSchema ??= zoneEnum();
  return zoneSchema;
});

const DATE = String.raw`(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8])))`;
const CLOCK = String.raw`(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?`;
const OFFSET = String.raw`(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)`;

/**
 * A due time as the API takes it: a calendar date and a time of day (seconds optional), with an
 * offset (an instant) or without (a wall-clock time in the task's zone).
 */
export const DUE_TEXT_RE = new RegExp(`^${DATE}T${CLOCK}${OFFSET}?$`);
/**
 * The written year's range: one year inside what isReasonableInstant allows, so that no offset or
 * zone can carry a due time the pattern accepts outside it.
 */
export const DUE_YEAR_MIN = 1971;
export const DUE_YEAR_MAX = 9998;
export const DUE_YEAR_RE = /^(?:197[1-9]|19[89]\d|[2-8]\d{3}|9[0-8]\d\d|99[0-8]\d|999[0-8])-/;

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
