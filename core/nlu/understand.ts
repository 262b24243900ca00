// What the parser understood in a line being typed, part by part, with the words each part came
// from: quick add shows the parts as chips, and removing one removes its words. The same parser
// as the chat; only the output differs (the CLI contract is `parseUtterance`'s, unchanged).

import { type Span, spanMapper } from './align';
import { readAs } from './frames/by-intent';
import { type ScreenedMessage, screened } from './input/screen';
import { MaskedText, type SlotSources } from './masked-text';
import { dateContext, parseUtterance } from './parse';
import { toSentence } from './sentence';
import { extractTags } from './tags';
import type {
  Intent,
  ParseOptions,
  ParseResult,
  Priority,
  RecurrenceSlot,
  ReminderSlot,
  TaskSlots,
} from './types';

export type { Span };

/** One thing understood, with the ranges of the raw text it came from (none when implied). */
export type UnderstoodPart =
  | { field: 'due'; value: string; spans: Span[] }
  | { field: 'recurrence'; value: RecurrenceSlot; spans: Span[] }
  | { field: 'reminders'; value: ReminderSlot[]; spans: Span[] }
  | { field: 'priority'; value: Priority; spans: Span[] }
  | { field: 'tags'; value: string; spans: Span[] }
  | { field: 'description'; value: string; spans: Span[] };

export interface Understanding {
  intent: Intent;
  confidence: number;
  /** The new task's title (what is left once the parts are taken out). */
  title?: string;
  /** A change to an existing task: the words naming it. */
  target?: string;
  /** Every part but the title, as task fields (ISO due with the zone's offset). */
  task: Omit<TaskSlots, 'title'>;
  /** One per chip: tags one by one, the other fields whole. */
  parts: UnderstoodPart[];
}

export interface UnderstandOptions extends ParseOptions {
  /** `message`: a chat message, read as the chat reads it; `task`: the line is a new task. */
  as: 'message' | 'task';
  /** `raw` as the edge already screened it (`screenMessage`); screened here when absent. */
  screened?: ScreenedMessage;
}

/**
 * Reads a line as the chat would (or as a new task) and says which words gave each part.
 *
 * @example understand('call mom sunday at 3pm #family', { now, timeZone, as: 'task' })
 * // { intent: 'create', title: 'Call mom', parts: [{ field: 'due', value: '2026-03-08T15:00:00-04:00', spans: [[9, 22]] }, { field: 'tags', value: 'family', spans: [[23, 30]] }], … }
 */
export function understand(raw: string, opts: UnderstandOptions): Understanding {
  const message = opts.screened ?? screened(raw);
  const parsed = readLine(message, opts);
  const slots = parsed.task ?? parsed.pending?.task ?? {};
  const { title, ...task } = slots;
  const toRaw = spanMapper(raw, message.text);
  const inRaw = (spans: Span[] | undefined): Span[] => (toRaw && spans ? spans.map(toRaw) : []);
  const sources = parsed.sources ?? {};
  const isCreate = parsed.intent === 'create' || parsed.pending?.intent === 'create';
  return {
    intent: parsed.intent,
    confidence: parsed.confidence,
    ...(isCreate && title ? { title } : {}),
    ...(parsed.target !== undefined ? { target: parsed.target } : {}),
    task,
    parts: partsOf(task, sources, message.text).map(
      (p) => ({ ...p, spans: inRaw(p.spans) }) as UnderstoodPart,
    ),
  };
}

function readLine(message: ScreenedMessage, opts: UnderstandOptions): ParseResult {
  if (opts.as === 'message') return parseUtterance(message, { ...opts, withSources: true });
  try {
    const ctx = { ...dateContext(opts), sourcesOf: message.text };
    return readAs('create', toSentence(message.text), ctx, 0.9);
  } catch {
    return { intent: 'none', confidence: 0.05 };
  }
}

function partsOf(task: Omit<TaskSlots, 'title'>, sources: SlotSources, text: string): UnderstoodPart[] {
  const parts: UnderstoodPart[] = [];
  // A due time derived from the repeat ("every monday") comes from the repeat's words.
  if (task.due) parts.push({ field: 'due', value: task.due, spans: sources.due ?? sources.recurrence ?? [] });
  if (task.recurrence)
    parts.push({ field: 'recurrence', value: task.recurrence, spans: sources.recurrence ?? [] });
  if (task.reminders?.length)
    parts.push({ field: 'reminders', value: task.reminders, spans: sources.reminders ?? [] });
  if (task.priority) parts.push({ field: 'priority', value: task.priority, spans: sources.priority ?? [] });
  for (const tag of task.tags ?? [])
    parts.push({ field: 'tags', value: tag, spans: tagSpans(tag, sources.tags, text) });
  if (task.description)
    parts.push({ field: 'description', value: task.description, spans: sources.description ?? [] });
  return parts;
}

/** The ranges that gave one tag: a range naming several ("tagged home and errands") gives each. */
function tagSpans(tag: string, spans: Span[] | undefined, text: string): Span[] {
  if (!spans?.length) return [];
  return spans.filter(([start, end]) => {
    const words = new MaskedText(text.slice(start, end));
    return extractTags(words).includes(tag) || text.slice(start, end).toLowerCase().includes(tag);
  });
}
