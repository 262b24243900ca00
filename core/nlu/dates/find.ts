import { Chrono, type ParsedResult } from 'chrono-node';
import { casual } from 'chrono-node/en';
import { Temporal } from 'temporal-polyfill';
import {
  atTime,
  DEADLINE_TIME,
  DEFAULT_TIME,
  isAfter,
  LAST_MINUTE,
  type WallTime,
  type Zoned,
} from '../zoned';
import type { DateContext, FoundDate } from './context';
import { isFalsePositive, wordBefore } from './guards';
import { CUSTOM, SkipMatch } from './phrases';

const PART_OF_DAY: Record<string, WallTime> = {
  morning: { hour: 9, minute: 0 },
  afternoon: { hour: 15, minute: 0 },
  evening: { hour: 19, minute: 0 },
  tonight: { hour: 20, minute: 0 },
  noon: { hour: 12, minute: 0 },
};

const ABSORBED = new Set(
  'on at by before until till til due for from starting beginning around about approximately sometime anytime latest in'.split(
    ' ',
  ),
);
const DEADLINE_CUES = new Set(['by', 'before', 'until', 'till', 'til', 'due', 'latest']);

/** Extends a span backwards over "on", "by", "due", "no later than"… and reports the cue. */
function absorbPrepositions(view: string, start: number): { start: number; deadline: boolean } {
  let deadline = false;
  let cursor = start;
  for (let i = 0; i < 3; i++) {
    const phrase = /\b(?:(?:no|not)\s+later\s+than|in\s+the|first\s+thing(?:\s+in\s+the)?)\s*$/.exec(
      view.slice(0, cursor),
    );
    if (phrase) {
      if (/later/.test(phrase[0])) deadline = true;
      cursor = phrase.index;
      continue;
    }
    const { word, start: wordStart } = wordBefore(view, cursor);
    const gap = view.slice(wordStart + word.length, cursor);
    if (!ABSORBED.has(word) || /[,;]/.test(gap)) break;
    if (DEADLINE_CUES.has(word)) deadline = true;
    cursor = wordStart;
  }
  return { start: cursor, deadline };
}

function fakeLocalReference(now: Zoned): Date {
  // chrono computes in the machine's zone; handing it the user's wall clock as a local date
  // lets us read its components as wall-clock values in the user's zone.
  return new Date(now.year, now.month - 1, now.day, now.hour, now.minute, now.second);
}

// Words that put a bare "at 7" in the evening.
const EVENING_HINT =
  /\b(?:dinner|supper|drinks|party|concert|movie|show|date\s+night|bar|pub|tonight|evening|night)\b/;

function chronoTime(
  r: ParsedResult,
  hasDate: boolean,
  ctx: DateContext,
  view: string,
): { time?: WallTime; ambiguousHour: boolean; pmGuess?: boolean; partOfDay?: boolean } {
  const c = r.start;
  const tags = r.tags();
  if (c.isCertain('hour')) {
    let hour = c.get('hour')!;
    const minute = c.get('minute') ?? 0;
    const meridiemKnown = c.isCertain('meridiem') || /\b(?:am|a\.m\.?|morning)\b/.test(r.text.toLowerCase());
    if (meridiemKnown || hour === 0 || hour >= 12) return { time: { hour, minute }, ambiguousHour: false };
    // "at 3" is an afternoon; "at 8" is whichever 8 o'clock comes next when no day is named.
    if (hour <= 6) return { time: { hour: hour + 12, minute }, ambiguousHour: false };
    if (hour < 12 && EVENING_HINT.test(view))
      return { time: { hour: hour + 12, minute }, ambiguousHour: false };
    let pmGuess = false;
    if (!hasDate) {
      const morning = atTime(ctx.now, { hour, minute }, ctx.timeZone);
      const evening = atTime(ctx.now, { hour: hour + 12, minute }, ctx.timeZone);
      pmGuess = !isAfter(morning, ctx.now) && isAfter(evening, ctx.now);
      if (pmGuess) hour += 12;
    }
    return { time: { hour, minute }, ambiguousHour: true, pmGuess };
  }
  for (const [part, time] of Object.entries(PART_OF_DAY)) {
    if (tags.has(`casualReference/${part}`)) return { time, ambiguousHour: false, partOfDay: true };
  }
  if (tags.has('casualReference/midnight')) return { time: { hour: 23, minute: 59 }, ambiguousHour: false };
  return { ambiguousHour: false };
}

