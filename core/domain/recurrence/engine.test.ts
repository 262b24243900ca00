import { describe, expect, it } from 'vitest';
import { firstMatchingOccurrence, nextOccurrence, occurrencesAfter, occurrencesBefore } from './engine';
import { local, schedule, wall } from './recurrence.fixtures';

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const walls = (list: { at: Date }[], tz: string) => list.map((o) => wall(o.at, tz));
const EPOCH = new Date(0);

describe('monthly', () => {
  const s = schedule({ frequency: 'monthly' }, local('2027-01-31T09:00', NY), NY);

  it('clamps the 31st to the last day of shorter months and returns to the 31st', () => {
    const list = occurrencesAfter(s, EPOCH, { limit: 5 });
    expect(walls(list, NY)).toEqual([
      '2027-01-31T09:00',
      '2027-02-28T09:00',
      '2027-03-31T09:00',
      '2027-04-30T09:00',
      '2027-05-31T09:00',
    ]);
    expect(list.map((o) => o.index)).toEqual([0, 1, 2, 3, 4]);
    expect(list.map((o) => o.clampedFrom)).toEqual([undefined, 31, undefined, 31, undefined]);
  });

  it('lands on Feb 29 in a leap year', () => {
    const feb = nextOccurrence(s, local('2028-02-01T00:00', NY));
    expect(feb && wall(feb.at, NY)).toBe('2028-02-29T09:00');
    expect(feb?.clampedFrom).toBe(31);
    expect(feb?.index).toBe(13);
  });

  it('honours byMonthDay and an interval, counting months from the anchor', () => {
    const q = schedule(
      { frequency: 'monthly', interval: 3, byMonthDay: 30 },
      local('2027-01-10T18:00', BERLIN),
      BERLIN,
    );
    expect(walls(occurrencesAfter(q, EPOCH, { limit: 5 }), BERLIN)).toEqual([
      '2027-01-10T18:00',
      '2027-01-30T18:00',
      '2027-04-30T18:00',
      '2027-07-30T18:00',
      '2027-10-30T18:00',
    ]);
  });
});

