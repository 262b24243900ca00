import type { Span } from '../build';
import type { DateContext } from '../dates';
import { core, type Sentence } from '../sentence';
import type { ParseResult } from '../types';

/** One way of phrasing one intent: a result when it applies, undefined to let the next frame try. */
export type Frame = (s: Sentence, ctx: DateContext) => ParseResult | undefined;

export interface Match {
  m: RegExpExecArray;
  group(name: string): Span | undefined;
  text(name: string): string;
}

/** Runs `re` (with the `d` flag) on the request part of the sentence; spans come back in sentence coordinates. */
export function match(s: Sentence, re: RegExp): Match | undefined {
  const m = re.exec(core(s));
  if (!m) return undefined;
  const group = (name: string): Span | undefined => {
    const idx = m.indices?.groups?.[name];
    return idx ? [idx[0] + s.start, idx[1] + s.start] : undefined;
  };
  return { m, group, text: (name) => m.groups?.[name] ?? '' };
}

export function whole(s: Sentence): Span {
  return [s.start, s.end];
}

/** A word that points at a task on the list, not at the world ("the gym task", "that reminder"). */
export const TASK_WORD = /\b(?:task|tasks|todo|todos|to-?do|reminder|item|entry|one)\b/;