function fromChrono(
  r: ParsedResult,
  ref: Date,
  ctx: DateContext,
  deadline: boolean,
  view: string,
): Omit<FoundDate, 'spans' | 'before'> {
  const c = r.start;
  const tags = r.tags();
  if (tags.has('result/relativeDateAndTime')) {
    const zdt = ctx.now.add({ milliseconds: c.date().getTime() - ref.getTime() });
    return { zdt, hasDate: true, hasTime: true, deadline, ambiguous: false };
  }
  const hasDate =
    c.isCertain('day') ||
    c.isCertain('weekday') ||
    c.isCertain('month') ||
    [...tags].some((t) =>
      /casualReference\/(?:today|tomorrow|tonight|yesterday)|result\/relativeDate/.test(t),
    );
  const { time, ambiguousHour, pmGuess, partOfDay } = chronoTime(r, hasDate, ctx, view);
  // For a bare time chrono may already have moved to tomorrow; we redo that after the am/pm guess.
  const date = hasDate
    ? Temporal.PlainDate.from({ year: c.get('year')!, month: c.get('month')!, day: c.get('day')! })
    : ctx.now.toPlainDate();
  const isToday = Temporal.PlainDate.compare(date, ctx.now.toPlainDate()) === 0;
  let zdt = atTime(date, time ?? (deadline || isToday ? DEADLINE_TIME : DEFAULT_TIME), ctx.timeZone);
  const weekdayOnly = c.isCertain('weekday') && !c.isCertain('day');
  // Naming today's weekday without a time means the next one: nobody says "Wednesday" for today.
  const nextWeekForToday = weekdayOnly && isToday && !time;
  if (nextWeekForToday) zdt = atTime(date.add({ days: 7 }), DEFAULT_TIME, ctx.timeZone);
  else if (!isAfter(zdt, ctx.now)) {
    if (!hasDate) zdt = zdt.add({ days: 1 });
    else if (weekdayOnly) zdt = zdt.add({ days: 7 });
    else if (isToday && !time) zdt = atTime(ctx.now, LAST_MINUTE, ctx.timeZone);
  }
  const ambiguous =
    (ambiguousHour && !hasDate) || /\bnext\s+(?:mon|tue|wed|thu|fri|sat|sun)/.test(r.text.toLowerCase());
  return {
    zdt,
    hasDate,
    hasTime: time !== undefined,
    deadline,
    ambiguous,
    pmGuess,
    partOfDay,
    nextWeekForToday,
  };
}

/**
 * Finds every date and time in `view` (lower case, consumed parts blanked), resolved in the
 * user's zone and preferring the future. Words that only look like dates are left alone.
 */
/**
 * One step per chrono date rule that runs it over a sentence with dates and times in it: V8
 * compiles a rule's regular expression on its second run, and the whole set takes ~0.4 s here.
 * Run one at a time between other work, they spare the first person's message that wait while
 * holding the event loop for at most one rule's compilation (two rules take ~150 ms each).
 */
export function dateRuleWarmUps(now: Date = new Date()): (() => void)[] {
  const text = 'call mom sunday at 3pm on march 3rd 2027, in 2 weeks, tomorrow morning, 12/24 at 7:30';
  return casual.parsers.map((parser) => () => {
    const one = new Chrono({ parsers: [parser], refiners: [] });
    // Twice: V8 interprets a regular expression on its first run and compiles it on the next.
    for (let i = 0; i < 2; i++) one.parse(text, now, { forwardDate: true });
  });
}

/**
 * chrono over `text` with each run of whitespace cut to its first character, its results placed back
 * on `text`. chrono's "2 hours ago / later" rules repeat a time unit with a connector of
 * `\s{0,5},?(?:\s*and)?\s{0,5}` up to ten times, which backtracks exponentially over long runs of
 * spaces — and the view has them wherever punctuation or an earlier match was blanked out: "the
 * hours !! the hours !! …" twelve times took 4 s, one more pair 30 s. One space between words
 * leaves those rules a handful of ways to split it.
 */
function parseSqueezed(text: string, ref: Date): ParsedResult[] {
  let squeezed = '';
  /** Where each character of `squeezed` (and its end) is in `text`. */
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (i > 0 && SPACE.test(text[i]!) && SPACE.test(text[i - 1]!)) continue;
    squeezed += text[i];
    at.push(i);
  }
  if (squeezed.length === text.length) return casual.parse(text, ref, { forwardDate: true });
  at.push(text.length);
  const results = casual.parse(squeezed, ref, { forwardDate: true });
  for (const r of results) {
    const start = at[r.index]!;
    const end = r.text.length > 0 ? at[r.index + r.text.length - 1]! + 1 : start;
    (r as { index: number }).index = start;
    (r as { text: string }).text = text.slice(start, end);
  }
  return results;
}

