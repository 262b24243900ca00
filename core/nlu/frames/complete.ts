// Reports of work done: "mark X as done", "check off X", "X is done", "I called mom".

import { buildTargeted, slotsIn } from '../build';
import { core, type Sentence } from '../sentence';
import { cleanTarget } from '../title';
import { completionBase, knownCompletionBase } from '../verbs';
import { type Frame, match, TASK_WORD } from './frame';

const DONE =
  '(?:done|complete|completed|finished|closed|resolved|checked(?:\\s+off)?|ticked(?:\\s+off)?|crossed\\s+off|accomplished)';
const LIST_SUFFIX =
  '(?:\\s+(?:(?:of|from|on|off)\\s+)?(?:my|the)\\s+(?:[\\w-]+\\s+)?(?:list|tasks|todos?|to-?dos?|agenda))?';

const completeFrames: [RegExp, number][] = [
  [
    new RegExp(
      `^(?:mark|set|flag|put|move|make|label|tag|consider|count|change|switch|update)\\s+(?<t>.+?)\\s+(?:as\\s+|to\\s+|like\\s+)?(?:being\\s+)?${DONE}(?:\\s+(?:now|already|for\\s+(?:me|today)|today))?${LIST_SUFFIX}$`,
      'd',
    ),
    0.95,
  ],
  [new RegExp(`^(?:mark|check|tick|cross|strike|scratch)\\s+(?<t>.+?)\\s+off${LIST_SUFFIX}$`, 'd'), 0.93],
  [new RegExp(`^(?:check|tick|cross|strike|scratch)\\s+off\\s+(?<t>.+?)${LIST_SUFFIX}$`, 'd'), 0.93],
  [/^(?:cross|strike)\s+(?<t>.+?)\s+out$/d, 0.85],
  [
    /^(?:i(?:'m|\s+am)|im|we(?:'re|\s+are))\s+(?:all\s+|finally\s+|now\s+)?(?:done|finished|through)\s+with\s+(?<t>.+)$/d,
    0.9,
  ],
  [/^(?:all\s+|totally\s+|finally\s+)?(?:done|finished|through)\s+with\s+(?<t>.+)$/d, 0.9],
  [
    /^(?:i(?:'ve|\s+have)?\s+|we(?:'ve|\s+have)?\s+)?(?:just\s+|already\s+|finally\s+|now\s+)?(?:finished|completed|done|did|accomplished|wrapped\s+up|knocked\s+out|took\s+care\s+of|sorted\s+out|dealt\s+with|got\s+through|ticked\s+off|checked\s+off|crossed\s+off)\s+(?:with\s+)?(?<t>.+)$/d,
    0.88,
  ],
  [
    /^(?<t>.+?)(?:\s+(?:is|are|was|were|has\s+been|have\s+been|got|been)|'s|'re)\s+(?:now\s+|all\s+|finally\s+|already\s+|totally\s+|completely\s+|officially\s+)?(?:done|complete|completed|finished|taken\s+care\s+of|sorted(?:\s+out)?|handled|dealt\s+with|over\s+with|paid|sent|submitted|fixed|booked|bought|ordered|returned|picked\s+up|cleaned|mailed|posted|filed|renewed|ticked\s+off|checked\s+off)(?:\s+(?:now|already|today|yesterday|too))?$/d,
    0.85,
  ],
  [/^(?:done|finished|completed)\s*[:-]\s*(?<t>.+)$/du, 0.9],
  [/^(?:✓|✔️?|✅|☑️?)\s*[:-]?\s*(?<t>.+)$/du, 0.9],
  [/^(?<t>)(?:done|finished|completed|complete|all\s+done|did\s+it|✓|✔️?|✅|☑️?)$/du, 0.5],
  [
    /^(?<t>.+?)\s*(?:[:-]\s*|\s)(?:done|finished|completed|complete|✓|✔️?|✅|☑️?)(?:\s+(?:now|already|today|yesterday|too))?$/du,
    0.8,
  ],
];

const NOT_A_TARGET =
  /^(?:get|have|got|make|need|must|should|will|want|gotta|to|be|is|are|it's|i'm|i|we|im|all|everything|when|if|what|how|not|almost|nearly|half|mostly|you|you're|we're|they|am|i\s+am|all\s+of\s+it|it\s+all)\b/;

