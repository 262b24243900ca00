import { allMatches, type MaskedText } from './masked-text';
import { DURATION_LIST, parseDurationList } from './numbers';

const BEFORE =
  '(?:before(?:hand)?|early|earlier|ahead(?:\\s+of\\s+(?:time|it))?|prior(?:\\s+to\\s+it)?|in\\s+advance|b4)';
const OBJECT =
  "(?:\\s+(?:it|that|this|then|the\\s+(?:task|deadline|due\\s+(?:date|time)|time|start)|(?:it'?s|its|it\\s+is)\\s+due|due))?";
const RELATIVE = `(?:(${DURATION_LIST})\\s+${BEFORE}${OBJECT}|the\\s+(day|night|evening|week)\\s+before${OBJECT})`;
const AT_DUE =
  "(at\\s+the\\s+(?:same\\s+)?time|when\\s+(?:it'?s|it\\s+is)\\s+due|on\\s+time|at\\s+the\\s+due\\s+time)";
const ANY_OFFSET = `(?:${RELATIVE}|${AT_DUE})`;

const CUE =
  '(?:(?:please\\s+)?(?:remind|alert|notify|ping|nudge|warn|buzz|text|email)\\s+me(?:\\s+(?:about|of)\\s+(?:it|that|this))?' +
  '|(?:(?:set|add|create|give\\s+me|send\\s+me|with|plus|and)\\s+)?(?:an?\\s+)?(?:reminders?|alerts?|notifications?|heads[\\s-]?up|nudges?|pings?)(?:\\s+(?:of|for|at))?)';
const LEAD = '(?:(?:[,;&]|\\band\\b|\\balso\\b|\\bthen\\b|\\bplus\\b)\\s*)*';
// One way to match each space between offsets, so a long list cannot backtrack exponentially.
const SEP = '(?:\\s*[,;&]\\s*|\\s+)(?:(?:and|or|plus|also)\\s+)?(?:again\\s+)?';

const WITH_CUE = new RegExp(`${LEAD}${CUE}\\s*${ANY_OFFSET}(?:${SEP}${ANY_OFFSET})*`, 'g');
const BARE = new RegExp(`${LEAD}${RELATIVE}(?:${SEP}${RELATIVE})*`, 'g');
const ONE_OFFSET = new RegExp(ANY_OFFSET, 'g');
const HAS_CUE = /\b(?:remind|reminders?|alerts?|notify|notifications?|ping|nudge|heads[\s-]?up|warn)\b/;

function offsetsIn(text: string): number[] {
  const minutes: number[] = [];
  for (const m of text.matchAll(ONE_OFFSET)) {
    if (m[1]) minutes.push(...parseDurationList(m[1]));
    else if (m[2]) minutes.push(m[2] === 'week' ? 10080 : 1440);
    else if (m[3]) minutes.push(0);
  }
  return minutes;
}

/**
 * Finds reminders given relative to the due time ("remind me 15 minutes before", "an hour
 * early", "the day before") and consumes their words. Returns the minutes before the due time.
 *
 * @example extractRelativeReminders(new MaskedText('call mom, remind me 1 day and 1 hour before')) // [1440, 60]
 */
export function extractRelativeReminders(m: MaskedText): number[] {
  const minutes: number[] = [];
  for (const match of allMatches(WITH_CUE, m.view())) {
    minutes.push(...offsetsIn(match[0]));
    m.consume(match.index, match.index + match[0].length);
  }
  const cueAnywhere = HAS_CUE.test(m.lower);
  for (const match of allMatches(BARE, m.view())) {
    // "Leave 15 minutes early" is a title; without a reminder word around it stays one.
    if (!cueAnywhere && !/^\s*[,;]/.test(match[0])) continue;
    minutes.push(...offsetsIn(match[0]));
    m.consume(match.index, match.index + match[0].length);
  }
  return [...new Set(minutes.filter((n) => Number.isFinite(n) && n >= 0))];
}
