import { describe, expect, it } from 'vitest';
import {
  describeRule,
  firstMatchingOccurrence,
  nextOccurrence,
  occurrencesAfter,
  occurrencesBefore,
  planNextInstances,
  validateRule,
} from './recurrence';
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

describe('planNextInstances, schedule mode', () => {
  const daily = schedule({ frequency: 'daily' }, local('2026-03-02T08:00', NY), NY); // Monday

  it('on time: creates the next one only', () => {
    const done = local('2026-03-02T07:50', NY);
    const plan = planNextInstances({
      schedule: daily,
      mode: 'schedule',
      completedOccurrence: daily.anchor,
      completedIndex: 0,
      completedAt: done,
      now: done,
    });
    expect(plan.instances.map((i) => [wall(i.at, NY), i.index, i.catchUp])).toEqual([
      ['2026-03-03T08:00', 1, false],
    ]);
    expect(plan.ended).toBe(false);
    expect(plan.deferred).toBeNull();
    expect(plan.notes).toEqual([]);
  });

  it('3 days late: the 3 missed occurrences (catch-up) plus the next future one', () => {
    const done = local('2026-03-05T09:00', NY);
    const plan = planNextInstances({
      schedule: daily,
      mode: 'schedule',
      completedOccurrence: daily.anchor,
      completedIndex: 0,
      completedAt: done,
      now: done,
    });
    expect(plan.instances.map((i) => [wall(i.at, NY), i.index, i.catchUp])).toEqual([
      ['2026-03-03T08:00', 1, true],
      ['2026-03-04T08:00', 2, true],
      ['2026-03-05T08:00', 3, true],
      ['2026-03-06T08:00', 4, false],
    ]);
    expect(plan.notes).toEqual(['3 missed occurrences generated as catch-up (completed 3 days late)']);
  });

  it('bounds the catch-up to the latest maxCatchUp occurrences and says so', () => {
    const done = local('2026-03-22T09:00', NY);
    const plan = planNextInstances({
      schedule: daily,
      mode: 'schedule',
      completedOccurrence: daily.anchor,
      completedIndex: 0,
      completedAt: done,
      now: done,
      maxCatchUp: 5,
    });
    expect(plan.instances.map((i) => [wall(i.at, NY), i.catchUp])).toEqual([
      ['2026-03-18T08:00', true],
      ['2026-03-19T08:00', true],
      ['2026-03-20T08:00', true],
      ['2026-03-21T08:00', true],
      ['2026-03-22T08:00', true],
      ['2026-03-23T08:00', false],
    ]);
    expect(plan.notes[0]).toBe(
      '20 missed occurrences (completed 20 days late): generated the latest 5 as catch-up (limit 5), skipped 15 older ones',
    );
  });

  it('completing a catch-up instance adds nothing new beyond what exists (same occurrences)', () => {
    const done = local('2026-03-05T09:00', NY);
    const first = planNextInstances({
      schedule: daily,
      mode: 'schedule',
      completedOccurrence: daily.anchor,
      completedIndex: 0,
      completedAt: done,
      now: done,
    });
    const second = planNextInstances({
      schedule: daily,
      mode: 'schedule',
      completedOccurrence: first.instances[0]!.at,
      completedIndex: 1,
      completedAt: done,
      now: done,
    });
    expect(second.instances.map((i) => i.at)).toEqual(first.instances.slice(1).map((i) => i.at));
  });

  it('logs the clamp of a monthly 31st', () => {
    const s = schedule({ frequency: 'monthly' }, local('2027-01-31T09:00', NY), NY);
    const plan = planNextInstances({
      schedule: s,
      mode: 'schedule',
      completedOccurrence: s.anchor,
      completedIndex: 0,
      completedAt: s.anchor,
      now: s.anchor,
    });
    expect(plan.instances.map((i) => [wall(i.at, NY), i.clampedFrom])).toEqual([['2027-02-28T09:00', 31]]);
    expect(plan.notes).toEqual(['Feb 2027 has no 31st: clamped to Feb 28']);
  });

  it('ends with count and with until', () => {
    const counted = schedule({ frequency: 'daily', count: 2 }, daily.anchor, NY);
    const second = local('2026-03-03T08:00', NY);
    const end = planNextInstances({
      schedule: counted,
      mode: 'schedule',
      completedOccurrence: second,
      completedIndex: 1,
      completedAt: second,
      now: second,
    });
    expect(end).toMatchObject({ instances: [], ended: true, endReason: 'count', deferred: null });
    expect(end.notes).toEqual(['series ended: all 2 occurrences generated (count)']);

    const until = local('2026-03-04T08:00', NY).toISOString();
    const bounded = schedule({ frequency: 'daily', until }, daily.anchor, NY);
    const late = local('2026-03-10T12:00', NY);
    const plan = planNextInstances({
      schedule: bounded,
      mode: 'schedule',
      completedOccurrence: daily.anchor,
      completedIndex: 0,
      completedAt: late,
      now: late,
    });
    expect(plan.instances.map((i) => [wall(i.at, NY), i.catchUp])).toEqual([
      ['2026-03-03T08:00', true],
      ['2026-03-04T08:00', true],
    ]);
    expect(plan.ended).toBe(true);
    expect(plan.endReason).toBe('until');
  });

  it('never creates beyond the horizon: a biennial occurrence is deferred', () => {
    const s = schedule({ frequency: 'yearly', interval: 2 }, local('2026-06-01T10:00', BERLIN), BERLIN);
    const plan = planNextInstances({
      schedule: s,
      mode: 'schedule',
      completedOccurrence: s.anchor,
      completedIndex: 0,
      completedAt: s.anchor,
      now: s.anchor,
    });
    expect(plan.instances).toEqual([]);
    expect(plan.ended).toBe(false);
    expect(plan.deferred && wall(plan.deferred.at, BERLIN)).toBe('2028-06-01T10:00');
    expect(plan.notes).toEqual([
      'next occurrence 2028-06-01 10:00 Europe/Berlin is beyond the 366-day horizon: not generated yet',
    ]);
    const wide = planNextInstances({
      schedule: s,
      mode: 'schedule',
      completedOccurrence: s.anchor,
      completedIndex: 0,
      completedAt: s.anchor,
      now: s.anchor,
      horizonDays: 800,
    });
    expect(wide.instances.map((i) => wall(i.at, BERLIN))).toEqual(['2028-06-01T10:00']);
  });
});

