// Follow-ups read against the conversation: "push it to 7" keeps the task's day, "actually
// Saturday" keeps its time, "push it back an hour" counts from its own due time, "the second one"
// is the second task just listed, and "no, the other one" redoes the last change on the other
// candidate.

import { Temporal } from 'temporal-polyfill';
import type { TaskView } from '../domain/task';
import { type DueSaid, type ParseResult, parseUtterance, type ScreenedMessage } from '../nlu';

/** A new due time from words that gave only a day, or only a time, merged with the task's own. */
export function mergeDue(
  current: string | null,
  next: string,
  said: DueSaid | undefined,
  timeZone: string,
): string {
  if (!current || !said || (said.date && said.time)) return next;
  const was = Temporal.Instant.from(current).toZonedDateTimeISO(timeZone);
  const wanted = Temporal.Instant.from(next).toZonedDateTimeISO(timeZone);
  if (said.date && !said.time) {
    // "actually Saturday": the new day at the task's time of day.
    return wanted.withPlainTime(was.toPlainTime()).toString({ timeZoneName: 'never' });
  }
  if (!said.time) return next;
  const onDay = was.withPlainTime(wanted.toPlainTime());
  if (said.meridiem || wanted.hour === 0) return onDay.toString({ timeZoneName: 'never' });
  // "push it to 7" from 4pm: 7pm, the reading of the hour nearest the task's own time.
  const other = onDay.hour >= 12 ? onDay.subtract({ hours: 12 }) : onDay.add({ hours: 12 });
  const distance = (z: Temporal.ZonedDateTime) => Math.abs(z.epochMilliseconds - was.epochMilliseconds);
  return (distance(other) < distance(onDay) ? other : onDay).toString({ timeZoneName: 'never' });
}

/** The task's due time moved by `minutes`. */
export function shiftDue(current: string, minutes: number): string {
  return new Date(new Date(current).getTime() + minutes * 60_000).toISOString();
}

const ORDINALS: Record<string, number> = {
  first: 0,
  '1st': 0,
  one: 0,
  '1': 0,
  top: 0,
  second: 1,
  '2nd': 1,
  two: 1,
  '2': 1,
  third: 2,
  '3rd': 2,
  three: 2,
  '3': 2,
  fourth: 3,
  '4th': 3,
  four: 3,
  '4': 3,
  fifth: 4,
  '5th': 4,
  five: 4,
  '5': 4,
};

/** "first", "the second one", "number 3", "the last one" → an index into a list (-1: the last). */
export function ordinalIndex(words: string): number | undefined {
  const m =
    /^(?:the\s+)?(?:number\s+|no\.?\s*|#)?(?<n>first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last|top|one|two|three|four|five|[1-5])(?:\s+(?:one|task|item|reminder|on\s+the\s+list))?$/i.exec(
      words.trim(),
    );
  const n = m?.groups?.n?.toLowerCase();
  if (!n) return undefined;
  return n === 'last' ? -1 : ORDINALS[n];
}

/** "no, the other one", "wrong one", "not that one": the last change went to the wrong task. */
export function wantsTheOtherOne(text: string): boolean {
  return /^(?:(?:no|nope|oops|wait|sorry|actually|not\s+that(?:\s+one)?|wrong(?:\s+one)?)[\s,.!]+)*(?:(?:i\s+meant|i\s+mean)\s+)?(?:the\s+)?(?:other|another|different)\s+one\b[\s.!]*$|^(?:(?:no|nope)[\s,]+)?(?:that'?s\s+)?(?:the\s+)?wrong\s+(?:one|task)[\s.!]*$|^not\s+that\s+one[\s.!]*$/i.test(
    text.trim(),
  );
}

const CREATE_ASKED =
  /^(?:add|create|new|make\s+(?:a|an|me)|set\s+(?:a|an|up)|schedule|put|remind\s+me\s+to|remember|i\s+need|i\s+have|i've\s+got|i\s+want)\b/i;

/** A bare correction of the time: "actually 8", "8pm instead", "make it half past 3". */
const BARE_TIME =
  /^(?:(?:no|nope|actually|wait|sorry|oh|hmm|ok|okay|so|make\s+(?:it|that)|change\s+it\s+to|i\s+meant|how\s+about|what\s+about|let'?s\s+say)[\s,]+)*(?:at\s+)?(?<t>\d{1,2}(?::\d{2})?\s*(?:am|pm)?)(?:\s+instead)?[\s.!?]*$/i;

/**
 * A decision reread as a change to the task the conversation is about, when it only makes sense
 * as one: a due time or reminder without a title ("actually Saturday", "and remind me 10 minutes
 * before"), or a bare new time ("actually 8"). Anything asked for as a new task stays one.
 */
export function asFollowUp(
  decision: ParseResult,
  message: ScreenedMessage,
  opts: { now: Date; timeZone: string; lastTaskId?: string | undefined },
): ParseResult {
  if (!opts.lastTaskId) return decision;
  const text = message.text.trim();
  if (CREATE_ASKED.test(text.replace(/^(?:(?:and|also|oh|ok|so|please)[\s,]+)+/i, ''))) return decision;
  const pending = decision.pending;
  if (
    decision.intent === 'clarify' &&
    pending?.intent === 'create' &&
    !pending.task?.title &&
    pending.task &&
    Object.keys(pending.task).length > 0 &&
    (pending.missing.includes('title') || pending.missing.includes('what'))
  ) {
    return {
      intent: 'update',
      confidence: 0.85,
      target: 'it',
      task: pending.task,
      ...(decision.dueSaid ? { dueSaid: decision.dueSaid } : {}),
    };
  }
  if (decision.intent === 'none' || (decision.intent === 'create' && decision.confidence < 0.6)) {
    const bare = BARE_TIME.exec(text);
    if (bare?.groups?.t) {
      const reread = parseUtterance(`move it to ${bare.groups.t}`, opts);
      if (reread.intent === 'update' && reread.task?.due) return reread;
    }
  }
  return decision;
}

/** Reminders said in a follow-up are added to the task's own, unless they replace them. */
export function mergeReminders(
  task: TaskView,
  next: { minutesBefore: number }[],
  message: string,
): { minutesBefore: number }[] {
  if (!next.length || /\b(?:change|replace|instead|only|just)\b/i.test(message)) return next;
  const all = [...task.reminders.map((r) => ({ minutesBefore: r.minutesBefore })), ...next];
  return all.filter((r, i) => all.findIndex((o) => o.minutesBefore === r.minutesBefore) === i);
}
