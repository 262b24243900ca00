import { nextMonthDay } from './dates';
import { allMatches, type MaskedText } from './masked-text';
import { NUMBER, parseNumber } from './numbers';
import type { RecurrenceSlot, WeekdayCode } from './types';
import { atTime, DEFAULT_TIME, isAfter, type WallTime, weekdayCode, type Zoned } from './zoned';

const DAY =
  '(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:s|nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)';
const FULL_DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const DAY_LIST = `${DAY}s?(?:(?:\\s*(?:,|&|/|\\+|\\band\\b|\\bor\\b)\\s*(?:and\\s+)?|\\s+)${DAY}s?\\b)*`;
const ORDINAL_WORDS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  fifteenth: 15,
  twentieth: 20,
  last: 31,
};
const ORDINAL = `(?:(\\d{1,2})(?:st|nd|rd|th)|(${Object.keys(ORDINAL_WORDS).join('|')}))`;
const EVERY = '(?:every|each|evey|every\\s+single)';
const REPEAT_LEAD =
  '(?:(?:,\\s*)?(?:and\\s+)?(?:repeat(?:s|ing)?|recurr?(?:s|ing)?|recurring|that\\s+repeats)\\s+)?';

export interface FoundRecurrence {
  rule: RecurrenceSlot;
  /** "every morning": the time of day the recurrence implies. */
  time?: WallTime;
}

const CODES: Record<string, WeekdayCode> = {
  mo: 'MO',
  tu: 'TU',
  we: 'WE',
  th: 'TH',
  fr: 'FR',
  sa: 'SA',
  su: 'SU',
};

function weekdays(text: string): WeekdayCode[] {
  const days = [...text.matchAll(new RegExp(DAY, 'g'))].map((m) => CODES[m[0].slice(0, 2)]!);
  return sortWeekdays([...new Set(days)]);
}

