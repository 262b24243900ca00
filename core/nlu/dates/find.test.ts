import { describe, expect, it } from 'vitest';
import { ctxAt, NY, NY_NOW } from '../test-support';
import { toIso } from '../zoned';
import { findDates } from './index';

function due(text: string, now = NY_NOW, tz = NY): string | undefined {
  const found = findDates(text.toLowerCase(), ctxAt(now, tz));
  return found[0] ? toIso(found[0].zdt) : undefined;
}

describe('findDates', () => {
  it('reads "Sunday at 3pm" in the user zone, across the spring DST change', () => {
    expect(due('call mom on Sunday at 3pm')).toBe('2026-03-08T15:00:00-04:00');
    expect(due('Sunday at 3pm', '2026-03-25T18:30:00+01:00', 'Europe/Berlin')).toBe(
      '2026-03-29T15:00:00+02:00',
    );
    expect(due('Sunday at 3pm', '2026-03-04T09:00:00+09:00', 'Asia/Tokyo')).toBe('2026-03-08T15:00:00+09:00');
  });

  it('handles the autumn DST change and a wall-clock time that does not exist', () => {
    expect(due('Sunday at 3pm', '2026-10-22T14:00:00+02:00', 'Europe/Berlin')).toBe(
      '2026-10-25T15:00:00+01:00',
    );
    expect(due('Sunday at 10am', '2026-10-29T20:00:00-04:00', NY)).toBe('2026-11-01T10:00:00-05:00');
    // 02:30 is skipped on 8 March in New York; the reading moves forward an hour.
    expect(due('Sunday at 2:30am')).toBe('2026-03-08T03:30:00-04:00');
  });

  it('adds durations as exact time, even across the DST gap', () => {
    expect(due('in 2 hours', '2026-03-08T01:30:00-05:00')).toBe('2026-03-08T04:30:00-04:00');
    expect(due('in an hour and a half')).toBe('2026-03-04T10:30:00-05:00');
  });

  it('reads dates across runs of spaces, and places each span on the text as given', () => {
    const text = 'call mom   on   sunday    at 3pm  ,  thanks';
    const [found] = findDates(text, ctxAt(NY_NOW, NY));
    expect(found && toIso(found.zdt)).toBe('2026-03-08T15:00:00-04:00');
    const covered = found!.spans.map(([start, end]) => text.slice(start, end).trim());
    expect(covered.join(' | ')).toMatch(/sunday/);
    expect(covered.join(' | ')).toMatch(/3pm/);
    expect(text.slice(0, found!.spans[0]![0])).toMatch(/^call mom/);
  });

  it('does not backtrack for seconds over runs of blanked punctuation (chrono’s time-unit rules)', () => {
    // 12 repetitions took 4 s, 20 minutes, before the runs of spaces were squeezed for chrono.
    const text = Array.from({ length: 20 }, () => 'the hours    ').join('');
    const started = performance.now();
    findDates(text, ctxAt(NY_NOW, NY));
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('does not depend on the machine time zone', () => {
    const before = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata';
    try {
      expect(due('tomorrow at 5pm')).toBe('2026-03-05T17:00:00-05:00');
      expect(due('Sunday at 3pm')).toBe('2026-03-08T15:00:00-04:00');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('uses consistent default times', () => {
    expect(due('tomorrow')).toBe('2026-03-05T09:00:00-05:00');
    expect(due('by friday')).toBe('2026-03-06T17:00:00-05:00');
    expect(due('due monday')).toBe('2026-03-09T17:00:00-04:00');
    expect(due('today')).toBe('2026-03-04T17:00:00-05:00');
    expect(due('tonight')).toBe('2026-03-04T20:00:00-05:00');
    expect(due('tomorrow morning')).toBe('2026-03-05T09:00:00-05:00');
    expect(due('this evening')).toBe('2026-03-04T19:00:00-05:00');
    expect(due('end of day')).toBe('2026-03-04T17:00:00-05:00');
    expect(due('end of the week')).toBe('2026-03-06T17:00:00-05:00');
    expect(due('end of the month')).toBe('2026-03-31T17:00:00-04:00');
    expect(due('next week')).toBe('2026-03-09T09:00:00-04:00');
    expect(due('on the 1st')).toBe('2026-04-01T09:00:00-04:00');
  });

  it('prefers the future', () => {
    expect(due('at 3')).toBe('2026-03-04T15:00:00-05:00');
    expect(due('at 8am')).toBe('2026-03-05T08:00:00-05:00');
    expect(due('at 8')).toBe('2026-03-04T20:00:00-05:00');
    expect(due('wednesday')).toBe('2026-03-11T09:00:00-04:00');
    expect(due('wednesday at 5pm')).toBe('2026-03-04T17:00:00-05:00');
    expect(due('march 3')).toBe('2027-03-03T09:00:00-05:00');
  });

  it.each([
    'i may call ann',
    'read the 5th wave',
    'sunday roast recipe',
    'work out for 2 hours',
    'buy 1/2 gallon of milk',
    'march in the parade',
    'ask june about the car',
    'sat down with the team',
    'one day i will learn piano',
    "prep for monday's meeting",
  ])('leaves "%s" alone', (text) => {
    expect(findDates(text, ctxAt(NY_NOW, NY))).toEqual([]);
  });

  it('reads a weekday used like an adjective as a date when a time is given', () => {
    expect(due('sunday brunch with lea at 11')).toBe('2026-03-08T11:00:00-04:00');
  });

  it('covers the words it read, prepositions included', () => {
    const text = 'call mom on sunday at 3pm';
    const [found] = findDates(text, ctxAt(NY_NOW, NY));
    expect(found?.spans.map(([s, e]) => text.slice(s, e))).toEqual(['on sunday at 3pm']);
  });
});