export const completeStrong: Frame = (s) => {
  for (const [re, confidence] of completeFrames) {
    const found = match(s, re);
    if (!found) continue;
    const target = found.text('t');
    // A bare "done!" or "mark as done" is about whatever we were just talking about.
    if (!target || target === 'as')
      return { intent: 'complete', confidence: Math.min(confidence, 0.5), target: 'it' };
    if (NOT_A_TARGET.test(target) && !/^(?:it|that|this)$/.test(target)) continue;
    if (/\b(?:not|un)$/.test(target) || /\bnot\s+(?:yet\s+)?$/.test(target)) continue;
    return buildTargeted('complete', s.text, found.group('t'), confidence);
  }
  return undefined;
};

/** "nvm about …", "never mind …", "forget …" before the task a command is about. */
const LET_GO = String.raw`(?:(?:nvm|never\s*mind|forget)\s+(?:about\s+)?)?`;
const NAMED_BEFORE = new RegExp(
  String.raw`^(?<lead>${LET_GO})(?<np>(?:the|my|that|this)\s+[\p{L}\d' -]{1,40})$`,
  'u',
);
const NAMED_THEN_DELETE = new RegExp(
  String.raw`^${LET_GO}(?<t>.+?)\s*[,;.:-]\s*(?:just\s+|please\s+|so\s+)?(?:delete|remove|cancel|trash|scrap|drop)(?:\s+(?:it|that|this)(?:\s+one)?)?$`,
  'd',
);

/** "the dentist, cancel it": when all that comes before is a noun phrase, it names the task. */
function namedBefore(s: Sentence, c: string, index: number): string | undefined {
  const before = NAMED_BEFORE.exec(c.slice(0, index).trim());
  const np = before?.groups?.np;
  if (!np || /\b(?:is|was|went|got|has|had|are|were|did|will|can't|won't)\b/.test(np)) return undefined;
  const from = s.start + (before.groups?.lead?.length ?? 0);
  return cleanTarget(s.text.slice(from, from + np.length)) || undefined;
}

