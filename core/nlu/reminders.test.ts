import { describe, expect, it } from 'vitest';
import { parseDurationList } from './numbers';
import { extractRelativeReminders } from './reminders';
import { masked } from './test-support';

describe('extractRelativeReminders', () => {
  it.each([
    ['remind me 15 minutes before', [15]],
    ['remind me an hour before', [60]],
    ['remind me a day before', [1440]],
    ['30 min early, remind me', [30]],
    ['remind me the day before', [1440]],
    ['with a reminder 10 minutes before', [10]],
    ['ping me 45 minutes ahead', [45]],
    ['notify me an hour and a half before', [90]],
    ['remind me half an hour before', [30]],
    ['remind me 2 days before and 1 hour before', [2880, 60]],
    ['remind me 10 and 30 minutes before', [10, 30]],
    ['remind me a week before', [10080]],
    ['remind me at the same time', [0]],
  ])('reads "%s"', (text, minutes) => {
    expect(extractRelativeReminders(masked(text))).toEqual(minutes);
  });

  it('leaves durations that are not reminders in the title', () => {
    const m = masked('leave 15 minutes early for the interview');
    expect(extractRelativeReminders(m)).toEqual([]);
    expect(m.remaining()).toBe('leave 15 minutes early for the interview');
  });

  it('consumes the reminder words', () => {
    const m = masked('call mom, remind me 15 minutes before');
    extractRelativeReminders(m);
    expect(m.remaining()).toBe('call mom');
  });
});

describe('parseDurationList', () => {
  it('adds minutes that complete whole hours and keeps other durations apart', () => {
    expect(parseDurationList('1 hour 30 minutes')).toEqual([90]);
    expect(parseDurationList('1h30')).toEqual([90]);
    expect(parseDurationList('1 day and 1 hour')).toEqual([1440, 60]);
    expect(parseDurationList('fifteen minutes')).toEqual([15]);
    expect(parseDurationList('a couple of hours')).toEqual([120]);
  });
});
