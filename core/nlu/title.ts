// What is left once the slots are taken out is the title, plus glue words that belonged to
// the slots ("on", "by", "and", "task"). These helpers remove the glue, never the content.

const LEADING = new RegExp(
  '^(?:[,.;:!?\\-+*]+|' +
    [
      'to',
      'that',
      'about',
      're',
      'regarding',
      'called',
      'named',
      'titled',
      'saying',
      'which is',
      'and',
      'also',
      'then',
      'so',
      'please',
      'pls',
      'for me to',
      'i have',
      "i've got",
      'we have',
      'really',
      'just',
      'definitely',
      'probably',
      'seriously',
      'me to',
      'i need to',
      'i have to',
      'i must',
      'i should',
      'i gotta',
      'i got to',
      'need to',
      'have to',
      'gotta',
      'got to',
      'for',
      'of',
      'with',
      'is',
      'it is',
      'due',
      'at',
      'on',
      'by',
    ].join('\\b|') +
    '\\b)\\s*',
  'i',
);

const TRAILING = new RegExp(
  '(?:\\s*[,.;:!?\\-+*]+|\\s+(?:' +
    [
      'for',
      'to',
      'with',
      'and',
      'or',
      'but',
      'due',
      'starting',
      'beginning',
      'until',
      'till',
      'every',
      'each',
      'of',
      'the',
      'task',
      'tasks',
      'todo',
      'to-do',
      'to do',
      'item',
      'reminder',
      'please',
      'pls',
      'thanks',
      'thank you',
      'for me',
      'then',
      'also',
      'later',
      'sometime',
      'some time',
      'at some point',
      'soon',
      'repeating',
      'recurring',
      'repeat',
      'as',
      'is',
      'set',
      'remind me',
      'and remind me',
      'okay',
      'ok',
      'now',
      'asap',
      '(?:to|on|onto|in|into)\\s+(?:my|the|our)\\s+(?:to-?do\\s+|to\\s+do\\s+|task\\s+)?(?:list|tasks|todos|to-?dos|agenda|calendar)',
    ].join('|') +
    '))$',
  'i',
);

const EMPTY_TITLES =
  /^(?:task|a task|todo|a todo|reminder|a reminder|something|some thing|stuff|things?|it|one|new one|a new one|another one|item|an item|later|new|new task|anything|whatever)$/i;

function stripRepeatedly(text: string, re: RegExp): string {
  let out = text;
  for (let i = 0; i < 12; i++) {
    const next = out.replace(re, '').trim();
    if (next === out) break;
    out = next;
  }
  return out;
}

function tidy(raw: string): string {
  return raw
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.;:!?])/g, '$1')
    .replace(/([,;:])(?:\s*[,;:])+/g, '$1')
    .replace(/\(\s*\)|"\s*"/g, '')
    .trim();
}

/**
 * Turns leftover words into a clean title: no glue words at either end, first letter upper
 * case. Returns '' when nothing meaningful is left.
 *
 * @example cleanTitle('to call mom  ,  ') // 'Call mom'
 */
export function cleanTitle(raw: string): string {
  let title = tidy(raw);
  for (let i = 0; i < 4; i++) {
    const before = title;
    title = stripRepeatedly(title, LEADING);
    title = stripRepeatedly(title, TRAILING);
    title = title.replace(/^(?:the|an?|my)\s+(?=\S)/i, '');
    if (title === before) break;
  }
  title = tidy(title.replace(/^["']+|["']+$/g, ''));
  if (!title || EMPTY_TITLES.test(title) || !/[\p{L}\p{N}]/u.test(title)) return '';
  return title[0]!.toUpperCase() + title.slice(1);
}

const PRONOUN_TARGETS: [RegExp, string][] = [
  [/^(?:it|that|this|them|those|these)$/i, ''],
  [/^(?:that|this)\s+(?:one|task|todo|item|reminder)$/i, 'that'],
  [
    /^(?:the\s+)?(?:last|latest|previous|most recent|newest)\s+(?:one|task|todo|item|reminder)(?:\s+i\s+(?:just\s+)?(?:added|created|made))?$/i,
    'it',
  ],
  [/^the\s+one\s+i\s+just\s+(?:added|created|made)$/i, 'it'],
];

const TARGET_LEADING =
  /^(?:[,.;:!?-]+|the|my|our|a|an|task|todo|to-?do|item|reminder|entry|called|named|titled|for|to|about)\s+/i;
const TARGET_TRAILING = new RegExp(
  "(?:\\s*[,.;:!?]+|(?:'s)?\\s+(?:deadline|due\\s+date|due\\s+time|priority|title|name)|" +
    '\\s+(?:task|tasks|todo|to-?do|item|reminder|entry|one|thing|stuff|please|pls|thanks|for me|now|already|as|to|from|off|on|in|then|and|too|also|again|instead|anymore|any\\s+more|after\\s+all|' +
    '(?:from|off|on|in|out of)\\s+(?:my|the|our)\\s+(?:to-?do\\s+|to\\s+do\\s+|task\\s+)?(?:list|tasks|todos|to-?dos|agenda|calendar|schedule)' +
    '))$',
  'i',
);

/**
 * The words naming an existing task, without glue: "the walk dog task" → "walk dog",
 * "that one" → "that". Returns '' when nothing is left.
 *
 * @example cleanTarget('the buy groceries task') // 'buy groceries'
 */
export function cleanTarget(raw: string): string {
  let target = tidy(raw).replace(/^["']+|["']+$/g, '');
  for (const [re, replacement] of PRONOUN_TARGETS) {
    if (re.test(target)) return replacement || target.toLowerCase();
  }
  for (let i = 0; i < 4; i++) {
    const before = target;
    target = stripRepeatedly(target, TARGET_TRAILING);
    if (!/^(?:the|that|this)$/i.test(target)) target = stripRepeatedly(target, TARGET_LEADING);
    if (target === before) break;
  }
  target = tidy(target.replace(/^["']+|["']+$/g, ''));
  for (const [re, replacement] of PRONOUN_TARGETS) {
    if (re.test(target)) return replacement || target.toLowerCase();
  }
  if (/^(?:the|a|an|my|task|one)?$/i.test(target)) return '';
  return target;
}