export const trailingCommand: Frame = (s, ctx) => {
  const c = core(s);
  const done =
    /(?:^|[,;.]\s*|\s(?:so|and|just|please)\s+)(?:mark|check|tick)\s+(?<t>it|that|this)\s+(?:as\s+)?(?:done|complete|completed|finished|off)$/d.exec(
      c,
    );
  if (done && done.index > 0)
    return { intent: 'complete', confidence: 0.8, target: namedBefore(s, c, done.index) ?? done.groups!.t! };
  const remove =
    /(?:^|[,;.]\s*|\s(?:so|and|just|please)\s+)(?:delete|remove|cancel|trash|scrap|drop)\s+(?<t>it|that|this)$/d.exec(
      c,
    );
  if (remove && remove.index > 0)
    return {
      intent: 'delete',
      confidence: 0.8,
      target: namedBefore(s, c, remove.index) ?? remove.groups!.t!,
    };
  // "I need more time on the essay, make it next Monday": a new date for the thing just named.
  const moveIt =
    /[,;.]\s*(?:so\s+|just\s+|please\s+|can\s+you\s+)?(?:make|move|push|change|set|bump|reschedule|shift)\s+it\s+(?<v>(?:to\s+|for\s+|till\s+|until\s+|due\s+)?.+)$/d.exec(
      c,
    );
  if (moveIt?.indices?.groups?.v) {
    const v = moveIt.indices.groups.v;
    const x = slotsIn(s.text, [[s.start + v[0], s.start + v[1]]], ctx);
    const named = /\b(?:the|my)\s+(?<np>[\p{L}\d' -]{2,40})$/u.exec(c.slice(0, moveIt.index));
    if (x.task.due && !x.title) {
      // "the dentist called, move it": the thing ends where its clause's verb begins.
      const np = named?.groups?.np?.split(
        /\s+(?:is|was|went|got|has|had|are|were|did|called|said|came|moved|changed|rang|texted|emailed|wrote|asked|needs|wants|will|can't|won't)\b/,
      )[0];
      const target = np ? cleanTarget(np) || 'it' : 'it';
      return { intent: 'update', confidence: 0.75, target, task: { due: x.task.due } };
    }
  }
  // "nvm about the parking permit, delete": the task first, then the bare command.
  const named = NAMED_THEN_DELETE.exec(c);
  if (named?.indices?.groups?.t) {
    const target = cleanTarget(
      s.text.slice(s.start + named.indices.groups.t[0], s.start + named.indices.groups.t[1]),
    );
    if (target && !/^(?:it|that|this|ok|okay|yes|yeah|no|hmm+|actually|wait)$/i.test(target))
      return { intent: 'delete', confidence: 0.78, target };
  }
  return undefined;
};

// "can we do the grocery run on saturday instead": a change to an existing plan.

export const completeWeak: Frame = (s, ctx) => {
  const verb = match(s, /^(?:complete|close(?:\s+out)?|resolve)\s+(?<t>.+)$/d);
  if (verb) {
    const x = slotsIn(s.text, [verb.group('t')!], ctx);
    // "Complete the tax return by Friday" is a new task; "complete buy groceries" is not.
    if (Object.keys(x.task).length) return undefined;
    const taskish = TASK_WORD.test(verb.text('t')) || /^(?:it|that|this)$/.test(verb.text('t'));
    return buildTargeted('complete', s.text, verb.group('t'), taskish ? 0.9 : 0.6);
  }
  // "passport renewed", "dog walked", "homework submitted": the thing, then the chore's participle.
  const participle = match(
    s,
    /^(?<rest>(?:the\s+|my\s+|our\s+)?[\p{L}'-]+(?:\s+[\p{L}'-]+){0,3}?)\s+(?:(?:is|are|was|were|got|has\s+been|have\s+been)\s+)?(?<pp>[a-z]+ed|paid|sent|bought|taken|written|fed|swept|done)(?<particle>\s+(?:up|off|out|in|back|over|away|down))?(?:\s+(?:already|today|just\s+now|finally|this\s+morning))?$/du,
  );
  if (participle) {
    const pp = participle.text('pp');
    const base = pp === 'done' ? undefined : knownCompletionBase(pp);
    const said = s.text.slice(...participle.group('rest')!);
    const rest = said.replace(/^(?:the|my|our)\s+/i, '').trim();
    // "the plumber called" is news about someone else, not a call made.
    const someoneDid =
      /^the\s/i.test(said) &&
      /^(?:called|texted|emailed|messaged|phoned|rang|wrote|replied|answered|visited)$/.test(pp);
    if (base && rest && !someoneDid && !/^(?:i|we|you|he|she|they|it|i'm|i've)$/i.test(rest))
      return {
        intent: 'complete',
        confidence: 0.6,
        target: `${base}${participle.text('particle') ? ` ${participle.text('particle').trim()}` : ''} ${rest}`,
      };
  }
  const past = match(
    s,
    /^(?:(?:i|we)(?:'ve|\s+have)?\s+)?(?:just\s+|already\s+|finally\s+)(?<verb>[a-z]+)\s+(?<rest>.+)$|^(?:i|we)(?:'ve|\s+have)?\s+(?:just\s+|already\s+|finally\s+)?(?<verb2>[a-z]+)\s+(?<rest2>.+)$|^(?<verb3>[a-z]+)\s+(?<rest3>.+)$/d,
  );
  if (!past) return undefined;
  const bare = Boolean(past.text('verb3'));
  const verbWord = past.text('verb') || past.text('verb2') || past.text('verb3');
  const restSpan = past.group('rest') ?? past.group('rest2') ?? past.group('rest3');
  // Without "I", only an unmistakable past form of a chore verb reports a finished task ("Paid the water bill").
  const base = bare ? knownCompletionBase(verbWord) : completionBase(verbWord);
  if (!base || !restSpan) return undefined;
  // "I just got promoted", "got home": news, not a chore done.
  const nextWord =
    s.lower
      .slice(...restSpan)
      .trim()
      .split(/\s+/)[0] ?? '';
  const news =
    /^(?:sick|home|back|lucky|lost|better|worse|angry|bored|engaged|married|fired|hired|stuck|up|out|in|there)$/;
  if (base === 'get' && (/ed$/.test(nextWord) || news.test(nextWord))) return undefined;
  const x = slotsIn(s.text, [restSpan], ctx);
  if (x.task.due && !/\b(?:yesterday|today|this\s+morning|earlier|last)\b/.test(core(s))) return undefined;
  const rest = s.text
    .slice(...restSpan)
    .replace(/[\s.!,]+$/, '')
    .replace(/\s+(?:already|today|yesterday|earlier|this\s+morning|just\s+now|finally)$/i, '')
    .trim();
  if (!rest) return undefined;
  return { intent: 'complete', confidence: bare ? 0.6 : 0.65, target: `${base} ${rest}` };
};
