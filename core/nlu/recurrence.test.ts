import { describe, expect, it } from 'vitest';
import { extractRecurrence, firstOccurrence } from './recurrence';
import { ctxAt, masked, NY, NY_NOW } from './test-support';
import { toIso } from './zoned';

const rule = (text: string) => extractRecurrence(masked(text.toLowerCase()))?.rule;

describe('extractRecurrence', () => {
  it.each([
    ['every day', { frequency: 'daily', interval: 1 }],
    ['daily', { frequency: 'daily', interval: 1 }],
    ['every other day', { frequency: 'daily', interval: 2 }],
    ['every 3 days', { frequency: 'daily', interval: 3 }],
    ['every weekday', { frequency: 'weekly', interval: 1, byWeekday: ['MO', 'TU', 'WE', 'TH', 'FR'] }],
    ['every weekend', { frequency: 'weekly', interval: 1, byWeekday: ['SA', 'SU'] }],
    ['every Monday', { frequency: 'weekly', interval: 1, byWeekday: ['MO'] }],
    ['on Tuesdays and Thursdays', { frequency: 'weekly', interval: 1, byWeekday: ['TU', 'TH'] }],
    ['every mon, wed and fri', { frequency: 'weekly', interval: 1, byWeekday: ['MO', 'WE', 'FR'] }],
    ['every other friday', { frequency: 'weekly', interval: 2, byWeekday: ['FR'] }],
    ['every 2 weeks on monday', { frequency: 'weekly', interval: 2, byWeekday: ['MO'] }],
    ['weekly', { frequency: 'weekly', interval: 1 }],
    ['biweekly', { frequency: 'weekly', interval: 2 }],
    ['monthly on the 1st', { frequency: 'monthly', interval: 1, byMonthDay: 1 }],
    ['on the 31st of every month', { frequency: 'monthly', interval: 1, byMonthDay: 31 }],
    ['the first of every month', { frequency: 'monthly', interval: 1, byMonthDay: 1 }],
    ['every 3 months', { frequency: 'monthly', interval: 3 }],
    ['quarterly', { frequency: 'monthly', interval: 3 }],
    ['every year', { frequency: 'yearly', interval: 1 }],
    ['annually', { frequency: 'yearly', interval: 1 }],
  ])('reads "%s"', (text, expected) => {
    expect(rule(text)).toEqual(expected);
  });

  it('leaves "every year on March 3" for the date parser and consumes only the repetition', () => {
    const m = masked('call grandma every year on march 3');
    expect(extractRecurrence(m)?.rule).toEqual({ frequency: 'yearly', interval: 1 });
    expect(m.remaining()).toBe('call grandma on march 3');
  });

  it('does not read an adjective of the title as a schedule', () => {
    expect(rule('finish the quarterly report')).toBeUndefined();
    expect(rule('prepare my weekly review')).toBeUndefined();
    expect(rule('monday or tuesday')).toBeUndefined();
  });

  it('gives "every morning" and "every night" a time of day', () => {
    expect(extractRecurrence(masked('stretch every morning'))?.time).toEqual({ hour: 9, minute: 0 });
    expect(extractRecurrence(masked('read every night'))?.time).toEqual({ hour: 20, minute: 0 });
  });
});

describe('firstOccurrence', () => {
  const ctx = ctxAt(NY_NOW, NY);
  it('finds the next matching weekday after now, in the user zone', () => {
    const monday = firstOccurrence({ frequency: 'weekly', interval: 1, byWeekday: ['MO'] }, undefined, ctx);
    expect(toIso(monday)).toBe('2026-03-09T09:00:00-04:00');
  });

  it('skips today when the time has passed', () => {
    const daily = firstOccurrence({ frequency: 'daily', interval: 1 }, { hour: 8, minute: 0 }, ctx);
    expect(toIso(daily)).toBe('2026-03-05T08:00:00-05:00');
  });

  it('skips months without the day', () => {
    const feb = ctxAt('2026-02-01T09:00:00-05:00', NY);
    const day31 = firstOccurrence({ frequency: 'monthly', interval: 1, byMonthDay: 31 }, undefined, feb);
    expect(toIso(day31)).toBe('2026-03-31T09:00:00-04:00');
  });
});
