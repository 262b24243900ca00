import { describe, expect, it } from 'vitest';
import { describeRule } from './description';
import { local } from './recurrence.fixtures';

const NY = 'America/New_York';

describe('describeRule', () => {
  it.each([
    [{ frequency: 'daily', interval: 1 }, 'daily'],
    [{ frequency: 'daily', interval: 3 }, 'every 3 days'],
    [{ frequency: 'daily', interval: 1, byWeekday: ['FR', 'MO', 'TU', 'WE', 'TH'] }, 'every weekday'],
    [{ frequency: 'daily', interval: 1, byWeekday: ['SU', 'SA'] }, 'every weekend day'],
    [{ frequency: 'daily', interval: 1, byWeekday: ['WE', 'MO'] }, 'every Mon, Wed'],
    [{ frequency: 'daily', interval: 2, byWeekday: ['MO', 'WE'] }, 'every 2 days on Mon, Wed'],
    [{ frequency: 'weekly', interval: 2, byWeekday: ['TH', 'MO'] }, 'every 2 weeks on Mon, Thu'],
    [{ frequency: 'weekly', interval: 1 }, 'weekly'],
    [{ frequency: 'monthly', interval: 1, byMonthDay: 31 }, 'monthly on the 31st'],
    [{ frequency: 'monthly', interval: 2, byMonthDay: 22 }, 'every 2 months on the 22nd'],
    [{ frequency: 'monthly', interval: 1, byMonthDay: 13 }, 'monthly on the 13th'],
    [{ frequency: 'yearly', interval: 1, count: 5 }, 'yearly, 5 times'],
    [{ frequency: 'daily', interval: 1, until: '2027-03-31T12:00:00Z' }, 'daily, until Mar 31, 2027'],
  ] as const)('%j → %s', (rule, text) => {
    expect(describeRule(rule as Parameters<typeof describeRule>[0])).toBe(text);
  });

  it('names the implied day and the time when given the anchor', () => {
    const anchor = local('2026-03-04T08:00', NY);
    expect(describeRule({ frequency: 'weekly', interval: 1 }, { anchor, timeZone: NY })).toBe(
      'weekly on Wed at 8:00 AM',
    );
    expect(describeRule({ frequency: 'monthly', interval: 1 }, { anchor, timeZone: NY })).toBe(
      'monthly on the 4th at 8:00 AM',
    );
    expect(describeRule({ frequency: 'yearly', interval: 1 }, { anchor, timeZone: NY })).toBe(
      'yearly on Mar 4 at 8:00 AM',
    );
  });
});