describe('daylight saving time', () => {
  it('keeps 08:00 in New York across both 2026 transitions', () => {
    const s = schedule({ frequency: 'daily' }, local('2026-03-06T08:00', NY), NY);
    const spring = occurrencesAfter(s, EPOCH, { limit: 5 });
    expect(walls(spring, NY)).toEqual([
      '2026-03-06T08:00',
      '2026-03-07T08:00',
      '2026-03-08T08:00',
      '2026-03-09T08:00',
      '2026-03-10T08:00',
    ]);
    // The day of the change is 23 hours long: proof the step is a calendar day, not 24 h.
    expect(spring[3]!.at.getTime() - spring[2]!.at.getTime()).toBe(DAY);
    expect(spring[2]!.at.getTime() - spring[1]!.at.getTime()).toBe(23 * HOUR);

    const fall = occurrencesAfter(s, local('2026-10-30T12:00', NY), { limit: 3 });
    expect(walls(fall, NY)).toEqual(['2026-10-31T08:00', '2026-11-01T08:00', '2026-11-02T08:00']);
    expect(fall[1]!.at.getTime() - fall[0]!.at.getTime()).toBe(25 * HOUR);
    expect(fall.map((o) => o.at.toISOString())).toEqual([
      '2026-10-31T12:00:00.000Z',
      '2026-11-01T13:00:00.000Z',
      '2026-11-02T13:00:00.000Z',
    ]);
  });

  it('keeps 07:15 in Berlin across 2026-03-29 and 2026-10-25', () => {
    const s = schedule({ frequency: 'daily' }, local('2026-03-28T07:15', BERLIN), BERLIN);
    const spring = occurrencesAfter(s, EPOCH, { limit: 3 });
    expect(spring.map((o) => o.at.toISOString())).toEqual([
      '2026-03-28T06:15:00.000Z',
      '2026-03-29T05:15:00.000Z',
      '2026-03-30T05:15:00.000Z',
    ]);
    const fall = occurrencesAfter(s, local('2026-10-24T00:00', BERLIN), { limit: 3 });
    expect(walls(fall, BERLIN)).toEqual(['2026-10-24T07:15', '2026-10-25T07:15', '2026-10-26T07:15']);
    expect(fall.map((o) => o.at.toISOString())).toEqual([
      '2026-10-24T05:15:00.000Z',
      '2026-10-25T06:15:00.000Z',
      '2026-10-26T06:15:00.000Z',
    ]);
  });

  it('moves 02:30 forward on the spring-forward day and returns to 02:30 after', () => {
    const s = schedule({ frequency: 'daily' }, local('2026-03-07T02:30', NY), NY);
    const list = occurrencesAfter(s, EPOCH, { limit: 3 });
    expect(walls(list, NY)).toEqual(['2026-03-07T02:30', '2026-03-08T03:30', '2026-03-09T02:30']);
    expect(list[1]!.at.toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('takes the earlier 01:30 on the fall-back day', () => {
    const s = schedule({ frequency: 'daily' }, local('2026-10-31T01:30', NY), NY);
    const list = occurrencesAfter(s, EPOCH, { limit: 3 });
    expect(list.map((o) => o.at.toISOString())).toEqual([
      '2026-10-31T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z', // 01:30 EDT, not 01:30 EST
      '2026-11-02T06:30:00.000Z',
    ]);
  });

  it('never repeats an instant when a zone skips a whole day (Samoa, 2011-12-30)', () => {
    const apia = 'Pacific/Apia';
    const s = schedule({ frequency: 'daily' }, local('2011-12-28T08:00', apia), apia);
    const list = occurrencesAfter(s, EPOCH, { limit: 5 });
    expect(walls(list, apia)).toEqual([
      '2011-12-28T08:00',
      '2011-12-29T08:00',
      '2011-12-31T08:00',
      '2012-01-01T08:00',
      '2012-01-02T08:00',
    ]);
    // Dec 30 (index 2) moved onto Dec 31 08:00; Dec 31's own occurrence (index 3) is the same
    // instant and is dropped, in both directions, so occurrenceAt stays unique.
    expect(list.map((o) => o.index)).toEqual([0, 1, 2, 4, 5]);
    const back = occurrencesBefore(s, local('2012-01-02T00:00', apia), { limit: 10 });
    expect(back.map((o) => o.index)).toEqual([0, 1, 2, 4]);
    expect(occurrencesBefore(s, local('2012-01-01T00:00', apia), { limit: 1 })[0]?.index).toBe(2);
    // Resuming on Dec 31 before 08:00 must still find the moved Dec 30 occurrence.
    expect(nextOccurrence(s, local('2011-12-31T07:00', apia))?.index).toBe(2);
  });
});

describe('weekdays', () => {
  const workdays = {
    frequency: 'daily' as const,
    byWeekday: ['MO' as const, 'TU' as const, 'WE' as const, 'TH' as const, 'FR' as const],
  };

  it('"every weekday" skips the weekend', () => {
    const s = schedule(workdays, local('2026-03-05T09:00', BERLIN), BERLIN); // a Thursday
    expect(walls(occurrencesAfter(s, EPOCH, { limit: 6 }), BERLIN)).toEqual([
      '2026-03-05T09:00',
      '2026-03-06T09:00',
      '2026-03-09T09:00',
      '2026-03-10T09:00',
      '2026-03-11T09:00',
      '2026-03-12T09:00',
    ]);
  });

  it('counts an anchor that does not fit as occurrence 0; firstMatchingOccurrence finds the first fitting day', () => {
    const saturday = local('2026-03-07T09:00', BERLIN);
    const s = schedule(workdays, saturday, BERLIN);
    const list = occurrencesAfter(s, EPOCH, { limit: 2 });
    expect(walls(list, BERLIN)).toEqual(['2026-03-07T09:00', '2026-03-09T09:00']);
    expect(list.map((o) => o.index)).toEqual([0, 1]);
    expect(wall(firstMatchingOccurrence(s)!, BERLIN)).toBe('2026-03-09T09:00');
    const monday = schedule(workdays, local('2026-03-09T09:00', BERLIN), BERLIN);
    expect(firstMatchingOccurrence(monday)).toEqual(monday.anchor);
  });

  it('every other week on Tue and Thu counts weeks from the anchor week', () => {
    const s = schedule(
      { frequency: 'weekly', interval: 2, byWeekday: ['TH', 'TU'] },
      local('2026-03-03T18:30', NY),
      NY,
    );
    expect(walls(occurrencesAfter(s, EPOCH, { limit: 6 }), NY)).toEqual([
      '2026-03-03T18:30',
      '2026-03-05T18:30',
      '2026-03-17T18:30',
      '2026-03-19T18:30',
      '2026-03-31T18:30',
      '2026-04-02T18:30',
    ]);
    // Far from the anchor the same rhythm holds, with the right indices.
    const far = occurrencesAfter(s, local('2030-01-01T00:00', NY), { limit: 2 });
    const before = occurrencesBefore(s, far[0]!.at, { limit: 1 });
    expect(far[0]!.at.getTime() - before[0]!.at.getTime()).toBeGreaterThan(7 * DAY);
    expect(far[0]!.index).toBe(before[0]!.index + 1);
  });

  it('weekly without byWeekday repeats on the anchor weekday', () => {
    const s = schedule({ frequency: 'weekly' }, local('2026-03-04T10:00', NY), NY);
    expect(walls(occurrencesAfter(s, EPOCH, { limit: 3 }), NY)).toEqual([
      '2026-03-04T10:00',
      '2026-03-11T10:00',
      '2026-03-18T10:00',
    ]);
  });
});

describe('yearly', () => {
  it('Feb 29 falls back to Feb 28 in common years and returns in leap years', () => {
    const s = schedule({ frequency: 'yearly' }, local('2028-02-29T12:00', BERLIN), BERLIN);
    const list = occurrencesAfter(s, EPOCH, { limit: 6 });
    expect(walls(list, BERLIN)).toEqual([
      '2028-02-29T12:00',
      '2029-02-28T12:00',
      '2030-02-28T12:00',
      '2031-02-28T12:00',
      '2032-02-29T12:00',
      '2033-02-28T12:00',
    ]);
    expect(list.map((o) => o.clampedFrom)).toEqual([undefined, 29, 29, 29, undefined, 29]);
  });
});

describe('until and count', () => {
  const anchor = local('2026-05-01T08:00', NY);

  it('until is inclusive', () => {
    const third = local('2026-05-03T08:00', NY);
    const on = schedule({ frequency: 'daily', until: third.toISOString() }, anchor, NY);
    expect(walls(occurrencesAfter(on, EPOCH, { limit: 10 }), NY)).toEqual([
      '2026-05-01T08:00',
      '2026-05-02T08:00',
      '2026-05-03T08:00',
    ]);
    const justBefore = schedule(
      { frequency: 'daily', until: new Date(third.getTime() - 1).toISOString() },
      anchor,
      NY,
    );
    expect(occurrencesAfter(justBefore, EPOCH, { limit: 10 })).toHaveLength(2);
    expect(nextOccurrence(on, third)).toBeNull();
  });

  it('count includes the anchor', () => {
    const s = schedule({ frequency: 'weekly', count: 3 }, anchor, NY);
    const list = occurrencesAfter(s, EPOCH, { limit: 10 });
    expect(list.map((o) => o.index)).toEqual([0, 1, 2]);
    expect(occurrencesAfter(s, list[2]!.at, { limit: 10 })).toEqual([]);
    // Backwards from far away the count still holds, without walking the years in between.
    expect(occurrencesBefore(s, local('2090-01-01T00:00', NY), { limit: 10 })).toEqual(list);
  });

  it('horizon is inclusive and stops the listing', () => {
    const s = schedule({ frequency: 'daily' }, anchor, NY);
    const horizon = local('2026-05-04T08:00', NY);
    expect(occurrencesAfter(s, EPOCH, { limit: 100, horizon })).toHaveLength(4);
  });
});

describe('speed', () => {
  it('jumps to a query far from the anchor instead of walking the series', () => {
    const s = schedule(
      { frequency: 'daily', byWeekday: ['MO', 'WE', 'FR'] },
      local('2026-01-01T08:00', NY),
      NY,
    );
    const far = local('2095-06-01T00:00', NY);
    const started = performance.now();
    for (let i = 0; i < 200; i++) occurrencesAfter(s, far, { limit: 1 });
    // Walking ~70 years of days 200 times would take many seconds; a jump takes well under one.
    expect(performance.now() - started).toBeLessThan(1500);
    const next = nextOccurrence(s, far)!;
    expect(wall(next.at, NY)).toBe('2095-06-01T08:00'); // a Wednesday
    expect(next.index).toBe(occurrencesBefore(s, next.at, { limit: 1 })[0]!.index + 1);
  });
});
