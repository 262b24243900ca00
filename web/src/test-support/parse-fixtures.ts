import type { ParsedLine, ParsedPart, Span } from '../api/parse-types';

/** The example, and what the server's parser answers for it (Wednesday 4 March 2026, New York). */
export const EXAMPLE = 'call mom sunday at 3pm every week remind me 15 minutes before #family !high';

/** The range of `words` in `text` (their first occurrence). */
export function spanOf(text: string, words: string): Span {
  const at = text.indexOf(words);
  if (at < 0) throw new Error(`"${words}" is not in "${text}"`);
  return [at, at + words.length];
}

type PartWithoutSpans = ParsedPart extends infer P
  ? P extends ParsedPart
    ? Omit<P, 'spans'>
    : never
  : never;

/** A reading of `text` with parts pointing at the words given, and the task fields they make. */
export function reading(
  text: string,
  title: string | undefined,
  parts: { part: PartWithoutSpans; words: string }[],
  extra: Partial<ParsedLine> = {},
): ParsedLine {
  const task: ParsedLine['task'] = {};
  for (const { part } of parts) {
    if (part.field === 'tags') task.tags = [...(task.tags ?? []), part.value];
    else if (part.field === 'recurrence') task.recurrence = part.value;
    else if (part.field === 'reminders') task.reminders = part.value;
    else if (part.field === 'due') task.due = part.value;
    else if (part.field === 'priority') task.priority = part.value;
    else task.description = part.value;
  }
  return {
    intent: 'create',
    confidence: 0.82,
    ...(title ? { title } : {}),
    timezone: 'America/New_York',
    task,
    parts: parts.map(({ part, words }) => ({ ...part, spans: [spanOf(text, words)] }) as ParsedPart),
    ...extra,
  };
}

export function exampleReading(text = EXAMPLE): ParsedLine {
  return reading(text, 'Call mom', [
    { part: { field: 'due', value: '2026-03-08T15:00:00-04:00' }, words: 'sunday at 3pm' },
    {
      part: { field: 'recurrence', value: { frequency: 'weekly', interval: 1 }, summary: 'weekly' },
      words: 'every week',
    },
    { part: { field: 'reminders', value: [{ minutesBefore: 15 }] }, words: 'remind me 15 minutes before' },
    { part: { field: 'priority', value: 'high' }, words: '!high' },
    { part: { field: 'tags', value: 'family' }, words: '#family' },
  ]);
}
