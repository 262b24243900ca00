/**
 * The one time-zone check: whether this runtime can compute in a zone, and its canonical IANA name;
 * and the one way an instant is written for a person in their zone. No zod here, so the offline
 * parser (core/nlu) can load it; the API's `TimeZone` schema (./time.ts) builds on it.
 */

// Building an Intl.DateTimeFormat costs more than a parse: remember the answers (bounded, since the
// parser may be asked about any string).
const zoneCache = new Map<string, string | null>();
const CACHE_MAX = 1000;

/** The canonical IANA name of a time zone (aliases resolve), or null when this runtime cannot compute in it. */
export function canonicalTimeZone(name: string): string | null {
  const cached = zoneCache.get(name);
  if (cached !== undefined) return cached;
  let result: string | null;
  try {
    result = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    result = null;
  }
  if (zoneCache.size < CACHE_MAX) zoneCache.set(name, result);
  return result;
}

/** Whether this runtime can compute wall-clock times in the zone. */
export function isKnownTimeZone(name: string): boolean {
  return canonicalTimeZone(name) !== null;
}

/**
 * An instant as a person reads it in their zone, e.g. "Sun, Mar 8, 3:00 PM EDT" (without the zone's
 * name: "Sun, Mar 8, 3:00 PM", as a question in the chat puts it).
 */
export function formatInZone(
  d: Date,
  timeZone: string,
  { zoneName = true, locale = 'en-US' }: { zoneName?: boolean; locale?: string } = {},
): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    ...(zoneName ? { timeZoneName: 'short' as const } : {}),
  }).format(d);
}