function sortWeekdays(days: WeekdayCode[]): WeekdayCode[] {
  const order = Object.values(CODES);
  return days.sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

function ordinal(digits: string | undefined, word: string | undefined): number | undefined {
  const n = digits ? Number(digits) : word ? ORDINAL_WORDS[word] : undefined;
  return n && n >= 1 && n <= 31 ? n : undefined;
}

const PART_TIMES: Record<string, WallTime> = {
  morning: { hour: 9, minute: 0 },
  afternoon: { hour: 15, minute: 0 },
  evening: { hour: 19, minute: 0 },
  night: { hour: 20, minute: 0 },
};

function withMonthDay(rule: RecurrenceSlot, m: RegExpExecArray): FoundRecurrence {
  const day = ordinal(m[1], m[2]);
  return { rule: day ? { ...rule, byMonthDay: day } : rule };
}

type Rule = { re: RegExp; build: (m: RegExpExecArray) => FoundRecurrence | undefined };

const WEEKDAYS_MO_FR: WeekdayCode[] = ['MO', 'TU', 'WE', 'TH', 'FR'];

const UNIT_FREQUENCY: Record<string, RecurrenceSlot['frequency']> = {
  day: 'daily',
  week: 'weekly',
  month: 'monthly',
  year: 'yearly',
};

const RULES: Rule[] = [
  {
    // every other Monday, every 2nd Friday
    re: new RegExp(`${REPEAT_LEAD}\\b${EVERY}\\s+(?:other|second|2nd|alternate)\\s+(${DAY_LIST})\\b`, 'g'),
    build: (m) => ({ rule: { frequency: 'weekly', interval: 2, byWeekday: weekdays(m[1]!) } }),
  },
  {
    // every 3 days, every other week, every 2 weeks on Monday, every 3 months on the 15th
    re: new RegExp(
      `${REPEAT_LEAD}\\b${EVERY}\\s+(${NUMBER}|\\d+(?:st|nd|rd|th)?)\\s+(day|week|month|year)s?\\b(?:\\s+on\\s+(?:the\\s+)?(?:(${DAY_LIST})|${ORDINAL}))?`,
      'g',
    ),
    build: (m) => {
      const interval = Math.round(parseNumber(m[1]!.replace(/(?:st|nd|rd|th)$/, '')) ?? Number.NaN);
      if (!Number.isInteger(interval) || interval < 1 || interval > 1000) return undefined;
      const rule: RecurrenceSlot = { frequency: UNIT_FREQUENCY[m[2]!]!, interval };
      if (m[3] && rule.frequency === 'weekly') rule.byWeekday = weekdays(m[3]);
      const day = ordinal(m[4], m[5]);
      if (day && rule.frequency === 'monthly') rule.byMonthDay = day;
      return { rule };
    },
  },
  {
    re: new RegExp(
      `${REPEAT_LEAD}(?:\\b${EVERY}\\s+(?:week\\s*day|work\\s*day|business\\s+day|weekday)s?|\\b(?:on\\s+)?(?:week\\s*days|workdays|work\\s+days|business\\s+days)|\\b(?:every|each)\\s+day\\s+(?:except|but)\\s+(?:the\\s+)?weekends?|\\b${EVERY}\\s+mon(?:day)?\\s*(?:-|to|through|thru|till|until)\\s*fri(?:day)?|\\bmon(?:day)?\\s*(?:-|to|through|thru)\\s*fri(?:day)?)\\b`,
      'g',
    ),
    build: () => ({ rule: { frequency: 'weekly', interval: 1, byWeekday: [...WEEKDAYS_MO_FR] } }),
  },
  {
    re: new RegExp(`${REPEAT_LEAD}(?:\\b${EVERY}\\s+weekend|\\b(?:on\\s+)?weekends)\\b`, 'g'),
    build: () => ({ rule: { frequency: 'weekly', interval: 1, byWeekday: ['SA', 'SU'] } }),
  },
  {
    // every Monday, every mon, wed and fri, every tuesday morning
    re: new RegExp(
      `${REPEAT_LEAD}\\b${EVERY}\\s+(${DAY_LIST})\\b(?:\\s+(morning|afternoon|evening|night)s?\\b)?`,
      'g',
    ),
    build: (m) => ({
      rule: { frequency: 'weekly', interval: 1, byWeekday: weekdays(m[1]!) },
      time: m[2] ? PART_TIMES[m[2]] : undefined,
    }),
  },
  {
    // weekly, every week (on Friday), biweekly, fortnightly
    re: new RegExp(
      `${REPEAT_LEAD}\\b(weekly|${EVERY}\\s+week|once\\s+a\\s+week|once\\s+weekly|per\\s+week|bi-?weekly|fortnightly|${EVERY}\\s+fortnight)\\b(?:\\s+on\\s+(${DAY_LIST})\\b)?`,
      'g',
    ),
    build: (m) => {
      const interval = /bi-?weekly|fortnight/.test(m[1]!) ? 2 : 1;
      const rule: RecurrenceSlot = { frequency: 'weekly', interval };
      if (m[2]) rule.byWeekday = weekdays(m[2]);
      return { rule };
    },
  },
  {
    // on Tuesdays and Thursdays, mondays (a plural weekday is a habit)
    re: new RegExp(
      `${REPEAT_LEAD}(?:\\bon\\s+)?\\b((?:${FULL_DAY}s)(?:\\s*(?:,|&|/|\\band\\b|\\bor\\b)\\s*(?:and\\s+)?${DAY}s?)*)\\b(?!')`,
      'g',
    ),
    build: (m) => ({ rule: { frequency: 'weekly', interval: 1, byWeekday: weekdays(m[1]!) } }),
  },
  {
    // gym mon wed fri, tuesday and thursday: several days for one task make a weekly habit
    re: new RegExp(
      `${REPEAT_LEAD}(?:\\bon\\s+)?\\b(${DAY}(?:(?:\\s*(?:,|&|/|\\+|\\band\\b)\\s*|\\s+)${DAY}\\b)+)(?!')`,
      'g',
    ),
    build: (m) => {
      const days = weekdays(m[1]!);
      return days.length >= 2 ? { rule: { frequency: 'weekly', interval: 1, byWeekday: days } } : undefined;
    },
  },
  {
    // on the 31st of every month, the 1st of each month, every month on the 15th, monthly on the 1st, every 15th
    re: new RegExp(
      `${REPEAT_LEAD}(?:\\b(?:on\\s+)?(?:the\\s+)?${ORDINAL}\\s+(?:day\\s+)?of\\s+(?:every|each|the)\\s+month` +
        `|\\b(?:${EVERY}\\s+month|monthly)\\s+on\\s+the\\s+${ORDINAL}(?:\\s+day)?` +
        `|\\b(?:on\\s+)?the\\s+${ORDINAL}\\s+(?:${EVERY}\\s+month|monthly)` +
        `|\\b${EVERY}\\s+${ORDINAL}(?:\\s+(?:day\\s+)?of\\s+the\\s+month)?(?!\\s+(?:of\\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)))\\b`,
      'g',
    ),
    build: (m) => {
      const day =
        ordinal(m[1], m[2]) ?? ordinal(m[3], m[4]) ?? ordinal(m[5], m[6]) ?? ordinal(m[7], m[8]) ?? undefined;
      return day ? { rule: { frequency: 'monthly', interval: 1, byMonthDay: day } } : undefined;
    },
  },
  {
    re: new RegExp(
      `${REPEAT_LEAD}\\b(?:quarterly|${EVERY}\\s+quarter|once\\s+a\\s+quarter)\\b(?:\\s+on\\s+the\\s+${ORDINAL}\\b)?`,
      'g',
    ),
    build: (m) => withMonthDay({ frequency: 'monthly', interval: 3 }, m),
  },
  {
    re: new RegExp(
      `${REPEAT_LEAD}\\b(?:monthly|${EVERY}\\s+month|once\\s+a\\s+month|per\\s+month)\\b(?:\\s+on\\s+the\\s+${ORDINAL}\\b)?`,
      'g',
    ),
    build: (m) => withMonthDay({ frequency: 'monthly', interval: 1 }, m),
  },
  {
    // yearly, every year (on March 3), every March 3: the date itself is left for the date parser
    re: new RegExp(
      `${REPEAT_LEAD}(?:\\b(?:yearly|annually|${EVERY}\\s+year|once\\s+a\\s+year|per\\s+year|every\\s+anniversary)\\b|\\b${EVERY}(?=\\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?\\s+\\d)|\\b${EVERY}(?=\\s+\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)))`,
      'g',
    ),
    build: () => ({ rule: { frequency: 'yearly', interval: 1 } }),
  },
  {
    re: new RegExp(
      `${REPEAT_LEAD}\\b(?:daily|${EVERY}\\s*day|once\\s+a\\s+day|per\\s+day|nightly|${EVERY}\\s+(morning|afternoon|evening|night))\\b`,
      'g',
    ),
    build: (m) => ({
      rule: { frequency: 'daily', interval: 1 },
      time: m[1] ? PART_TIMES[m[1]] : /nightly/.test(m[0]) ? PART_TIMES.night : undefined,
    }),
  },
];

/**
 * Finds how a task repeats ("every weekday", "on Tuesdays and Thursdays", "on the 31st of
 * every month") and consumes its words.
 *
 * @example extractRecurrence(new MaskedText('gym every mon, wed and fri'))?.rule // { frequency: 'weekly', interval: 1, byWeekday: ['MO', 'WE', 'FR'] }
 */
export function extractRecurrence(m: MaskedText): FoundRecurrence | undefined {
  for (const { re, build } of RULES) {
    for (const match of allMatches(re, m.view())) {
      const found = build(match);
      if (!found || isAdjectiveOfTitle(m.view(), match)) continue;
      m.consume(match.index, match.index + match[0].length);
      consumeHabitNoun(m, match);
      if (found.rule.frequency === 'weekly' && !found.rule.byWeekday) addWeekdays(m, found.rule);
      // A stray "repeat"/"recurring" elsewhere is part of the same request.
      for (const extra of allMatches(/\b(?:repeat(?:s|ing)?|recurr?(?:ing|s)?|recurring)\b/g, m.view())) {
        m.consume(extra.index, extra.index + extra[0].length);
      }
      return found;
    }
  }
  return undefined;
}

// "the quarterly report", "weekly review": the adjective names the thing, it does not schedule it.
const ADJECTIVE = /^(?:daily|weekly|monthly|quarterly|yearly|annual|nightly|bi-?weekly|fortnightly)$/;
const FOLLOWERS = new Set(
  (
    'at on in by from starting beginning and or until till for before after with please morning afternoon ' +
    'evening night basis then task remind reminder tag tagged priority high low urgent important every except thing ' +
    'habit event one routine occurrence'
  ).split(' '),
);

function isAdjectiveOfTitle(view: string, match: RegExpExecArray): boolean {
  if (!ADJECTIVE.test(match[0].trim())) return false;
  const next = /^\s*([a-z][a-z'-]*)/.exec(view.slice(match.index + match[0].length))?.[1];
  const determiner = /\b(?:the|my|our|your|his|her|their|this|that|a|an|next|last)\s*$/.test(
    view.slice(0, match.index),
  );
  return determiner && next !== undefined && !FOLLOWERS.has(next);
}

/** "a weekly thing", "on a daily basis": the words around the adjective belong to it. */
function consumeHabitNoun(m: MaskedText, match: RegExpExecArray): void {
  if (!ADJECTIVE.test(match[0].trim())) return;
  const end = match.index + match[0].length;
  const after = /^\s*(?:thing|habit|task|event|occurrence|routine|basis|one)\b/.exec(m.view().slice(end));
  if (!after) return;
  m.consume(end, end + after[0].length);
  const before = /(?:\b(?:on|as)\s+)?\b(?:a|an)\s*$/.exec(m.view().slice(0, match.index));
  if (before) m.consume(before.index, match.index);
}

/** "bi-weekly 1:1 on thursdays": the days may come later in the sentence. */
function addWeekdays(m: MaskedText, rule: RecurrenceSlot): void {
  const days = new RegExp(
    `\\bon\\s+(${DAY_LIST})\\b(?!')|\\b(${FULL_DAY}s(?:(?:\\s*(?:,|&|/|\\band\\b)\\s*|\\s+)${DAY}s?\\b)*)(?!')`,
    'g',
  );
  const match = allMatches(days, m.view())[0];
  if (!match) return;
  rule.byWeekday = weekdays(match[1] ?? match[2]!);
  m.consume(match.index, match.index + match[0].length);
}

interface OccurrenceContext {
  now: Zoned;
  timeZone: string;
}

/**
 * The first time the rule fires after now (or on/after `from`, a named start date), at `time`.
 * Every recurring task needs this anchor as its due time.
 */
export function firstOccurrence(
  rule: RecurrenceSlot,
  time: WallTime = DEFAULT_TIME,
  ctx: OccurrenceContext,
  from?: Zoned,
): Zoned {
  const notBefore = from ? from.startOfDay().subtract({ nanoseconds: 1 }) : ctx.now;
  const search = { now: notBefore, timeZone: ctx.timeZone };
  if (rule.frequency === 'monthly' && rule.byMonthDay) {
    return nextMonthDay(search, rule.byMonthDay, time) ?? atTime(notBefore, time, ctx.timeZone);
  }
  const days = rule.frequency === 'weekly' && rule.byWeekday?.length ? new Set(rule.byWeekday) : undefined;
  for (let i = 0; i < 8; i++) {
    const candidate = atTime(notBefore.add({ days: i }), time, ctx.timeZone);
    if (!isAfter(candidate, notBefore)) continue;
    if (!days || days.has(weekdayCode(candidate))) return candidate;
  }
  return atTime(notBefore.add({ days: 1 }), time, ctx.timeZone);
}
