import type { DateContext } from './dates';
import { MaskedText } from './masked-text';
import { zonedNow } from './zoned';

/** Wednesday 4 March 2026, 09:00 in New York: four days before the US switches to summer time. */
export const NY_NOW = '2026-03-04T09:00:00-05:00';
export const NY = 'America/New_York';

export function ctxAt(now: string, timeZone: string): DateContext {
  return { now: zonedNow(new Date(now), timeZone), timeZone };
}

export function masked(text: string): MaskedText {
  return new MaskedText(text);
}
