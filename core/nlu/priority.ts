import { allMatches, type MaskedText } from './masked-text';
import type { Priority } from './types';

const PRI = '(?:priority|prio|pri)';

const HIGH =
  `(?:(?:very|super|really|extremely|highly|most|top)\\s+)?(?:urgent(?:ly)?|important|critical|crucial)` +
  `|asap|a\\.s\\.a\\.p\\.?|as\\s+soon\\s+as\\s+possible|top\\s+${PRI}|high(?:est)?[\\s-]*${PRI}` +
  `|${PRI}[\\s:]*(?:high|1|one|top|urgent)|p1|(?:a\\s+)?must[\\s-]do`;

const LOW =
  `low(?:est)?[\\s-]*${PRI}|${PRI}[\\s:]*(?:low|3|4|three|four)|p[34]` +
  '|less\\s+(?:urgent|important|of\\s+a\\s+priority)|lower\\s+priority|not\\s+(?:urgent|important|a\\s+priority|a\\s+big\\s+deal)|no\\s+(?:rush|hurry)|low\\s+key' +
  '|whenever(?:\\s+i\\s+(?:can|get\\s+(?:a\\s+chance|around\\s+to\\s+it|the\\s+time|time)|have\\s+(?:the\\s+)?time))?' +
  '|some\\s?day|eventually|(?:if|when)\\s+i\\s+(?:have|get|find)\\s+(?:the\\s+|some\\s+)?(?:time|a\\s+chance)';

const MEDIUM = `(?:medium|normal|mid|moderate|average|regular)[\\s-]*${PRI}|${PRI}[\\s:]*(?:medium|normal|mid|2|two)|p2`;

const LEAD_IN =
  "(?:(?:,\\s*|\\band\\s+)?(?:it'?s|its|it\\s+is|this\\s+is|that'?s|is|make\\s+it|mark\\s+(?:it\\s+)?(?:as\\s+)?|set\\s+(?:it\\s+)?(?:to|as)|as|with|at|flag(?:ged)?\\s+(?:it\\s+)?(?:as\\s+)?)\\s+(?:an?\\s+)?)?";

const PATTERNS: [Priority, RegExp][] = [
  ['low', new RegExp(`${LEAD_IN}\\b(?:${LOW})\\b(?:\\s+${PRI})?`, 'gd')],
  ['medium', new RegExp(`${LEAD_IN}\\b(?:${MEDIUM})\\b`, 'gd')],
  ['high', new RegExp(`${LEAD_IN}\\b(?:${HIGH})\\b(?:\\s+${PRI})?`, 'gd')],
  ['high', /(?:^|\s|(?<=[\p{L}\p{N}]))(?:!{2,}|!1)(?=\s|$)/dgu],
  // The quick-add shorthand of other to-do apps: "!high", "!med", "!low", "!2", "!3".
  ['high', /(?<![\p{L}\p{N}!])!(?:high|hi|urgent|important|top)(?![\p{L}\p{N}])/dgu],
  ['medium', /(?<![\p{L}\p{N}!])!(?:medium|med|mid|normal|2)(?![\p{L}\p{N}])/dgu],
  ['low', /(?<![\p{L}\p{N}!])!(?:low|lo|3|4)(?![\p{L}\p{N}])/dgu],
];

const DETERMINER = /\b(?:the|an?|my|your|his|her|our|their|some|this|that|these|those|any)\s+$/;
const TASK_NOUN = /^\s*(?:task|todo|to-do|reminder|item|one|thing)\b/;

function isAdjectiveInTitle(view: string, start: number, end: number, word: string): boolean {
  // "Scan the important documents": an adjective of the title, not the task's priority.
  if (!/^(?:urgent|important|critical|crucial)$/.test(word.trim())) return false;
  const after = view.slice(end);
  return DETERMINER.test(view.slice(0, start)) && /^\s+[a-z]/.test(after) && !TASK_NOUN.test(after);
}

/**
 * Finds the priority the user asked for and consumes its words.
 *
 * @example extractPriority(new MaskedText('call the bank asap')) // 'high'
 */
export function extractPriority(m: MaskedText): Priority | undefined {
  let found: Priority | undefined;
  for (const [priority, re] of PATTERNS) {
    for (const match of allMatches(re, m.view())) {
      const start = match.index;
      const end = start + match[0].length;
      if (isAdjectiveInTitle(m.view(), start, end, match[0])) continue;
      m.consume(start, end);
      found ??= priority;
    }
  }
  return found;
}