describe('planNextInstances, completion mode', () => {
  const plan = (
    rule: Parameters<typeof schedule>[0],
    anchorText: string,
    dueText: string,
    doneText: string,
    completedIndex = 0,
  ) => {
    const s = schedule(rule, local(anchorText, NY), NY);
    const done = local(doneText, NY);
    return planNextInstances({
      schedule: s,
      mode: 'completion',
      completedOccurrence: local(dueText, NY),
      completedIndex,
      completedAt: done,
      now: done,
    });
  };
  const first = (p: ReturnType<typeof planNextInstances>) =>
    p.instances.map((i) => [wall(i.at, NY), i.index, i.catchUp]);

  it('daily!: the day after the completion, at the anchor time, without catch-up', () => {
    const p = plan({ frequency: 'daily' }, '2026-03-02T08:00', '2026-03-02T08:00', '2026-03-05T21:00');
    expect(first(p)).toEqual([['2026-03-06T08:00', 1, false]]);
  });

  it('every 3 days!: three days after the completion', () => {
    const p = plan(
      { frequency: 'daily', interval: 3 },
      '2026-03-02T08:00',
      '2026-03-02T08:00',
      '2026-03-03T10:00',
    );
    expect(first(p)).toEqual([['2026-03-06T08:00', 1, false]]);
  });

  it('every weekday!: completed on Friday → Monday', () => {
    const p = plan(
      { frequency: 'daily', byWeekday: ['MO', 'TU', 'WE', 'TH', 'FR'] },
      '2026-03-02T08:00',
      '2026-03-05T08:00',
      '2026-03-06T17:00',
      3,
    );
    expect(first(p)).toEqual([['2026-03-09T08:00', 4, false]]);
  });

  it('weekly! without weekdays: seven days after the completion', () => {
    const p = plan({ frequency: 'weekly' }, '2026-03-02T08:00', '2026-03-02T08:00', '2026-03-04T12:00');
    expect(first(p)).toEqual([['2026-03-11T08:00', 1, false]]);
  });

  it('weekly! on Monday: the next Monday after the completion; every 2 weeks skips one week', () => {
    expect(
      first(
        plan(
          { frequency: 'weekly', byWeekday: ['MO'] },
          '2026-03-02T08:00',
          '2026-03-02T08:00',
          '2026-03-03T12:00',
        ),
      ),
    ).toEqual([['2026-03-09T08:00', 1, false]]);
    expect(
      first(
        plan(
          { frequency: 'weekly', interval: 2, byWeekday: ['MO'] },
          '2026-03-02T08:00',
          '2026-03-02T08:00',
          '2026-03-03T12:00',
        ),
      ),
    ).toEqual([['2026-03-16T08:00', 1, false]]);
  });

  it('monthly!: a month after the completion, clamped when the month is shorter', () => {
    const p = plan({ frequency: 'monthly' }, '2027-01-05T09:00', '2027-01-05T09:00', '2027-01-31T20:00');
    expect(p.instances.map((i) => [wall(i.at, NY), i.clampedFrom])).toEqual([['2027-02-28T09:00', 31]]);
    expect(p.notes).toEqual(['Feb 2027 has no 31st: clamped to Feb 28']);
  });

  it('monthly! on the 15th: the next 15th after the completion', () => {
    const p = plan(
      { frequency: 'monthly', byMonthDay: 15 },
      '2027-01-15T09:00',
      '2027-01-15T09:00',
      '2027-01-20T09:00',
    );
    expect(first(p)).toEqual([['2027-02-15T09:00', 1, false]]);
  });

  it('completed early: counts from the scheduled date, so it never steps back', () => {
    const p = plan({ frequency: 'daily' }, '2026-03-02T08:00', '2026-03-06T08:00', '2026-03-03T10:00', 4);
    expect(first(p)).toEqual([['2026-03-07T08:00', 5, false]]);
    expect(p.notes).toEqual(['completed before its date: next one counted from 2026-03-06']);
  });

  it('honours count through completedIndex and until', () => {
    const counted = plan(
      { frequency: 'daily', count: 3 },
      '2026-03-02T08:00',
      '2026-03-04T08:00',
      '2026-03-04T09:00',
      2,
    );
    expect(counted).toMatchObject({ instances: [], ended: true, endReason: 'count' });
    const until = local('2026-03-05T08:00', NY).toISOString();
    const last = plan(
      { frequency: 'daily', until },
      '2026-03-02T08:00',
      '2026-03-04T08:00',
      '2026-03-04T09:00',
      2,
    );
    expect(first(last)).toEqual([['2026-03-05T08:00', 3, false]]);
    const over = plan(
      { frequency: 'daily', until },
      '2026-03-02T08:00',
      '2026-03-04T08:00',
      '2026-03-05T09:00',
      2,
    );
    expect(over).toMatchObject({ instances: [], ended: true, endReason: 'until' });
  });
});

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
