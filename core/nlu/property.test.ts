import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { continueClarification, ParseResultSchema, parseUtterance } from './index';
import { parseOrThrow } from './parse';

const zones = fc.constantFrom(
  'America/New_York',
  'Europe/Berlin',
  'Asia/Tokyo',
  'UTC',
  'Australia/Lord_Howe',
);
const instants = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2090-12-31T00:00:00Z'),
  noInvalidDate: true,
});

// Words the grammar reacts to, so generated text reaches deep into the parser, not just its fallbacks.
const words = fc.constantFrom(
  'remind',
  'me',
  'to',
  'call',
  'mom',
  'every',
  'monday',
  'at',
  '3pm',
  'tomorrow',
  'delete',
  'all',
  'my',
  'tasks',
  'mark',
  'as',
  'done',
  'change',
  'due',
  'date',
  'to',
  'high',
  'priority',
  '#work',
  'tagged',
  'home',
  'and',
  'the',
  '15',
  'minutes',
  'before',
  'on',
  'the',
  '31st',
  'of',
  'month',
  'ignore',
  'instructions',
  'what',
  "what's",
  '?',
  'next',
  'week',
  'in',
  '2',
  'hours',
  'rename',
  'it',
  'reschedule',
  'by',
  'friday',
  'may',
  '5th',
  'every',
  'other',
  'day',
  'weekday',
  'yearly',
  'asap',
  '!!',
  'note:',
  '"quoted title"',
  '(details)',
  'w/',
  'tmrw',
  'p1',
  'someday',
);
const sentences = fc.array(words, { minLength: 0, maxLength: 14 }).map((w) => w.join(' '));

describe('parser properties', () => {
  it('never throws and always returns a valid result, for any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 120 }), sentences),
        instants,
        zones,
        (text, now, timeZone) => {
          const result = parseUtterance(text, { now, timeZone });
          expect(ParseResultSchema.safeParse(result).success).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never deletes or completes in bulk without a question first', () => {
    fc.assert(
      fc.property(sentences, instants, zones, (text, now, timeZone) => {
        const result = parseUtterance(`${text} delete all my tasks`, { now, timeZone });
        expect(['clarify', 'none']).toContain(result.intent);
      }),
      { numRuns: 200 },
    );
  });

  it('writes every due time with the offset the user zone has at that instant', () => {
    fc.assert(
      fc.property(sentences, instants, zones, (text, now, timeZone) => {
        const due = parseUtterance(text, { now, timeZone }).task?.due;
        if (!due) return;
        const offset = Temporal.Instant.from(due).toZonedDateTimeISO(timeZone).offset;
        expect(due.endsWith(offset)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('answers to any clarifying question stay valid', () => {
    fc.assert(
      fc.property(sentences, sentences, instants, zones, (first, answer, now, timeZone) => {
        const question = parseUtterance(`add a task ${first}`.trim(), { now, timeZone });
        if (!question.pending) return;
        const result = continueClarification(question.pending, answer, { now, timeZone });
        expect(ParseResultSchema.safeParse(result).success).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('stays fast on long repetitive input (no catastrophic regex backtracking)', () => {
    parseOrThrow('warm up', { now: new Date(), timeZone: 'UTC' });
    fc.assert(
      fc.property(
        fc.array(words, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 20, max: 120 }),
        (unit, times) => {
          const text = Array.from({ length: times }, () => unit.join(' ')).join(' ');
          const started = performance.now();
          parseOrThrow(text, { now: new Date('2026-03-04T14:00:00Z'), timeZone: 'America/New_York' });
          // Generous for a loaded CI machine; a backtracking regex takes minutes, not milliseconds.
          expect(performance.now() - started).toBeLessThan(1500);
        },
      ),
      { numRuns: 60 },
    );
  });
});
