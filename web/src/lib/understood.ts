import type { ParsedLine, ParsedPart, Span } from '../api/parse-types';
import type { TaskInput } from '../api/types';
import { formatDayAndTime, formatMinutes } from './time';

const KIND: Record<ParsedPart['field'], string> = {
  due: 'due',
  recurrence: 'repeat',
  reminders: 'reminder',
  priority: 'priority',
  tags: 'tag',
  description: 'note',
};

/** What kind of part it is, in words ("repeat", "tag"). */
export function partKind(part: ParsedPart): string {
  return KIND[part.field];
}

/** The chip's text: "Sun 15:00" (in `zone`), "weekly", "15 min before", "high priority", "#family". */
export function partLabel(part: ParsedPart, now: Date, zone: string): string {
  switch (part.field) {
    case 'due':
      return formatDayAndTime(new Date(part.value), now, zone);
    case 'recurrence':
      return part.summary;
    case 'reminders':
      return part.value
        .map((r) => (r.minutesBefore === 0 ? 'at due time' : `${formatMinutes(r.minutesBefore)} before`))
        .join(', ');
    case 'priority':
      return `${part.value} priority`;
    case 'tags':
      return `#${part.value}`;
    case 'description':
      return part.value.length > 40 ? `${part.value.slice(0, 39)}…` : part.value;
  }
}

const SPACE = /\s/;

/**
 * `text` without `ranges`, tidied (no doubled or dangling spaces), and where each old offset
 * lies in the new text.
 *
 * @example removeRanges('call mom every week at 3', [[9, 19]]).text // 'call mom at 3'
 */
export function removeRanges(text: string, ranges: Span[]): { text: string; at: (offset: number) => number } {
  const removed = new Uint8Array(text.length);
  for (const [start, end] of ranges) removed.fill(1, Math.max(0, start), Math.min(end, text.length));
  // A removed run between two spaces takes one of them with it.
  for (let i = 0; i < text.length; i++) {
    if (!removed[i] || (i > 0 && removed[i - 1])) continue;
    let end = i;
    while (end < text.length && removed[end]) end++;
    const before = i === 0 || SPACE.test(text[i - 1]!);
    for (let j = end; before && j < text.length && SPACE.test(text[j]!); j++) removed[j] = 1;
  }
  // No space left at either end.
  for (let i = 0; i < text.length && (removed[i] || SPACE.test(text[i]!)); i++) removed[i] = 1;
  for (let i = text.length - 1; i >= 0 && (removed[i] || SPACE.test(text[i]!)); i--) removed[i] = 1;
  const kept: number[] = [0];
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (!removed[i]) out += text[i];
    kept.push(out.length);
  }
  return { text: out, at: (offset) => kept[Math.max(0, Math.min(offset, text.length))]! };
}

const overlaps = (a: Span, b: Span) => a[0] < b[1] && b[0] < a[1];

/**
 * Removes one part and its words: the new text, and what was understood in it without a round
 * trip (every other part made of the same words goes too, the rest keep their words).
 */
export function withoutPart(
  text: string,
  parsed: ParsedLine,
  index: number,
): { text: string; parsed: ParsedLine } {
  const gone = parsed.parts[index];
  if (!gone) return { text, parsed };
  const cut = removeRanges(text, gone.spans);
  const parts = parsed.parts
    .filter((p, i) => i !== index && !p.spans.some((s) => gone.spans.some((g) => overlaps(s, g))))
    .map((p) => ({ ...p, spans: p.spans.map(([a, b]): Span => [cut.at(a), cut.at(b)]) }));
  return { text: cut.text, parsed: { ...parsed, parts } };
}

/** The new task the parts and the title make (`POST /api/tasks`), or what is missing. */
export function taskFromParsed(parsed: ParsedLine): { input: TaskInput } | { error: string } {
  const title = parsed.title?.trim();
  if (!title)
    return { error: 'Say what the task is: the words left once the parts are taken out are its title.' };
  const input: TaskInput = { title, timezone: parsed.timezone };
  for (const part of parsed.parts) {
    if (part.field === 'due') input.due = part.value;
    else if (part.field === 'recurrence') input.recurrence = part.value;
    else if (part.field === 'reminders') input.reminders = part.value;
    else if (part.field === 'priority') input.priority = part.value;
    else if (part.field === 'tags') input.tags = [...(input.tags ?? []), part.value];
    else input.description = part.value;
  }
  return { input };
}
