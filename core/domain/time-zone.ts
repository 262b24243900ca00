/**
 * The one time-zone check: whether this runtime can compute in a zone, and its canonical IANA name.
 * No zod here, so the offline parser (core/nlu) can load it; the API's `TimeZone` schema
 * (./time.ts) builds on it.
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
