import { describe, expect, it } from 'vitest';
import type { ParsedLine } from '../api/parse-types';
import { EXAMPLE, exampleReading, reading, spanOf } from '../test-support/parse-fixtures';
import { partLabel, removeRanges, taskFromParsed, withoutPart } from './understood';

const NOW = new Date('2026-03-04T14:00:00Z');
const NY = 'America/New_York';

describe('removeRanges', () => {
  it.each([
    ['call mom every week at 3', 'every week', 'call mom at 3'],
    [
      'Call mom Sunday at 3pm, remind me 15 minutes before',
      ', remind me 15 minutes before',
      'Call mom Sunday at 3pm',
    ],
    ['#home fix the sink', '#home', 'fix the sink'],
    ['fix the sink !high', '!high', 'fix the sink'],
  ])('takes words out of "%s" and tidies the spaces', (text, words, expected) => {
    expect(removeRanges(text, [spanOf(text, words)]).text).toBe(expected);
  });

  it('says where each old offset lies now', () => {
    const text = 'call mom every week at 3';
    const cut = removeRanges(text, [spanOf(text, 'every week')]);
    const [a, b] = spanOf(text, 'at 3');
    expect(cut.text.slice(cut.at(a), cut.at(b))).toBe('at 3');
    expect(cut.at(0)).toBe(0);
  });
});

describe('withoutPart', () => {
  it('removes the part and its words; the others keep pointing at theirs', () => {
    const parsed = exampleReading();
    const repeat = parsed.parts.findIndex((p) => p.field === 'recurrence');
    const next = withoutPart(EXAMPLE, parsed, repeat);
    expect(next.text).toBe('call mom sunday at 3pm remind me 15 minutes before #family !high');
    expect(next.parsed.parts.map((p) => p.field)).toEqual(['due', 'reminders', 'priority', 'tags']);
    for (const part of next.parsed.parts) {
      const words = part.spans.map(([a, b]) => next.text.slice(a, b));
      expect(words).toEqual(
        exampleReading()
          .parts.find((p) => p.field === part.field)!
          .spans.map(([a, b]) => EXAMPLE.slice(a, b)),
      );
    }
  });

  it('takes along every part made of the same words (a due time implied by the repeat)', () => {
    const text = 'every monday plan the week';
    const parsed: ParsedLine = reading(text, 'Plan the week', [
      { part: { field: 'due', value: '2026-03-09T09:00:00-04:00' }, words: 'every monday' },
      {
        part: {
          field: 'recurrence',
          value: { frequency: 'weekly', interval: 1, byWeekday: ['MO'] },
          summary: 'every week on Mon',
        },
        words: 'every monday',
      },
    ]);
    const next = withoutPart(text, parsed, 1);
    expect(next.text).toBe('plan the week');
    expect(next.parsed.parts).toEqual([]);
  });
});

describe('taskFromParsed', () => {
  it('makes the REST API’s fields from the parts and the title', () => {
    expect(taskFromParsed(exampleReading())).toEqual({
      input: {
        title: 'Call mom',
        timezone: NY,
        due: '2026-03-08T15:00:00-04:00',
        recurrence: { frequency: 'weekly', interval: 1 },
        reminders: [{ minutesBefore: 15 }],
        priority: 'high',
        tags: ['family'],
      },
    });
  });

  it('asks for a title when only parts were typed', () => {
    const text = 'tomorrow at 5pm';
    const parsed = reading(text, '', [
      { part: { field: 'due', value: '2026-03-05T17:00:00-05:00' }, words: text },
    ]);
    expect(taskFromParsed(parsed)).toEqual({ error: expect.stringMatching(/title/) });
  });
});

describe('partLabel', () => {
  it('shows the date and time in the user’s zone, and every other part in words', () => {
    const labels = exampleReading().parts.map((p) => partLabel(p, NOW, NY));
    expect(labels).toEqual(['Sun 15:00', 'weekly', '15 min before', 'high priority', '#family']);
    expect(partLabel(exampleReading().parts[0]!, NOW, 'Europe/Berlin')).toBe('Sun 20:00');
  });
});
