// Questions about the list: "what's due today", "show overdue tasks", "anything tagged work?".

import { clamp } from '../build';
import type { DateContext } from '../dates';
import { extractFilter } from '../filter';
import { core, type Sentence } from '../sentence';
import type { ParseResult } from '../types';
import { isTaskVerb } from '../verbs';
import type { Frame } from './frame';

const TASKY =
  /\bmy\s+(?:week|day|month|weekend|morning|afternoon|evening)\b|\b(?:tasks?|todos?|to-?dos?|to\s+do\s+list|list|agenda|schedule|plate|reminders?|deadlines?|chores|errands|calendar|things\s+to\s+do|stuff|items|anything|everything|something|what\s+else)\b/;
const FILTERY =
  /\b(?:due|overdue|late|pending|left|remaining|outstanding|open|upcoming|coming\s+up|complete[d]?|finish(?:ed)?|done|tagged|labell?ed|priority|urgent|important|today|tonight|tomorrow|yesterday|this\s+week|next\s+week|last\s+week|this\s+weekend|this\s+(?:morning|afternoon|evening)|(?:on\s+|this\s+|next\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|this\s+month|next\s+month|planned|scheduled|on\s+for|going\s+on|happening|next|missed|#\w+)\b/;

function query(s: Sentence, ctx: DateContext, confidence: number): ParseResult {
  return { intent: 'query', confidence: clamp(confidence), filter: extractFilter(core(s), ctx) };
}

export const queryFrame: Frame = (s, ctx) => {
  const c = core(s);
  if (/^check\b.*\boff\b/.test(c)) return undefined;
  const wh =
    /^(?:what|what's|whats|which|how\s+many|how\s+much|how's|how\s+is|how\s+does|how\s+do\s+things|anything|any|is\s+there|are\s+there|do\s+i|did\s+i|have\s+i|had\s+i|am\s+i|where|wat|got\s+anything)\b/;
  const personal =
    /\b(?:do\s+i\s+(?:have|need|got)|did\s+i|have\s+i|should\s+i\s+(?:do|work|focus|tackle|start|prioriti[sz]e|get|be\s+doing|handle)|i\s+need\s+to\s+(?:do|get|finish)|need\s+to\s+do|am\s+i|i\s+have|i've\s+got|i\s+got|have\s+i\s+got|i\s+did|i\s+completed|i\s+finished)\b/;
  if (wh.test(c) && (TASKY.test(c) || FILTERY.test(c) || personal.test(c))) return query(s, ctx, 0.9);
  if (
    /^when(?:'s|\s+is|\s+was|\s+are|\s+do\s+i|\s+should\s+i)\b/.test(c) &&
    !/\b(?:weather|sunset|sunrise|game|match)\b/.test(c)
  )
    return query(s, ctx, 0.75);
  const show =
    /^(?:show|list|display|view|see|give\s+me|get\s+me|pull\s+up|bring\s+up|open|read(?:\s+(?:me|out))?|tell\s+me|let\s+me\s+see|can\s+i\s+see|could\s+i\s+see|check|find|search|look\s+up|look\s+for|look\s+at|lookup|filter|print|get\s+(?:me\s+)?(?:my|the|all|a\s+list)|what\s+about|go\s+through|review)\b/;
  // "check tire pressure this weekend" is a chore; "check what's due", "check my list" ask.
  const checkChore =
    /^check\s+(?!(?:what|whether|if|when|which|how|my|the\s+(?:list|tasks?|agenda|schedule|calendar)|on\s+my|for\s+(?:any|my|tasks|overdue)|tasks|todos?|to-?dos?|everything|anything|all\b|overdue|due\b|again)\b)/.test(
      c,
    );
  if (show.test(c) && !checkChore) {
    const lookup = /^(?:find|search|look\s+(?:up|for)|lookup)\b/.test(c);
    if (lookup ? TASKY.test(c) : TASKY.test(c) || FILTERY.test(c)) return query(s, ctx, 0.9);
    if (/^(?:show|list|display|view)(?:\s+(?:me|it|them))?(?:\s+(?:all|everything))?$/.test(c))
      return query(s, ctx, 0.85);
  }
  const noun =
    /^(?:(?:all|my|the|any|current|open|pending|remaining|outstanding|upcoming|overdue|late|completed|finished|done|today'?s|tomorrow'?s|this\s+week'?s|next\s+week'?s|high[\s-]priority|low[\s-]priority|urgent|important|recurring|#[\w-]+|[\w-]+)\s+){0,4}(?:tasks|todos|to-?dos|to\s+do\s+list|todo\s+list|task\s+list|agenda|reminders|list)(?:\s+(?:for|due|tagged|with|about|this|next|today|tomorrow|tonight|on|from|that|in|i|please|left|remaining|overdue|labell?ed|completed|done|marked|this\s+week).*)?$/;
  const first = c.split(/\s+/)[0] ?? '';
  if (
    noun.test(c) &&
    !isTaskVerb(first) &&
    !/^(?:add|create|new|delete|remove|clear|make|set|put)$/.test(first)
  )
    return query(s, ctx, 0.85);
  if (
    /^(?:overdue|agenda|upcoming|today|tomorrow|this\s+week|what'?s\s+next|next\s+up|up\s+next|my\s+day|inbox|todo|to-?do|to\s+do|everything|status|summary)$/.test(
      c,
    )
  )
    return query(s, ctx, 0.75);
  const aux = /^(?:do|does|did|have|has|am|are|is|was|were|will|got|need)\s+(?:i|we|there)\b/;
  if (
    aux.test(c) &&
    (TASKY.test(c) ||
      FILTERY.test(c) ||
      /^(?:did|have)\s+i\b/.test(c) ||
      /^do\s+i\s+(?:need|have)\s+to\b/.test(c))
  )
    return query(s, ctx, 0.85);
  if (
    /^(?:is|are|was|were|has|have)\s+.+?\s+(?:been\s+)?(?:done|complete|completed|finished|due|overdue|scheduled)\b/.test(
      c,
    ) ||
    /^(?:is|are)\s+.+?\s+(?:still\s+)?(?:on|in)\s+(?:my|the)\s+(?:[\w-]+\s+)?(?:list|tasks|todos?|to-?do\s+list|agenda|calendar)\b/.test(
      c,
    )
  )
    return query(s, ctx, 0.75);
  // "how busy am I tomorrow", "how full is my week"
  if (/^how\s+(?:busy|full|packed|booked|swamped|free)\s+(?:am\s+i|is\s+my|are\s+we|will\s+i\s+be)\b/.test(c))
    return query(s, ctx, 0.85);
  return undefined;
};
