import { describe, expect, it } from 'vitest';
import { extractFilter } from './filter';
import { ctxAt, NY, NY_NOW } from './test-support';

const filter = (text: string) => extractFilter(text.toLowerCase(), ctxAt(NY_NOW, NY));

describe('extractFilter', () => {
  it('lists active tasks by default', () => {
    expect(filter('what are my tasks?')).toEqual({ status: 'active' });
  });

  it('bounds "due today" by the user’s calendar day', () => {
    expect(filter("what's due today")).toEqual({
      status: 'active',
      dueAfter: '2026-03-04T00:00:00-05:00',
      dueBefore: '2026-03-05T00:00:00-05:00',
    });
  });

  it('reads completed-in-a-period questions as completion bounds', () => {
    expect(filter('what did I complete yesterday?')).toEqual({
      status: 'completed',
      completedAfter: '2026-03-03T00:00:00-05:00',
      completedBefore: '2026-03-04T00:00:00-05:00',
    });
  });

  it('reads overdue as due before now', () => {
    expect(filter('show overdue tasks')).toEqual({
      status: 'active',
      dueBefore: '2026-03-04T09:00:00-05:00',
    });
  });

  it('spans a week that crosses the DST change', () => {
    expect(filter('what is due next week')).toMatchObject({
      dueAfter: '2026-03-09T00:00:00-04:00',
      dueBefore: '2026-03-16T00:00:00-04:00',
    });
  });

  it('reads tags, priority and search text', () => {
    expect(filter('anything tagged work?')).toMatchObject({ tags: ['work'] });
    expect(filter('list my work tasks')).toMatchObject({ tags: ['work'] });
    expect(filter('show me high priority tasks')).toMatchObject({ priority: 'high' });
    expect(filter('find tasks about taxes')).toMatchObject({ text: 'taxes' });
    expect(filter('did I pay the rent?')).toMatchObject({ status: 'completed', text: 'pay the rent' });
  });

  it('treats "before Friday" as an upper bound', () => {
    expect(filter("what's due before friday")).toEqual({
      status: 'active',
      dueBefore: '2026-03-06T00:00:00-05:00',
    });
  });
});
