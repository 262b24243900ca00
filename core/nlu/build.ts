import { askFor } from './clarify/ask';
import type { DateContext } from './dates';
import { MaskedText, type SlotSources } from './masked-text';
import { type Extracted, extractSlots } from './slots';
import { cleanTarget, cleanTitle } from './title';
import type { DueSaid, ParseResult, PendingClarification, TaskSlots } from './types';

export type Span = [number, number];

/** Slots and title found in `spans` of `text` only. */
export function slotsIn(text: string, spans: Span[], ctx: DateContext, remind = false): Extracted {
  const m = new MaskedText(text);
  const keep = new Uint8Array(text.length);
  for (const [start, end] of spans) keep.fill(1, Math.max(0, start), Math.min(end, text.length));
  for (let i = 0; i < text.length; i++) if (!keep[i]) m.consume(i, i + 1);
  return extractSlots(m, ctx, { remind });
}

const SURE_OF_MERIDIEM =
  /\b(?:am|pm|a\.m\.?|p\.m\.?|morning|afternoon|evening|night|tonight|noon|midday|midnight|lunchtime|arvo)\b|\b(?:1[3-9]|2[0-3]):[0-5]\d\b/i;

/** Which parts of the due time the words gave, when they gave one. */
export function dueSaidIn(text: string, x: Extracted): DueSaid | undefined {
  if (!x.due || !x.dueSaid || !x.due.spans.length) return undefined;
  const words = x.due.spans.map(([a, b]) => text.slice(a, b)).join(' ');
  return {
    date: x.due.hasDate,
    time: x.due.hasTime,
    meridiem: !x.due.hasTime || SURE_OF_MERIDIEM.test(words),
  };
}

/**
 * The result with the words each slot came from, when the caller asked for them for this very
 * text (`ctx.sourcesOf`); a reading of other words (a rewritten sentence) carries none.
 */
export function sourced(
  result: ParseResult,
  text: string,
  ctx: DateContext,
  found: SlotSources[],
): ParseResult {
  if (ctx.sourcesOf === undefined || ctx.sourcesOf !== text) return result;
  const sources: SlotSources = {};
  for (const part of found) {
    for (const [slot, spans] of Object.entries(part) as [keyof SlotSources, Span[]][]) {
      sources[slot] = [...(sources[slot] ?? []), ...spans];
    }
  }
  for (const spans of Object.values(sources)) spans.sort((a, b) => a[0] - b[0]);
  return { ...result, sources };
}

/** Where `words` sit inside `span` of `text`, ignoring case. */
function spanOfWords(text: string, span: Span, words: string): Span | undefined {
  const at = text.toLowerCase().indexOf(words.toLowerCase(), span[0]);
  return at >= 0 && at + words.length <= span[1] ? [at, at + words.length] : undefined;
}

export function clamp(confidence: number): number {
  return Math.round(Math.min(0.99, Math.max(0.05, confidence)) * 100) / 100;
}

/** Honest confidence for a create: lower when the title was guessed or the date is shaky. */
function createConfidence(base: number, x: Extracted): number {
  let c = base;
  if (x.ambiguousDate) c -= 0.1;
  if (x.quotedTitle) c += 0.05;
  const words = x.title.split(/\s+/).length;
  if (words > 12) c -= 0.1;
  if (words === 1 && x.slotCount === 0) c -= 0.05;
  return c;
}

const NOT_A_MID_TAG =
  /^(?:quick|small|simple|short|big|little|new|separate|other|another|one|more|single|same|recurring|repeating|regular|daily|weekly|monthly|yearly|annual|reminder|few|couple|some|first|second|next|last|extra|special|general|random|easy|hard|important|urgent)$/i;

export interface CreateOptions {
  confidence: number;
  /** The request was phrased as a reminder: without a "what" and a "when" it is incomplete. */
  remind?: boolean;
  /** Words between the verb and "task" ("add a work task to …"): a tag when a title follows. */
  mid?: Span;
}

function clarify(question: string, pending: PendingClarification, confidence = 0.9): ParseResult {
  return { intent: 'clarify', confidence: clamp(confidence), question, pending };
}

export function withoutEmpty(task: TaskSlots): TaskSlots | undefined {
  return Object.keys(task).length ? task : undefined;
}

/** A create, or the clarifying question when the utterance lacks something required. */
export function buildCreate(
  text: string,
  body: Span[],
  ctx: DateContext,
  options: CreateOptions,
): ParseResult {
  const result = readCreate(text, body, ctx, options);
  return sourced(result.parsed, text, ctx, result.sources);
}

