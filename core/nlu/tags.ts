import { allMatches, type MaskedText } from './masked-text';

const WORD = '#?[\\p{L}\\p{N}][\\p{L}\\p{N}_\\-]*';
const LIST = `${WORD}(?:\\s*(?:,|&|\\+|/|\\band\\b)\\s*${WORD})*`;

const HASHTAG = /(?<![\p{L}\p{N}&/])#([\p{L}\p{N}][\p{L}\p{N}_\-.]*)/gu;
/** Todoist-style labels ("@home"); an e-mail address has no space before its "@". */
const AT_LABEL = /(?<=^|\s)@([\p{L}][\p{L}\p{N}_-]*)/gu;

const PHRASES: RegExp[] = [
  // "tagged home and errands", "tag it work", "label it as urgent", ", tag work"
  new RegExp(
    `(?:(?:,\\s*|\\band\\s+|\\balso\\s+)?\\b(?:tagged|labell?ed|categori[sz]ed)\\s+(?:(?:it|this|that|them)\\s+)?(?:as|with|under|in)?\\s*:?\\s*` +
      `|(?:,\\s*|\\band\\s+|\\balso\\s+)\\b(?:tag|label|categori[sz]e)\\s+(?:(?:it|this|that|them)\\s+)?(?:as|with|under|in)?\\s*:?\\s*` +
      `|\\b(?:tag|label)\\s+(?:it|this|that|them)\\s+(?:as|with|under|in)?\\s*:?\\s*` +
      `|\\b(?:tag|label)\\s+(?=\\S+\\s*$)` +
      `|\\b(?:with|w/|and)\\s+(?:the\\s+|a\\s+)?(?:tags?|labels?)\\s*:?\\s*(?:of\\s+)?` +
      `|\\b(?:tags?|labels?)\\s*[:=]\\s*)(${LIST})`,
    'gdu',
  ),
  // "add milk to my shopping list", "file it under the work category"
  /\b(?:to|on|onto|in|into|under)\s+(?:my|the|our)\s+([\p{L}\p{N}][\p{L}\p{N}-]*)\s+(?:list|category|project|folder|board)\b/dgu,
];

// A list of tags ends where the sentence goes on ("tagged work and remind me…").
const STOP_WORDS = new Set(
  (
    'remind reminder due every each on at by before after tomorrow today tonight next this priority urgent ' +
    'important high low please pls it to for from with the a an and repeat daily weekly monthly is'
  ).split(' '),
);
const NOT_A_LIST_NAME = new Set([
  'todo',
  'to-do',
  'task',
  'tasks',
  'main',
  'default',
  'usual',
  'whole',
  'own',
]);

/** Lower case, no '#', inner spaces as '-'. Matches the domain's tag normalisation. */
export function normaliseTag(raw: string): string {
  return raw
    .trim()
    .replace(/^#+/, '')
    .replace(/[.\-_]+$/, '')
    .toLowerCase()
    .replace(/\s+/g, '-');
}

function listWords(list: string, listStart: number): { tags: string[]; end: number } {
  const tags: string[] = [];
  let end = listStart;
  const wordRe = new RegExp(WORD, 'gu');
  for (const match of list.matchAll(wordRe)) {
    const word = match[0];
    if (word === 'and') continue;
    if (STOP_WORDS.has(word.replace(/^#/, ''))) break;
    const between = list.slice(end - listStart, match.index);
    if (tags.length && !/[,&+/]|\band\b/.test(between)) break;
    tags.push(normaliseTag(word));
    end = listStart + match.index + word.length;
  }
  return { tags, end };
}

/**
 * Finds the tags of a task — "#work", "@home", "tagged home and errands", "with tag x" — and
 * consumes their words.
 *
 * @example extractTags(new MaskedText('buy milk #errands tagged home and shopping')) // ['errands', 'home', 'shopping']
 */
export function extractTags(m: MaskedText): string[] {
  const tags: string[] = [];
  for (const re of [HASHTAG, AT_LABEL]) {
    for (const match of allMatches(re, m.view())) {
      tags.push(normaliseTag(match[1]!));
      m.consume(match.index, match.index + match[0].length);
    }
  }
  const [phrase, listName] = PHRASES as [RegExp, RegExp];
  for (const match of allMatches(phrase, m.view())) {
    const [listStart] = match.indices![1]!;
    const { tags: found, end } = listWords(match[1]!, listStart);
    if (!found.length) continue;
    tags.push(...found);
    m.consume(match.index, end);
  }
  for (const match of allMatches(listName, m.view())) {
    const name = match[1]!;
    if (NOT_A_LIST_NAME.has(name)) continue;
    tags.push(normaliseTag(name));
    m.consume(match.index, match.index + match[0].length);
  }
  return [...new Set(tags.filter(Boolean))];
}
