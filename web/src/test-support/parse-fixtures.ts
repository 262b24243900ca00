import type { ParsedLine, ParsedPart, Span } from '../api/parse-types';

/** The example, and what the server's parser answers for it (Wednesday 4 March 2026, New York). */
export const EXAMPLE = 'call mom sunday at 3pm every week remind me 15 minutes before #family !high';

/** The range of `words` in `text` (their first occurrence). */
export function spanOf(text: string, words: string): Span {
  const at = text.indexOf(words);
  if (at < 0) throw new Error(`"${words}" is not in "${text}"`);
  return [at, at + words.length];
}

/** A reading of `text` with parts pointing at the words given. */
export function reading(
  text: string,
  title: string,
  parts: { part: Omit<ParsedPart, 'spans'>; words: string }[],
  extra: Partial<ParsedLine> = {},
): ParsedLine {
  return {
    intent: 'create',
    confidence: 0.82,
    title,
    timezone: 'America/New_York',
    parts: parts.map(({ part, words }) => ({ ...part, spans: [spanOf(text, words)] }) as ParsedPart),
    ...extra,
  };
}

export function exampleReading(text = EXAMPLE): ParsedLine {
  return reading(text, 'Call mom', [
    { part: { field: 'due', value: '2026-03-08T15:00:00-04:00' }, words: 'sunday at 3pm' },
    { part: { field: 'recurrence', value: { frequency: 'weekly', interval: 1 } }, words: 'every week' },
    { part: { field: 'reminders', value: [{ minutesBefore: 15 }] }, words: 'remind me 15 minutes before' },
    { part: { field: 'priority', value: 'high' }, words: '!high' },
    { part: { field: 'tags', value: 'family' }, words: '#family' },
  ]);
}