const SPACE = /\s/;

export function findDates(view: string, ctx: DateContext): FoundDate[] {
  let work = view;
  const found: FoundDate[] = [];
  const blank = (start: number, end: number) => {
    work = work.slice(0, start) + ' '.repeat(end - start) + work.slice(end);
  };
  for (const custom of CUSTOM) {
    custom.re.lastIndex = 0;
    for (let m = custom.re.exec(work); m; m = custom.re.exec(work)) {
      try {
        const resolved = custom.resolve(m, ctx);
        const absorbed = absorbPrepositions(work, m.index);
        const end = m.index + m[0].length;
        if ((absorbed.deadline || resolved.deadline) && !resolved.hasTime)
          resolved.zdt = atTime(resolved.zdt, DEADLINE_TIME, ctx.timeZone);
        found.push({
          ...resolved,
          deadline: resolved.deadline || absorbed.deadline,
          spans: [[absorbed.start, end]],
          before: work.slice(0, absorbed.start),
        });
        blank(absorbed.start, end);
      } catch (error) {
        if (!(error instanceof SkipMatch)) throw error;
      }
    }
  }
  const ref = fakeLocalReference(ctx.now);
  const results = parseSqueezed(work, ref);
  const adjectives: ParsedResult[] = [];
  const accept = (r: ParsedResult) => {
    const absorbed = absorbPrepositions(work, r.index);
    const resolved = fromChrono(r, ref, ctx, absorbed.deadline, work);
    found.push({
      ...resolved,
      spans: [[absorbed.start, r.index + r.text.length]],
      before: work.slice(0, absorbed.start),
    });
  };
  for (const r of results) {
    const falsePositive = isFalsePositive(work, r);
    if (falsePositive === 'soft') adjectives.push(r);
    else if (!falsePositive) accept(r);
  }
  // "sunday brunch with Lea at 11": with a time of day and no other day, the weekday is the day.
  if (adjectives.length && found.some((f) => f.hasTime && !f.hasDate) && !found.some((f) => f.hasDate)) {
    accept(adjectives[0]!);
  }
  found.sort((a, b) => a.spans[0]![0] - b.spans[0]![0]);
  return mergeDateAndTime(found, ctx);
}

/** "at 3pm … on Sunday" arrives as two readings; a to-do has one due time. */
function mergeDateAndTime(found: FoundDate[], ctx: DateContext): FoundDate[] {
  // "at 7 tomorrow morning": chrono may hand "morning" back on its own; it only qualifies the hour.
  const exact = found.find((f) => f.hasDate && f.hasTime && !f.partOfDay);
  const qualifier = found.find((f) => f.partOfDay && !f.hasDate);
  if (exact && qualifier) {
    exact.spans = [...exact.spans, ...qualifier.spans].sort((a, b) => a[0] - b[0]);
    return mergeDateAndTime(
      found.filter((f) => f !== qualifier),
      ctx,
    );
  }
  const timeOnly = found.find((f) => f.hasTime && !f.hasDate);
  const dateOnlyFound = found.find((f) => f.hasDate && (!f.hasTime || f.partOfDay));
  if (!timeOnly || !dateOnlyFound) return found;
  const { minute } = timeOnly.zdt;
  const hour = timeOnly.pmGuess ? timeOnly.zdt.hour - 12 : timeOnly.zdt.hour;
  let zdt = atTime(dateOnlyFound.zdt, { hour, minute }, ctx.timeZone);
  // "wednesday dentist 2pm" on a Wednesday morning: today, now that there is a time.
  const today = atTime(ctx.now, { hour, minute }, ctx.timeZone);
  if (dateOnlyFound.nextWeekForToday && isAfter(today, ctx.now)) zdt = today;
  const merged: FoundDate = {
    ...dateOnlyFound,
    zdt,
    hasTime: true,
    spans: [...dateOnlyFound.spans, ...timeOnly.spans].sort((a, b) => a[0] - b[0]),
    ambiguous: dateOnlyFound.ambiguous || timeOnly.ambiguous,
  };
  return found.filter((f) => f !== timeOnly && f !== dateOnlyFound).concat(merged);
}
