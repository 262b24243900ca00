// When no frame matched: chatter stays chatter, anything that reads like a to-do becomes one.

import { buildCreate, clamp, dueSaidIn, slotsIn, sourced } from '../build';
import { askFor } from '../clarify/ask';
import { core } from '../sentence';
import type { ParseResult } from '../types';
import { isTaskVerb } from '../verbs';
import { type Frame, whole } from './frame';

const CHATTER =
  /^(?:i'?m|i\s+am|i\s+feel|i\s+was|i\s+think|i\s+love|i\s+hate|i\s+like|i\s+guess|i\s+know|i\s+see|i\s+agree|you'?re|you\s+are|you|your|it'?s|its|that'?s|thats|this\s+is|lol|haha+|hehe+|omg|wow|ugh+|meh|hmm+|ok|okay|cool|nice|great|awesome|good|bad|yes|no|yeah|nah|nope|yep|sure|idk|dunno|whatever|nothing|never\s*mind|nvm|bye|goodbye|good\s+night|gn|gm|thanks|thank\s+you|ty|thx|cheers|sorry|oops|wait|hold\s+on|hang\s+on|brb|interesting|really|seriously|why|because|how|who|what|where|when|which|whose|(?:can|could|would|will|should|do|does|did|is|are|was|were|am|may|might|shall|has|have|had)\s+(?:you|u|i|we|it|he|she|they|there|this|that|your|my)|not|my\s+(?:day|life|week|boss|wife|husband|kids?|dog|cat)\s+(?:is|was)|i\s+have|i've\s+got|i've|i\s+had|we\s+have|i\s+(?:just\s+)?got|happy|merry|congrat\w*)\b/;

// A remark about the world rather than something to do: "the sky is so blue today", "coffee is
// life", "traffic was terrible", "I wonder if it'll snow", "can't sleep". A predicate that names a
// deadline or a problem to fix ("the report is due Friday", "the sink is leaking") still reads as
// a to-do.
const REMARK = new RegExp(
  [
    String.raw`^(?:(?:the|this|that|these|those|my|our|his|her|their|your)\s+)?(?:[\p{L}'-]+\s+){0,2}?[\p{L}'-]+\s+(?:is|are|was|were|isn'?t|aren'?t|wasn'?t|weren'?t|seems?|seemed|looks?|looked|feels?|felt|tastes?|tasted|sounds?|smells?)\s+(?!(?:due|overdue|scheduled|booked|planned|set|on|at|happening|coming|tomorrow|today|tonight|next|this|every|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays|january|february|march|april|may|june|july|august|september|october|november|december|the\s+\d+(?:st|nd|rd|th)?|\d|broken|leaking|leaky|empty|out|low|missing|running|expir\w*|dirty|clogged|flat|dead|overflowing|full|almost|nearly|ready|waiting|pending|late|behind|needed|required|not\s+(?:working|done|finished|paid|ready))\b)`,
    String.raw`^(?:had|was|were|felt|feeling|slept|sat\s+(?:with|on|in|by|around|outside|down|there))\b`,
    String.raw`^i\s+(?:wonder|hope|wish|miss|believe|suppose|bet|doubt|enjoy|prefer|adore|appreciate)\b(?!\s+to\b)`,
    String.raw`^(?:i\s+)?(?:can'?t|cannot|couldn'?t)\s+(?:sleep|believe|wait|stop|focus|decide|think|stand|concentrate|breathe|relax|even)\b`,
  ].join('|'),
  'u',
);

export const fallback: Frame = (s, ctx) => {
  const c = core(s);
  if (!c) return { intent: 'none', confidence: 0.9 };
  const x = slotsIn(s.text, [whole(s)], ctx);
  const first = c.split(/\s+/)[0] ?? '';
  if (s.question || CHATTER.test(c)) {
    // "I have a dentist appointment on Friday at 2" states a task with a time; other chatter does not.
    if (!s.question && x.title && x.due?.hasTime && /^(?:i\s+have|i've\s+got|we\s+have|i\s+got)\b/.test(c)) {
      return buildCreate(s.text, [whole(s)], ctx, { confidence: 0.55 });
    }
    return { intent: 'none', confidence: clamp(x.slotCount ? 0.55 : 0.7) };
  }
  if (!x.title) {
    if (x.slotCount) {
      const dueSaid = dueSaidIn(s.text, x);
      const asked: ParseResult = {
        intent: 'clarify',
        confidence: 0.6,
        question: askFor(['title'], { task: x.task, timeZone: ctx.timeZone }),
        pending: { intent: 'create', task: x.task, missing: ['title'] },
        ...(dueSaid ? { dueSaid } : {}),
      };
      return sourced(asked, s.text, ctx, ctx.sourcesOf === s.text ? [x.sources()] : []);
    }
    return { intent: 'none', confidence: 0.6 };
  }
  const verb = isTaskVerb(first);
  if (!verb && REMARK.test(c)) return { intent: 'none', confidence: clamp(x.slotCount ? 0.55 : 0.65) };
  const words = c.split(/\s+/).length;
  const letters = first.replace(/[^\p{L}]/gu, '');
  const gibberish =
    words === 1 && (!/[aeiouy]/.test(letters) || /(.)\1\1/.test(letters) || letters.length > 20);
  if (gibberish) return { intent: 'none', confidence: 0.5 };
  const confidence = verb ? (x.slotCount ? 0.82 : 0.75) : x.slotCount ? 0.72 : words === 1 ? 0.45 : 0.5;
  return buildCreate(s.text, [whole(s)], ctx, { confidence });
};
