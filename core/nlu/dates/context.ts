import type { Zoned } from '../zoned';

export interface DateContext {
  now: Zoned;
  timeZone: string;
  /** Results read from this text carry the words each slot came from (`ParseResult.sources`). */
  sourcesOf?: string;
}

/** A date or time found in the text, already resolved to an instant in the user's zone. */
export interface FoundDate {
  /** Spans of text it covers, prepositions ("on", "by") included. */
  spans: [number, number][];
  zdt: Zoned;
  /** A day was named ("Sunday", "tomorrow", "March 3", "in 3 days"). */
  hasDate: boolean;
  /** A time of day was named ("3pm", "tonight", "in 2 hours"). */
  hasTime: boolean;
  /** Phrased as a deadline: "by", "before", "until", "due". */
  deadline: boolean;
  /** Readings people disagree on ("next Friday"). */
  ambiguous: boolean;
  /** The words right before it (lower case), for callers that care ("remind me at"). */
  before: string;
  /** "at 8" read as 20:00 because 08:00 had passed today; on another day the morning reading wins. */
  pmGuess?: boolean;
  /** The time of day came from "morning", "evening"…, so an explicit "at 7" elsewhere wins. */
  partOfDay?: boolean;
  /** "Wednesday" said on a Wednesday without a time was moved to next week. */
  nextWeekForToday?: boolean;
  /** Set when the text named a day of the month alone ("on the 15th"). */
  dayOfMonth?: number;
}
