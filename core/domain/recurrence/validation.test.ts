import { describe, expect, it } from 'vitest';
import { local } from './recurrence.fixtures';
import { validateRule } from './validation';

const BERLIN = 'Europe/Berlin';

describe('validateRule', () => {
  const anchor = local('2026-03-04T09:00', BERLIN); // a Wednesday

  it('accepts well-formed rules', () => {
    expect(
      validateRule({ frequency: 'weekly', interval: 2, byWeekday: ['TU', 'TH'] }, anchor, BERLIN),
    ).toEqual([]);
    expect(validateRule({ frequency: 'monthly', interval: 1, byMonthDay: 31 }, anchor, BERLIN)).toEqual([]);
    expect(validateRule({ frequency: 'daily', interval: 14, byWeekday: ['WE'] }, anchor, BERLIN)).toEqual([]);
  });

  it('names the field of each problem', () => {
    const fields = (rule: Parameters<typeof validateRule>[0], tz = BERLIN, at = anchor) =>
      validateRule(rule, at, tz).map((i) => i.field);
    expect(fields({ frequency: 'monthly', interval: 1, byWeekday: ['MO'] })).toEqual(['byWeekday']);
    expect(fields({ frequency: 'weekly', interval: 1, byMonthDay: 3 })).toEqual(['byMonthDay']);
    expect(fields({ frequency: 'yearly', interval: 1, byMonthDay: 3 })).toEqual(['byMonthDay']);
    expect(fields({ frequency: 'daily', interval: 7, byWeekday: ['MO'] })).toEqual(['byWeekday']);
    expect(fields({ frequency: 'daily', interval: 1, until: '2026-03-01T00:00:00Z' })).toEqual(['until']);
    expect(fields({ frequency: 'daily', interval: 0 })).toEqual(['interval']);
    expect(fields({ frequency: 'daily', interval: 1 }, 'Mars/Olympus')).toEqual(['timeZone']);
    expect(fields({ frequency: 'daily', interval: 1 }, BERLIN, new Date(Number.NaN))).toEqual(['anchor']);
  });

  it('explains why a daily interval that is a multiple of 7 cannot reach other weekdays', () => {
    const [issue] = validateRule(
      { frequency: 'daily', interval: 7, byWeekday: ['MO', 'WE'] },
      anchor,
      BERLIN,
    );
    expect(issue?.message).toBe(
      'every 7 days from a Wed always falls on a Wed; use a weekly rule to pick other days',
    );
  });
});
