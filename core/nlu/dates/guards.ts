import type { ParsedResult } from 'chrono-node';
import { isTaskVerb } from '../verbs';

// Guards against words that only look like dates: "I may call Ann", "Sunday roast recipe",
// "sat down", "work out for 2 hours", "buy 1/2 gallon".

// Words that may follow a bare weekday or month when it really is a date. Anything else
// ("Sunday roast", "March in the parade") means the word is part of the title.
const DATE_FOLLOWERS = new Set(
  (
    'at by on in and or to for with about before after from until till morning afternoon evening night ' +
    'noon lunch lunchtime please pls remind reminder reminders tag tagged every next this priority high low ' +
    'medium urgent important asap due then so but if when around i we it is, are as also plus starting ' +
    'latest max maximum the eod instead, too, rather'
  ).split(/\s+/),
);

const MONTH_PREPOSITIONS = new Set(
  'in by until till before during for of next this early mid late end start beginning since from after around'.split(
    ' ',
  ),
);

const SUBJECT_OR_ARTICLE =
  /^(?:i|you|he|she|we|they|it|who|cat|dog|the|a|my|your|his|her|our|their|get|got|getting|be|being|to)$/;

const ABBREVIATION_PREPOSITIONS = new Set(
  'on by this next until till before due every each last from starting coming'.split(' '),
);

export function wordBefore(view: string, index: number): { word: string; start: number } {
  const m = /([a-z']+)[\s,]*$/.exec(view.slice(0, index));
  return m ? { word: m[1]!, start: m.index } : { word: '', start: index };
}

function wordAfter(view: string, index: number): string {
  const m = /^\s*([a-z']+)/.exec(view.slice(index));
  return m ? m[1]! : '';
}

/**
 * Rejects chrono readings of words that only look like dates. 'soft' marks a weekday used as
 * an adjective ("Sunday roast"), which is still a date when a time of day is given elsewhere.
 */
export function isFalsePositive(view: string, r: ParsedResult): boolean | 'soft' {
  const text = r.text.toLowerCase();
  const c = r.start;
  const tags = r.tags();
  const end = r.index + r.text.length;
  const after = wordAfter(view, end);
  const before = wordBefore(view, r.index).word;
  const restStartsWithWord = after !== '' && /^\s*[a-z]/.test(view.slice(end));
  const followedByNoun = restStartsWithWord && !DATE_FOLLOWERS.has(after);
  if (tags.has('casualReference/now')) return true;
  if (
    /^(?:a|an|one|\d+|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty|forty|fifty)\s+(?:minutes?|mins?|hours?|hrs?)$/.test(
      text,
    )
  )
    return true;
  if (tags.has('result/relativeDate') && !tags.has('result/relativeDateAndTime')) {
    if (/^(?:the\s+)?(?:day|week|month|year)$/.test(text)) return true;
    if (
      /^(?:a|an|one|\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(?:days?|weeks?|months?|years?)$/.test(
        text,
      )
    )
      return true;
  }
  if (/^for\b/.test(text) && tags.has('result/relativeDate')) return true;
  if (/^'s\b/.test(view.slice(end))) return true;
  const weekdayOnly = c.isCertain('weekday') && !c.isCertain('day') && !c.isCertain('hour');
  const monthOnly = c.isCertain('month') && !c.isCertain('day') && !c.isCertain('weekday');
  // "Monday review the budget" opens with a date; "Sunday roast recipe" names a dish.
  if (
    weekdayOnly &&
    followedByNoun &&
    !isTaskVerb(after) &&
    !/(?:morning|afternoon|evening|night)$/.test(text)
  )
    return 'soft';
  const bare = text.replace(/^(?:on|this|next)\s+/, '');
  if (
    weekdayOnly &&
    /^(?:sat|sun|mon|wed)$/.test(bare) &&
    bare === text &&
    !ABBREVIATION_PREPOSITIONS.has(before)
  ) {
    // "sat down", "the sun", "get wed": only a date at the very end, after something that is not a subject.
    const atEnd = view.slice(end).trim() === '';
    if (!atEnd || SUBJECT_OR_ARTICLE.test(before)) return true;
  }
  if (monthOnly && !c.isCertain('year') && !MONTH_PREPOSITIONS.has(before)) return true;
  if (monthOnly && followedByNoun) return true;
  if (/^may\s+\d/.test(text) && /^(?:i|you|we|they|he|she|it)$/.test(before)) return true;
  if (
    tags.has('parser/SlashDateFormatParser') &&
    (followedByNoun || /\d$/.test(view.slice(0, r.index).trimEnd()))
  )
    return true;
  return false;
}
