import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spanMapper } from './align';
import { parseUtterance } from './parse';
import { NY, NY_NOW } from './test-support';
import { type UnderstandOptions, understand } from './understand';

const task: UnderstandOptions = { now: new Date(NY_NOW), timeZone: NY, as: 'task' };
const message: UnderstandOptions = { ...task, as: 'message' };

/** Each part as field → the words it came from. */
function words(text: string, options = task): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of understand(text, options).parts) {
    const key = part.field === 'tags' ? `tags:${part.value}` : part.field;
    out[key] = part.spans.map(([a, b]) => text.slice(a, b));
  }
  return out;
}

/** The text without the given ranges, single-spaced. */
function without(text: string, spans: [number, number][]): string {
  let out = text;
  for (const [a, b] of [...spans].sort((x, y) => y[0] - x[0])) out = out.slice(0, a) + out.slice(b);
  return out.replace(/\s+/g, ' ').trim();
}

describe('understand', () => {
  const example = 'call mom sunday at 3pm every week remind me 15 minutes before #family !high';

  it('finds every part of the quick-add example, with its value and its words', () => {
    const u = understand(example, task);
    expect(u.intent).toBe('create');
    expect(u.title).toBe('Call mom');
    expect(u.task).toEqual({
      due: '2026-03-08T15:00:00-04:00',
      priority: 'high',
      tags: ['family'],
      recurrence: { frequency: 'weekly', interval: 1 },
      reminders: [{ minutesBefore: 15 }],
    });
    expect(words(example)).toEqual({
      due: ['sunday at 3pm'],
      recurrence: ['every week'],
      reminders: ['remind me 15 minutes before'],
      priority: ['!high'],
      'tags:family': ['#family'],
    });
  });

  it('removing a part’s words removes that part and keeps the others', () => {
    const u = understand(example, task);
    const repeat = u.parts.find((p) => p.field === 'recurrence')!;
    const rest = understand(without(example, repeat.spans), task);
    expect(rest.title).toBe('Call mom');
    expect(rest.task).toEqual({
      due: '2026-03-08T15:00:00-04:00',
      priority: 'high',
      tags: ['family'],
      reminders: [{ minutesBefore: 15 }],
    });
  });

  it('points at the words as typed, before screening changed them', () => {
    const typed = '  Call   mom  tomorow at seven thirty p m  #Home #errands';
    expect(words(typed)).toEqual({
      due: ['tomorow at seven thirty p m'],
      'tags:home': ['#Home'],
      'tags:errands': ['#errands'],
    });
    expect(understand(typed, task).task.due).toBe('2026-03-05T19:30:00-05:00');
  });

  it('gives a tag word between the verb and "task" its own range', () => {
    expect(words('add a work task to file taxes tomorrow', message)).toEqual({
      due: ['tomorrow'],
      'tags:work': ['work'],
    });
  });

  it('attributes a due time implied by the repeat to the repeat’s words', () => {
    expect(words('every monday plan the week')).toEqual({
      due: ['every monday'],
      recurrence: ['every monday'],
    });
  });

  it('shows a reminder implied by "remind me to" without words to remove', () => {
    const u = understand('remind me to call mom at 5', task);
    expect(u.title).toBe('Call mom');
    expect(u.parts.find((p) => p.field === 'reminders')).toEqual({
      field: 'reminders',
      value: [{ minutesBefore: 0 }],
      spans: [],
    });
  });

  it('reads a chat message as the chat does: a change names its target', () => {
    const u = understand('move the report to monday', message);
    expect(u).toMatchObject({
      intent: 'update',
      target: 'report',
      task: { due: '2026-03-09T09:00:00-04:00' },
    });
    expect(u.title).toBeUndefined();
    expect(words('move the report to monday', message)).toEqual({ due: ['monday'] });
  });

  it('as a new task, reads even a sentence the chat would take for another request', () => {
    expect(understand('delete the old photos friday', message).intent).toBe('delete');
    const u = understand('delete the old photos friday', task);
    expect(u.intent).toBe('create');
    expect(u.title).toBe('Delete the old photos');
    expect(u.task.due).toBe('2026-03-06T09:00:00-05:00');
  });

  it('has nothing to show for empty or chatty text', () => {
    expect(understand('', task).parts).toEqual([]);
    expect(understand('thanks!', message)).toMatchObject({ intent: 'none', parts: [] });
  });

  it('keeps the CLI contract: sources only when asked for', () => {
    const opts = { now: new Date(NY_NOW), timeZone: NY };
    expect(parseUtterance(example, opts).sources).toBeUndefined();
    expect(parseUtterance(example, { ...opts, withSources: true }).sources).toBeDefined();
  });
});

describe('spanMapper', () => {
  it('is the identity on identical texts', () => {
    expect(spanMapper('buy milk', 'buy milk')?.([4, 8])).toEqual([4, 8]);
  });

  it('maps across collapsed spaces, fixed typos and rewritten numbers', () => {
    const raw = ' call  mom tomorow at seven p m';
    const screened = 'call mom tomorrow at 7 pm';
    const map = spanMapper(raw, screened)!;
    const [a, b] = map([screened.indexOf('tomorrow'), screened.length]);
    expect(raw.slice(a, b)).toBe('tomorow at seven p m');
    const [c, d] = map([0, 8]);
    expect(raw.slice(c, d)).toBe('call  mom');
  });

  it('maps a message cut short by screening', () => {
    const raw = `buy milk ${'x'.repeat(3000)}`;
    expect(spanMapper(raw, 'buy milk')?.([4, 8])).toEqual([4, 8]);
  });
});

const word = fc.constantFrom(
  'call',
  'mom',
  'remind',
  'me',
  'to',
  'every',
  'monday',
  'week',
  'at',
  '3pm',
  'seven',
  'thirty',
  'p',
  'm',
  'tomorow',
  'sunday',
  '15',
  'minutes',
  'before',
  '#work',
  '@home',
  'tagged',
  'errands',
  'and',
  '!high',
  'p1',
  'asap',
  'note:',
  '"a title"',
  '(details)',
  'by',
  'friday',
  'move',
  'it',
  'delete',
  'the',
  'report',
  '  ',
  ',',
);
const lines = fc.array(word, { maxLength: 16 }).map((w) => w.join(' '));

describe('understand, for any line', () => {
  it('never throws, and every part points at words inside the line as typed', () => {
    fc.assert(
      fc.property(lines, fc.constantFrom<'task' | 'message'>('task', 'message'), (line, as) => {
        const u = understand(line, { ...task, as });
        for (const part of u.parts) {
          for (const [a, b] of part.spans) {
            expect(0 <= a && a < b && b <= line.length).toBe(true);
            expect(line.slice(a, b).trim()).not.toBe('');
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('asking for the words changes nothing else the parser says', () => {
    fc.assert(
      fc.property(lines, (line) => {
        const opts = { now: new Date(NY_NOW), timeZone: NY };
        const { sources: _sources, ...withSources } = parseUtterance(line, { ...opts, withSources: true });
        expect(withSources).toEqual(parseUtterance(line, opts));
      }),
      { numRuns: 300 },
    );
  });
});
