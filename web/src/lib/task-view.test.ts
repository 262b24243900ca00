import { describe, expect, it } from 'vitest';
import { makeTask as task } from '../test-support/fixtures';
import { compareTasks, DEFAULT_FILTER, groupTasks, matchesFilter, serverQueries } from './task-view';

const BERLIN = 'Europe/Berlin';
// Wednesday 2030-01-02, 22:30 in Berlin: late in the day, so "today" and "tomorrow" are close together.
const now = new Date('2030-01-02T21:30:00Z');

describe('groupTasks', () => {
  it('groups into Overdue / Today / Upcoming / No date / Completed by the clock and the zone', () => {
    const tasks = [
      task({ title: 'no date' }),
      task({ title: 'tomorrow morning', due: '2030-01-03T07:00:00Z' }),
      task({ title: 'later tonight', due: '2030-01-02T22:45:00Z' }),
      task({ title: 'earlier today', due: '2030-01-02T08:00:00Z' }),
      task({ title: 'last week', due: '2029-12-26T08:00:00Z' }),
      // 23:30 UTC is already Jan 3 in Berlin: upcoming, not today.
      task({ title: 'after midnight', due: '2030-01-02T23:30:00Z' }),
      task({
        title: 'done',
        status: 'completed',
        completedAt: '2030-01-02T20:00:00Z',
        due: '2029-12-01T00:00:00Z',
      }),
    ];
    const groups = groupTasks(tasks, now, BERLIN);
    expect(groups.map((g) => [g.label, g.tasks.map((t) => t.title)])).toEqual([
      ['Overdue', ['last week', 'earlier today']],
      ['Today', ['later tonight']],
      ['Upcoming', ['after midnight', 'tomorrow morning']],
      ['No date', ['no date']],
      ['Completed', ['done']],
    ]);
  });

  it('puts the same instant in Today for one zone and Upcoming for another', () => {
    const t = task({ due: '2030-01-02T23:30:00Z' });
    expect(groupTasks([t], now, 'America/New_York')[0]?.label).toBe('Today');
    expect(groupTasks([t], now, BERLIN)[0]?.label).toBe('Upcoming');
  });

  it('leaves empty groups out', () => {
    expect(groupTasks([], now, BERLIN)).toEqual([]);
    expect(groupTasks([task()], now, BERLIN).map((g) => g.key)).toEqual(['none']);
  });
});

describe('compareTasks', () => {
  it('sorts by priority high first, then by due', () => {
    const a = task({ title: 'low', priority: 'low' });
    const b = task({ title: 'high later', priority: 'high', due: '2030-02-01T00:00:00Z' });
    const c = task({ title: 'high sooner', priority: 'high', due: '2030-01-05T00:00:00Z' });
    const d = task({ title: 'none' });
    expect([a, b, c, d].sort(compareTasks('priority')).map((t) => t.title)).toEqual([
      'high sooner',
      'high later',
      'low',
      'none',
    ]);
  });

  it('sorts by title case-insensitively and reverses with "-"', () => {
    const list = [task({ title: 'banana' }), task({ title: 'Apple' }), task({ title: 'cherry' })];
    expect(list.sort(compareTasks('title')).map((t) => t.title)).toEqual(['Apple', 'banana', 'cherry']);
    expect(list.sort(compareTasks('-title')).map((t) => t.title)).toEqual(['cherry', 'banana', 'Apple']);
  });
});

describe('matchesFilter', () => {
  it('shows active and recently completed tasks by default', () => {
    expect(matchesFilter(task(), DEFAULT_FILTER, now, BERLIN)).toBe(true);
    const recent = task({ status: 'completed', completedAt: '2030-01-02T10:00:00Z' });
    const old = task({ status: 'completed', completedAt: '2029-12-20T10:00:00Z' });
    expect(matchesFilter(recent, DEFAULT_FILTER, now, BERLIN)).toBe(true);
    expect(matchesFilter(old, DEFAULT_FILTER, now, BERLIN)).toBe(false);
    expect(matchesFilter(old, { ...DEFAULT_FILTER, status: 'completed' }, now, BERLIN)).toBe(true);
    expect(matchesFilter(task({ deletedAt: '2030-01-01T00:00:00Z' }), DEFAULT_FILTER, now, BERLIN)).toBe(
      false,
    );
  });

  it('filters by priority, tag, text and a due range of local dates', () => {
    const t = task({
      title: 'Buy milk',
      priority: 'high',
      tags: ['errands'],
      due: '2030-01-04T22:30:00Z', // Jan 4, 23:30 in Berlin
    });
    const f = DEFAULT_FILTER;
    expect(matchesFilter(t, { ...f, priority: ['high', 'low'] }, now, BERLIN)).toBe(true);
    expect(matchesFilter(t, { ...f, priority: ['low'] }, now, BERLIN)).toBe(false);
    expect(matchesFilter(t, { ...f, tag: '#Errands' }, now, BERLIN)).toBe(true);
    expect(matchesFilter(t, { ...f, tag: 'work' }, now, BERLIN)).toBe(false);
    expect(matchesFilter(t, { ...f, q: 'MILK' }, now, BERLIN)).toBe(true);
    expect(matchesFilter(t, { ...f, q: 'bread' }, now, BERLIN)).toBe(false);
    expect(matchesFilter(t, { ...f, dueFrom: '2030-01-04', dueTo: '2030-01-04' }, now, BERLIN)).toBe(true);
    expect(matchesFilter(t, { ...f, dueTo: '2030-01-03' }, now, BERLIN)).toBe(false);
    expect(matchesFilter(t, { ...f, dueFrom: '2030-01-05' }, now, BERLIN)).toBe(false);
    expect(matchesFilter(task(), { ...f, dueFrom: '2030-01-01' }, now, BERLIN)).toBe(false);
  });
});

describe('serverQueries', () => {
  it('asks for active tasks and the latest completed ones for the default view', () => {
    const plan = serverQueries(
      { ...DEFAULT_FILTER, priority: ['high'], tag: 'Work', dueTo: '2030-01-04' },
      BERLIN,
    );
    expect(plan).toEqual([
      {
        query: expect.objectContaining({ status: 'active', priority: ['high'], tag: ['work'], sort: 'due' }),
        allPages: true,
      },
      {
        query: expect.objectContaining({ status: 'completed', sort: '-updated', limit: 100 }),
        allPages: false,
      },
    ]);
    expect(plan[0]?.query.dueBefore).toBe('2030-01-04T23:00:00.000Z');
  });
});