function readCreate(
  text: string,
  body: Span[],
  ctx: DateContext,
  options: CreateOptions,
): { parsed: ParseResult; sources: SlotSources[] } {
  const x = slotsIn(text, body, ctx, options.remind);
  let title = x.title;
  const task: TaskSlots = { ...x.task };
  const sources: SlotSources[] = ctx.sourcesOf === text ? [x.sources()] : [];
  if (options.mid) {
    const mid = slotsIn(text, [options.mid], ctx);
    Object.assign(task, { ...mid.task, ...task });
    const midWords = cleanTitle(mid.title);
    if (ctx.sourcesOf === text) sources.push(mid.sources());
    if (!title && midWords) title = midWords;
    else if (midWords && /^[\p{L}-]+$/u.test(midWords) && !NOT_A_MID_TAG.test(midWords)) {
      task.tags = [...new Set([...(task.tags ?? []), midWords.toLowerCase()])];
      const words = spanOfWords(text, options.mid, midWords);
      if (words) sources.push({ tags: [words] });
    }
  }
  return { parsed: createOrAsk(text, x, title, task, ctx, options), sources };
}

function createOrAsk(
  text: string,
  x: Extracted,
  title: string,
  task: TaskSlots,
  ctx: DateContext,
  options: CreateOptions,
): ParseResult {
  if (!title) {
    const missing: PendingClarification['missing'] =
      options.remind && !task.due ? ['what', 'due'] : options.remind ? ['what'] : ['title'];
    const dueSaid = dueSaidIn(text, x);
    return {
      ...clarify(askFor(missing, { task, timeZone: ctx.timeZone }), {
        intent: 'create',
        task: withoutEmpty(task),
        missing,
      }),
      ...(dueSaid ? { dueSaid } : {}),
    };
  }
  task.title = title;
  if (x.reminderWithoutDue) {
    const { reminders, ...rest } = task;
    return clarify(askFor(['due'], { task, timeZone: ctx.timeZone }), {
      intent: 'create',
      task: { ...rest, reminders },
      missing: ['due'],
    });
  }
  const dueSaid = dueSaidIn(text, x);
  return {
    intent: 'create',
    confidence: clamp(createConfidence(options.confidence, x)),
    task: orderTask(task),
    ...(dueSaid ? { dueSaid } : {}),
  };
}

/** Stable key order, as in the CLI contract. */
export function orderTask(task: TaskSlots): TaskSlots {
  const ordered: TaskSlots = {};
  if (task.title !== undefined) ordered.title = task.title;
  if (task.description !== undefined) ordered.description = task.description;
  if (task.due !== undefined) ordered.due = task.due;
  if (task.priority !== undefined) ordered.priority = task.priority;
  if (task.tags !== undefined) ordered.tags = task.tags;
  if (task.recurrence !== undefined) ordered.recurrence = task.recurrence;
  if (task.reminders !== undefined) ordered.reminders = task.reminders;
  return ordered;
}

/** complete / delete of the task the words name; a question when they name nothing. */
export function buildTargeted(
  intent: 'complete' | 'delete',
  text: string,
  target: Span | undefined,
  confidence: number,
): ParseResult {
  const words = target ? cleanTarget(text.slice(target[0], target[1])) : '';
  if (!words) {
    return clarify(askFor(['target'], { intent }), { intent, missing: ['target'] }, 0.8);
  }
  const pronoun = /^(?:it|that|this|them)$/.test(words);
  return { intent, confidence: clamp(pronoun ? Math.min(confidence, 0.85) : confidence), target: words };
}

export interface UpdateParts {
  /** Words naming the task; when absent, whatever the change leaves over names it. */
  target?: Span;
  /** Where the changed fields are said. */
  change: Span[];
  /** A new title ("rename X to Y"). */
  title?: Span;
  confidence: number;
  /** Also change these, decided by the frame ("prioritise X"). */
  extra?: TaskSlots;
}

/** An update with only the changed fields, or a question when the target or change is missing. */
export function buildUpdate(text: string, parts: UpdateParts, ctx: DateContext): ParseResult {
  const x = slotsIn(text, parts.change, ctx);
  return sourced(readUpdate(text, x, parts), text, ctx, ctx.sourcesOf === text ? [x.sources()] : []);
}

function readUpdate(text: string, x: Extracted, parts: UpdateParts): ParseResult {
  const task: TaskSlots = { ...x.task, ...parts.extra };
  // "make it weekly" keeps the task's own due time; the first occurrence is only a default for new tasks.
  if (task.recurrence && !x.dueSaid) delete task.due;
  if (parts.title) {
    const title = cleanTitle(text.slice(parts.title[0], parts.title[1]));
    if (title) task.title = title;
  }
  const targetWords = parts.target
    ? cleanTarget(text.slice(parts.target[0], parts.target[1]))
    : cleanTarget(x.rest);
  const target = targetWords || 'it';
  if (!Object.keys(task).length) {
    return clarify(askFor(['what'], { target }), { intent: 'update', target, missing: ['what'] }, 0.8);
  }
  let confidence = parts.confidence;
  if (x.ambiguousDate) confidence -= 0.1;
  if (!targetWords) confidence -= 0.05;
  const dueSaid = dueSaidIn(text, x);
  return {
    intent: 'update',
    confidence: clamp(confidence),
    task: orderTask(task),
    target,
    ...(dueSaid ? { dueSaid } : {}),
  };
}
