import { Temporal } from 'temporal-polyfill';
import { type DateContext, findDates } from './dates';
import { MaskedText } from './masked-text';
import { parseNumber } from './numbers';
import { extractTags, normaliseTag } from './tags';
import { cleanTarget } from './title';
import type { Priority, QueryFilter } from './types';
import { startOfMonth, startOfWeek, toIso, type Zoned } from './zoned';

type Range = [Zoned | undefined, Zoned | undefined];

const COMPLETED =
  /\b(?:complete[d]?|finish(?:ed)?|done|did\s+i|have\s+i\s+(?:done|finished|completed)|accomplish(?:ed)?|checked\s+off|ticked\s+off|crossed\s+off|closed|got\s+done|wrapped\s+up)\b/;
const NOT_COMPLETED =
  /\b(?:not|un|in)\s*(?:yet\s+)?(?:complete[d]?|finished|done)\b|\b(?:to|need\s+to|needs\s+to|have\s+to|must|should|gotta)\s+(?:get|be)\s+done\b|\bneeds?\s+done\b|\b(?:left|still|remaining|outstanding|pending|open|unfinished|incomplete)\b|\bto\s+do\b|\btodo\b|\bneed\s+to\s+(?:complete|finish)\b|\bhave\s+to\s+(?:complete|finish)\b|\bdue\b/;
const OVERDUE = /\b(?:overdue|past\s+due|late|missed|behind(?:\s+on)?|expired|slipped)\b/;
const ALL =
  /^(?:did|have)\s+i\s+(?:already\s+|ever\s+)?(?:add|added|create|created|put|save|saved|enter|entered|write|written|note|noted)\b|\b(?:including\s+(?:completed|done|finished)|completed\s+(?:and|or)\s+(?:open|active|pending|not)|all\s+tasks\s+ever|every\s+task\s+ever|done\s+and\s+not\s+done)\b/;

const PRIORITY: [Priority, RegExp][] = [
  ['low', /\b(?:low[\s-]?priority|p[34]|not\s+urgent|unimportant|low\s+prio)\b/],
  ['medium', /\b(?:medium|normal|mid)[\s-]?priority\b|\bp2\b/],
  ['high', /\b(?:high[\s-]?priority|urgent|important|critical|top\s+priority|p1|asap|high\s+prio)\b/],
];

const NOT_A_TAG = new Set(
  (
    'overdue completed open pending remaining upcoming all high low urgent important recurring repeating done ' +
    'finished new old current active outstanding daily weekly monthly other next last late first priority due my ' +
    'the any these those your our his her their today tomorrow yesterday tonight unfinished incomplete ' +
    'scheduled future past previous recent remaining more many few some of open-ended todo to-do whole entire full ' +
    'complete task'
  ).split(' '),
);

function dayRange(day: Zoned): Range {
  const start = day.startOfDay();
  return [start, start.add({ days: 1 })];
}

const COUNT = '(\\d+|two|three|four|five|six|seven|ten|fourteen|thirty)';
const NEXT_DAYS = new RegExp(
  `\\b(?:next|coming|within(?:\\s+the)?(?:\\s+next)?|in\\s+the\\s+next)\\s+${COUNT}\\s+days?\\b`,
);
const LAST_DAYS = new RegExp(`\\b(?:last|past|previous)\\s+${COUNT}\\s+days?\\b`);

function count(raw: string): number {
  return parseNumber(raw) ?? Number(raw);
}

