import type { DateContext } from '../dates';
import type { Sentence } from '../sentence';
import type { ParseResult } from '../types';
import { completeStrong, completeWeak, trailingCommand } from './complete';
import { createFrame, taskNounFrame } from './create';
import { deleteFrame } from './delete';
import { fallback } from './fallback';
import type { Frame } from './frame';
import { queryFrame } from './query';
import { descriptionFrame, priorityBump, reminderFrame, renameFrame, tagFrame } from './update-fields';
import {
  changeFrame,
  dueStatement,
  insteadFrame,
  moveFrame,
  priorityStatement,
  recurrenceStatement,
  stopRepeating,
} from './update-phrases';

// Order matters: specific phrasings before general ones, and questions before commands, so
// "check off X from my list" is a completion, not a look at the list.
const FRAMES: Frame[] = [
  queryFrame,
  trailingCommand,
  completeStrong,
  insteadFrame,
  priorityBump,
  renameFrame,
  tagFrame,
  reminderFrame,
  descriptionFrame,
  priorityStatement,
  dueStatement,
  recurrenceStatement,
  stopRepeating,
  moveFrame,
  changeFrame,
  deleteFrame,
  taskNounFrame,
  createFrame,
  completeWeak,
  fallback,
];

/** The result of the first frame that recognises the sentence. */
export function classify(s: Sentence, ctx: DateContext): ParseResult {
  for (const frame of FRAMES) {
    const result = frame(s, ctx);
    if (result) return result;
  }
  return { intent: 'none', confidence: 0.5 };
}
