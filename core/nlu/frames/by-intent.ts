// Readings forced to one intent: when the classifier is sure of an intent that no frame
// recognised, these find the target, the change or the new task in the words anyway.

import { buildCreate, buildTargeted, buildUpdate, clamp, type Span } from '../build';
import type { DateContext } from '../dates';
import { extractFilter } from '../filter';
import { core, type Sentence } from '../sentence';
import type { Intent, ParseResult } from '../types';
import { createFrame, taskNounFrame } from './create';
import { whole } from './frame';

const LIST = String.raw`(?:my|the|our)\s+(?:[\w'-]+\s+){0,2}?(?:list|lists|tasks|todos?|to-?dos?|to\s+do\s+list|agenda|calendar|schedule|reminders)`;

const LEADS: Record<'complete' | 'delete' | 'update', RegExp> = {
  complete:
    /^(?:(?:i|we)(?:'ve|\s+have)?\s+)?(?:just\s+|already\s+|finally\s+)?(?:mark(?:ed)?|check(?:ed)?|tick(?:ed)?|cross(?:ed)?|strike|struck|scratch(?:ed)?|set|complete[d]?|finish(?:ed)?|close[d]?|did|done(?:\s+with)?|wrapped\s+up)\s+(?:off\s+)?/,
  delete:
    /^(?:delete|remove|rmv|erase|cancel|drop|clear|scrap|trash|ditch|nix|get\s+rid\s+of|take|forget(?:\s+about)?|never\s*mind(?:\s+about)?|no\s+need\s+(?:for|to\s+remind\s+me\s+about))\s+/,
  update:
    /^(?:change|chnage|switch|move|push|update|set|make|reschedule|postpone|bump|shift|delay|rename|edit|modify)\s+/,
};

const TAILS: Record<'complete' | 'delete' | 'update', RegExp> = {
  complete: new RegExp(
    String.raw`\s+(?:(?:as\s+)?(?:done|complete[d]?|finished)|off)?(?:\s+(?:from|off|on)\s+${LIST})?(?:\s+(?:now|already|today))?$`,
  ),
  delete: new RegExp(
    String.raw`(?:\s+(?:from|off(?:\s+of)?|out\s+of)\s+${LIST})?(?:\s+(?:anymore|any\s+more|please|now))?$`,
  ),
  update: /$^/,
};

/** The span of the sentence left once the lead verb and the list glue are taken off. */
function between(s: Sentence, lead: RegExp, tail: RegExp): Span {
  const c = core(s);
  const start = lead.exec(c)?.[0].length ?? 0;
  const rest = c.slice(start);
  const end = start + (tail.source === '$^' ? rest.length : rest.replace(tail, '').length);
  return [s.start + start, s.start + Math.max(start, end)];
}

/** The sentence read as `intent`, with `confidence` as the reading's certainty. */
export function readAs(intent: Intent, s: Sentence, ctx: DateContext, confidence: number): ParseResult {
  switch (intent) {
    case 'query':
      return { intent: 'query', confidence: clamp(confidence), filter: extractFilter(core(s), ctx) };
    case 'create': {
      const framed = taskNounFrame(s, ctx) ?? createFrame(s, ctx);
      if (framed && (framed.intent === 'create' || framed.intent === 'clarify'))
        return { ...framed, confidence: clamp(Math.min(framed.confidence, confidence)) };
      return buildCreate(s.text, [whole(s)], ctx, { confidence });
    }
    case 'complete':
    case 'delete':
      return buildTargeted(intent, s.text, between(s, LEADS[intent], TAILS[intent]), confidence);
    case 'update': {
      const span = between(s, LEADS.update, TAILS.update);
      return buildUpdate(s.text, { change: [span], confidence }, ctx);
    }
    default:
      return { intent: 'none', confidence: clamp(confidence) };
  }
}
