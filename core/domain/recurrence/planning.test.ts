import { describe, expect, it } from 'vitest';
import { planNextInstances } from './planning';
import { local, schedule, wall } from './recurrence.fixtures';

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';

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
