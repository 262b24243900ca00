// Removal: "delete X", "get rid of X", "X is cancelled", "I don't need to X anymore".

import { buildTargeted, slotsIn } from '../build';
import { core } from '../sentence';
import { type Frame, match, TASK_WORD } from './frame';

const STRONG_DELETE =
  /^(?:delete|discard|ditch|nix|scrap|bin|axe|nuke|purge|eliminate|erase|forget\s+about|undo)$/;
const FROM_LIST =
  /\b(?:from|off|out\s+of)\s+(?:my|the)\s+(?:[\w-]+\s+)?(?:list|tasks|todos?|to-?dos?|agenda|calendar|schedule)\b/;

export const deleteFrame: Frame = (s, ctx) => {
  const c = core(s);
  if (/^(?:forget|never\s*mind|nvm|scratch)\s+(?:it|that|this)?$/.test(c) && !/^scratch\s+that$/.test(c))
    return undefined;
  const verbFirst = match(
    s,
    /^(?<verb>delete|remove|erase|trash|discard|ditch|nix|scrap|drop|cancel|clear|get\s+rid\s+of|throw\s+(?:away|out)|take\s+off|cross\s+out|forget\s+about|forget|bin|axe|kill|nuke|purge|eliminate|dump|undo|scratch|never\s*mind(?:\s+about)?)\s+(?<t>.+)$/d,
  );
  if (verbFirst) {
    const verb = verbFirst.text('verb');
    const t = verbFirst.text('t');
    const pronoun = /^(?:it|that|this|them|that\s+one|this\s+one)$/.test(t);
    const strong = STRONG_DELETE.test(verb) || /^(?:never\s*mind|scratch|forget)/.test(verb);
    const taskish = TASK_WORD.test(t) || FROM_LIST.test(t) || pronoun;
    if (strong || taskish)
      return buildTargeted('delete', s.text, verbFirst.group('t'), strong || taskish ? 0.92 : 0.6);
    // "cancel my gym membership", "remove snow from the car": chores unless they point at a task.
    const x = slotsIn(s.text, [verbFirst.group('t')!], ctx);
    if (Object.keys(x.task).length) return undefined;
    const determined = /^(?:my|the|that|this|our)\b/.test(t);
    // "trash the oil change" deletes; "trash is out" is news.
    if (/^(?:remove|cancel|get\s+rid\s+of)$/.test(verb) || (verb === 'trash' && determined)) {
      if (/\bfrom\b/.test(t)) return undefined;
      return buildTargeted('delete', s.text, verbFirst.group('t'), determined ? 0.7 : 0.55);
    }
    return undefined;
  }
  const offList =
    match(
      s,
      /^(?:take|get|knock)\s+(?<t>.+?)\s+off\s+(?:of\s+)?(?:my|the)\s+(?:[\w-]+\s+)?(?:list|tasks|todos?|to-?dos?|agenda|calendar)$/d,
    ) ??
    match(
      s,
      /^(?:i\s+|we\s+)?(?:don'?t|do\s+not|no\s+longer|won'?t|didn'?t)\s+(?:need|have|want|got)\s+to\s+(?<t>.+?)(?:\s+(?:anymore|any\s+more|after\s+all))?$/d,
    ) ??
    match(
      s,
      /^(?:i\s+|we\s+)?(?:don'?t|do\s+not|no\s+longer)\s+(?:need|want)\s+(?<t>(?:the|that|this|my)\s+.+?)(?:\s+(?:anymore|any\s+more|after\s+all))?$/d,
    ) ??
    match(
      s,
      /^(?:there'?s\s+)?no\s+(?:need|reason)\s+to\s+(?<t>.+?)(?:\s+(?:anymore|any\s+more|after\s+all))?$/d,
    ) ??
    match(
      s,
      /^(?<t>.+?)(?:\s+(?:is|are|was|has\s+been|got|were)|'s)\s+(?:no\s+longer\s+(?:needed|necessary|happening|relevant|a\s+thing|required)|not\s+(?:needed|necessary|happening|required)(?:\s+any\s*more)?|cancell?ed|called\s+off|scrapped|irrelevant|off)(?:\s+(?:now|anymore|any\s+more))?$/d,
    );
  const canGo = match(
    s,
    /^(?<t>.+?)\s+(?:can|should|could|may)\s+(?:now\s+)?(?:be\s+(?:deleted|removed|cancell?ed|dropped|scrapped|taken\s+off)|go)$/d,
  );
  if (offList ?? canGo) return buildTargeted('delete', s.text, (offList ?? canGo)!.group('t'), 0.82);
  if (/^(?:delete|remove|trash|cancel|erase|discard)$/.test(c))
    return buildTargeted('delete', s.text, undefined, 0.8);
  return undefined;
};
