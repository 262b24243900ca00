import Fuse from 'fuse.js';

export interface Candidate {
  id: string;
  title: string;
}

export type MatchResult<T extends Candidate> =
  | { kind: 'found'; task: T }
  | { kind: 'ambiguous'; candidates: T[] }
  | { kind: 'none' };

const STOP = new Set(['the', 'a', 'an', 'my', 'task', 'todo', 'to-do', 'item', 'one', 'to', 'for', 'of']);

export function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter((w) => w && !STOP.has(w));
}

/** Overlap of the words (F1 of the token sets): 1 for the same words in any order. */
function overlap(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const sb = new Set(b);
  const common = a.filter((w) => sb.has(w)).length;
  if (common === 0) return 0;
  const p = common / a.length;
  const r = common / b.length;
  return (2 * p * r) / (p + r);
}

/**
 * Finds the task a person means by a few words ("buy groceries", "the report one"): exact and
 * word-overlap matches first, fuzzy (typos) after. One clear winner is `found`; several close ones
 * are `ambiguous` (the agent asks which); nothing close is `none`.
 */
export function matchTask<T extends Candidate>(target: string, tasks: readonly T[]): MatchResult<T> {
  const want = tokens(target);
  if (want.length === 0 || tasks.length === 0) return { kind: 'none' };
  const wantText = want.join(' ');
  const fuse = new Fuse(tasks as T[], {
    keys: ['title'],
    includeScore: true,
    threshold: 0.45,
    ignoreLocation: true,
  });
  const fuzzy = new Map(fuse.search(wantText).map((r) => [r.item.id, 1 - (r.score ?? 1)]));
  const scored = tasks
    .map((task) => {
      const have = tokens(task.title);
      const haveText = have.join(' ');
      let score = Math.max(overlap(want, have), (fuzzy.get(task.id) ?? 0) * 0.9);
      if (haveText === wantText) score = 1.1;
      else if (haveText.includes(wantText) || wantText.includes(haveText)) score = Math.max(score, 0.9);
      return { task, score };
    })
    .filter((s) => s.score >= 0.5)
    .sort((a, b) => b.score - a.score);
  const [top, second] = scored;
  if (!top) return { kind: 'none' };
  if (!second || top.score - second.score >= 0.15 || top.score > 1) return { kind: 'found', task: top.task };
  const close = scored.filter((s) => top.score - s.score < 0.15).slice(0, 5);
  return { kind: 'ambiguous', candidates: close.map((s) => s.task) };
}

const NUMBER_WORDS = ['one', 'two', 'three', 'four', 'five'];
const ORDINAL_WORDS = ['first', 'second', 'third', 'fourth', 'fifth'];

/** What an answer to "which one?" can say: a number, an order, a day, or words of the title. */
export interface PickOptions {
  /** Days (YYYY-MM-DD) the answer names, with each candidate's day to compare. */
  days?: string[];
  dayOf?: (candidate: Candidate) => string | undefined;
}

/**
 * "2", "number two", "the second one", "the last one", "the one on Friday", "the dentist one",
 * or a word only one candidate's title has ("budget") → the candidate meant, if any.
 */
export function pickCandidate<T extends Candidate>(
  answer: string,
  candidates: readonly T[],
  options: PickOptions = {},
): T | undefined {
  const text = answer.toLowerCase();
  const digit = /^\s*(?:(?:the|option|number|no\.?|#)\s*)*([1-9])(?:st|nd|rd|th)?(?:\s+one)?[\s.!]*$/.exec(
    text,
  );
  if (digit) return candidates[Number(digit[1]) - 1];
  const numberWord = /\b(?:number|no\.?|option|#)\s*(one|two|three|four|five)\b/.exec(text);
  if (numberWord) return candidates[NUMBER_WORDS.indexOf(numberWord[1]!)];
  const ordinal = ORDINAL_WORDS.findIndex((o) => new RegExp(`\\b${o}\\b`).test(text));
  if (ordinal >= 0) return candidates[ordinal];
  if (/\b(last|latter|bottom)\b/.test(text)) return candidates.at(-1);
  if (options.days?.length && options.dayOf) {
    const onDay = candidates.filter((c) => options.days!.includes(options.dayOf!(c) ?? ''));
    if (onDay.length === 1) return onDay[0];
  }
  const m = matchTask(answer, candidates);
  if (m.kind === 'found') return m.task;
  // A word that only one of them has: "budget", "the venue one".
  const words = tokens(answer).filter(
    (w) => !/^(?:about|called|named|due|on|one|with|from|that|this)$/.test(w),
  );
  const distinct = candidates.filter((c) => {
    const title = new Set(tokens(c.title));
    return words.some((w) => title.has(w));
  });
  return distinct.length === 1 ? distinct[0] : undefined;
}

const YES =
  /^\s*(y|yes|yeah|yep|yup|sure|ok|okay|correct|right|do it|go ahead|please do|confirm(ed)?|affirmative|absolutely|of course)\b/i;
const NO = /^\s*(n|no|nope|nah|cancel|stop|don'?t|do not|never ?mind|forget it|abort)\b/i;

export function yesOrNo(answer: string): 'yes' | 'no' | undefined {
  if (NO.test(answer)) return 'no';
  if (YES.test(answer)) return 'yes';
  return undefined;
}
