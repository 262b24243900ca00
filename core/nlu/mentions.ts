import { findDates } from './dates';
import { lowerSameLength } from './masked-text';
import { dateContext } from './parse';
import type { ParseOptions } from './types';

/**
 * The calendar days a short answer names, as YYYY-MM-DD in the user's zone: "the one on
 * Friday", "the tuesday one", "the 15th". `text` is the answer as screened at the edge
 * (`ScreenedMessage.text`): it is not sanitised or screened again here.
 *
 * @example daysMentioned('the one due on friday', opts) // ['2026-05-15']
 */
export function daysMentioned(text: string, opts: ParseOptions): string[] {
  const ctx = dateContext(opts);
  // "the tuesday one": the words around the day only get in the way.
  const words = text
    .replace(/\b(?:the|one|ones|task|item|due|that's|it's)\b/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return findDates(lowerSameLength(words), ctx)
    .filter((d) => d.hasDate)
    .map((d) => d.zdt.toPlainDate().toString());
}