/** Windows named by a word: today, this week, last month, the next 3 days, recently … */
function keywordRange(text: string, ctx: DateContext, completed: boolean): Range | undefined {
  const today = ctx.now.startOfDay();
  const week = startOfWeek(ctx.now);
  const month = startOfMonth(ctx.now);
  const lastDays = LAST_DAYS.exec(text);
  if (lastDays) return [today.subtract({ days: count(lastDays[1]!) }), today.add({ days: 1 })];
  const nextDays = NEXT_DAYS.exec(text);
  if (nextDays) return [completed ? today : ctx.now, today.add({ days: count(nextDays[1]!) + 1 })];
  if (/\b(?:today'?s?|tonight'?s?|this\s+(?:morning|afternoon|evening))\b/.test(text))
    return dayRange(ctx.now);
  if (/\btomorrow'?s?\b/.test(text)) return dayRange(ctx.now.add({ days: 1 }));
  if (/\byesterday\b/.test(text)) return dayRange(ctx.now.subtract({ days: 1 }));
  if (/\bnext\s+week\b/.test(text)) return [week.add({ weeks: 1 }), week.add({ weeks: 2 })];
  if (/\blast\s+week\b/.test(text)) return [week.subtract({ weeks: 1 }), week];
  if (/\bweekend\b/.test(text)) return [week.add({ days: 5 }), week.add({ weeks: 1 })];
  if (/\bweek\b/.test(text)) return [completed ? week : today, week.add({ weeks: 1 })];
  if (/\bnext\s+month\b/.test(text)) return [month.add({ months: 1 }), month.add({ months: 2 })];
  if (/\blast\s+month\b/.test(text)) return [month.subtract({ months: 1 }), month];
  if (/\b(?:this|the)\s+month\b/.test(text)) return [completed ? month : today, month.add({ months: 1 })];
  if (/\brecently\b|\blately\b/.test(text)) return [today.subtract({ days: 7 }), undefined];
  if (/\b(?:upcoming|coming\s+up|soon|next\s+few\s+days|ahead)\b/.test(text))
    return [ctx.now, today.add({ days: 8 })];
  return undefined;
}

/** The time window the question is about, relative to now in the user's zone. */
function timeRange(text: string, ctx: DateContext, completed: boolean): Range | undefined {
  // "by tomorrow", "before Friday": a bound, handled with the exact date below.
  if (!/\b(?:before|by|until|till|after|since)\s+\w/.test(text)) {
    const keyword = keywordRange(text, ctx, completed);
    if (keyword) return keyword;
  }
  const dates = findDates(text, ctx).filter((d) => d.hasDate);
  // "between Monday and Wednesday", "from the 3rd to the 5th": both days included.
  if (dates.length >= 2 && /\b(?:between|from)\b.+\b(?:and|to|till|until|through|thru)\b/.test(text)) {
    const [a, b] = [dates[0]!.zdt, dates[1]!.zdt];
    const [first, last] = Temporal.ZonedDateTime.compare(a, b) <= 0 ? [a, b] : [b, a];
    return [dayRange(first)[0], dayRange(last)[1]];
  }
  const found = dates[0];
  if (!found) return undefined;
  const [spanStart, spanEnd] = found.spans[0]!;
  const cue =
    /\b(before|by|until|till|after|since|from)\s*$/.exec(text.slice(0, spanStart))?.[1] ??
    /\b(before|by|until|till|after|since|from)\b/.exec(text.slice(spanStart, spanEnd))?.[1];
  const [start, end] = dayRange(found.zdt);
  if (cue === 'before') return [undefined, start];
  if (cue === 'by' || cue === 'until' || cue === 'till') return [undefined, end];
  if (cue === 'after') return [end, undefined];
  if (cue === 'since' || cue === 'from') return [start, undefined];
  return [start, end];
}

function queryTags(text: string): string[] {
  const m = new MaskedText(text);
  const tags = extractTags(m);
  const adjective =
    /\b(?:my|the|all|any|show|list)\s+([a-z][\w-]*)\s+(?:tasks|todos|to-?dos|stuff|items|things|errands|chores|reminders|list)\b/.exec(
      m.view(),
    );
  if (adjective && !NOT_A_TAG.has(adjective[1]!)) tags.push(normaliseTag(adjective[1]!));
  return [...new Set(tags)];
}

const TEXT_PATTERNS: RegExp[] = [
  // "did I already add the grant application (to my list)?": is it there, done or not.
  /^(?:did|have)\s+i\s+(?:already\s+|ever\s+)?(?:add|added|create|created|put|save|saved|enter|entered|write|written|note|noted)\s+(?:down\s+)?(.+?)(?=\s+(?:to|on|in|onto)\s+(?:my|the)\s+|\s+(?:yet|already|before)\b|[?.!]|$)/,
  /\b(?:about|regarding|related\s+to|mentioning|concerning|involving|containing|with\s+(?:the\s+)?words?|called|named|titled)\s+(.+?)(?=\s+(?:due|tagged|today|tomorrow|this|next|that|which|on|by|before|after|anymore)\b|[?.!]|$)/,
  /\b(?:search|look)\s+(?:(?:my|the)\s+(?:tasks|list|todos)\s+)?for\s+(.+?)(?=[?.!]|$)/,
  /^(?:did|have)\s+i\s+(?:already\s+|ever\s+)?(?:do|done|finish|finished|complete|completed)?\s*(.+?)(?=\s+(?:yet|already|today|yesterday|this\s+week)\b|[?.!]|$)/,
  /^(?:did|have)\s+i\s+(?:already\s+)?(.+?)(?=\s+(?:yet|already|today|yesterday|this\s+week)\b|[?.!]|$)/,
  /^(?:is|are|was|were|has|have)\s+(.+?)\s+(?:been\s+)?(?:done|complete|completed|finished|due|overdue|scheduled)\b/,
  /^(?:is|are)\s+(.+?)\s+(?:still\s+)?(?:on|in)\s+(?:my|the)\s+(?:[\w-]+\s+)?(?:list|tasks|todos?|to-?do\s+list|agenda|calendar)\b/,
  /^when\s+(?:is|was|'s|are|do\s+i\s+have\s+to\s+do|should\s+i\s+do)\s+(.+?)(?:\s+due)?(?=[?.!]|$)/,
  /^when'?s\s+(.+?)(?:\s+due)?(?=[?.!]|$)/,
];

function queryText(text: string): string | undefined {
  for (const re of TEXT_PATTERNS) {
    const m = re.exec(text);
    const raw = m?.[1]?.trim();
    if (!raw) continue;
    const cleaned = cleanTarget(raw.replace(/^(?:my|the|a|an|any|all)\s+/, ''));
    if (cleaned && !/^(?:tasks?|it|that|this|anything|everything|something|stuff|things?)$/.test(cleaned))
      return cleaned;
  }
  return undefined;
}

/**
 * Turns a question about the list ("what's due today", "what did I complete yesterday?",
 * "anything tagged work?") into a filter. Bounds are half-open and carry the user's offset.
 */
export function extractFilter(lowerText: string, ctx: DateContext): QueryFilter {
  const text = lowerText.replace(/[?!.]+$/, '').trim();
  const filter: QueryFilter = {};
  const completed = ALL.test(text) ? false : COMPLETED.test(text) && !NOT_COMPLETED.test(text);
  filter.status = ALL.test(text) ? 'all' : completed ? 'completed' : 'active';
  if (!completed && OVERDUE.test(text)) {
    filter.dueBefore = toIso(ctx.now);
  } else {
    const range = timeRange(text, ctx, completed);
    if (range) {
      const [after, before] = range;
      if (completed) {
        if (after) filter.completedAfter = toIso(after);
        if (before) filter.completedBefore = toIso(before);
      } else {
        if (after) filter.dueAfter = toIso(after);
        if (before) filter.dueBefore = toIso(before);
      }
    }
  }
  const priority = PRIORITY.find(([, re]) => re.test(text))?.[0];
  if (priority) filter.priority = priority;
  const tags = queryTags(text);
  if (tags.length) filter.tags = tags;
  const search = queryText(text);
  if (search) filter.text = search;
  return filter;
}
