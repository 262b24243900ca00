import { describe, expect, it } from 'vitest';
import {
  applyPatch,
  CreateTaskInput,
  completeTask,
  isPurgeable,
  newTask,
  normaliseTag,
  reopenTask,
  restoreTask,
  Tags,
  trashTask,
  UpdateTaskInput,
} from './task';
import { resolveInstant } from './time';

const now = new Date('2026-03-04T14:00:00Z');
const make = (input: Record<string, unknown> = {}) =>
  newTask(CreateTaskInput.parse({ title: 'Buy milk', ...input }), {
    id: 'a',
    now,
    defaultTimezone: 'Europe/Berlin',
  });

describe('task rules', () => {
  it('normalises tags: no #, lower case, dashes, no duplicates, bounded', () => {
    expect(normaliseTag('  #Home Office ')).toBe('home-office');
    expect(Tags.parse(['Work', '#work', 'Ärger'])).toEqual(['work', 'ärger']);
    expect(Tags.safeParse(['ok', '!!']).success).toBe(false);
    expect(Tags.safeParse(Array.from({ length: 21 }, (_, i) => `t${i}`)).success).toBe(false);
  });

  it('trims the title and bounds it to 1–500 characters', () => {
    expect(CreateTaskInput.parse({ title: '  x ' }).title).toBe('x');
    expect(CreateTaskInput.safeParse({ title: '   ' }).success).toBe(false);
    expect(CreateTaskInput.safeParse({ title: 'x'.repeat(501) }).success).toBe(false);
    expect(CreateTaskInput.safeParse({ title: 'x'.repeat(500) }).success).toBe(true);
  });

  it('uses the default zone for wall-clock due times and keeps instants as given', () => {
    expect(make({ due: '2026-07-01T09:00' }).due?.toISOString()).toBe('2026-07-01T07:00:00.000Z');
    expect(make({ due: '2026-07-01T09:00:00-04:00' }).due?.toISOString()).toBe('2026-07-01T13:00:00.000Z');
    expect(make({ due: '2026-07-01T09:00', timezone: 'America/New_York' }).due?.toISOString()).toBe(
      '2026-07-01T13:00:00.000Z',
    );
    expect(() => make({ due: '2026-07-01' })).toThrow(/time of day/);
    expect(() => make({ due: 'tomorrow' })).toThrow(/ISO 8601/);
  });

  it('resolves a wall-clock time inside a DST gap forward', () => {
    const r = resolveInstant('2026-03-08T02:30', 'America/New_York');
    expect('instant' in r && r.instant.toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('patches only what changed, bumps the version once, and reports before/after', () => {
    const task = make({ priority: 'low', tags: ['a'] });
    const later = new Date(now.getTime() + 1000);
    const { task: next, changes } = applyPatch(
      task,
      UpdateTaskInput.parse({ title: 'Buy oat milk', priority: 'low' }),
      later,
    );
    expect(changes).toEqual({ title: { from: 'Buy milk', to: 'Buy oat milk' } });
    expect(next.version).toBe(2);
    expect(next.updatedAt).toEqual(later);
    const none = applyPatch(task, UpdateTaskInput.parse({ priority: 'low' }), later);
    expect(none.changes).toEqual({});
    expect(none.task.version).toBe(1);
  });

  it('refuses an empty patch and unknown fields', () => {
    expect(UpdateTaskInput.safeParse({}).success).toBe(false);
    expect(UpdateTaskInput.safeParse({ titel: 'x' }).success).toBe(false);
  });

  it('completes once and keeps the first completion time', () => {
    const done = completeTask(make(), now)!;
    expect(done.status).toBe('completed');
    expect(done.completedAt).toEqual(now);
    expect(completeTask(done, new Date(now.getTime() + 5000))).toBeNull();
    const reopened = reopenTask(done, now)!;
    expect(reopened.completedAt).toBeNull();
    expect(reopened.version).toBe(3);
  });

  it('keeps deleted tasks 30 days before they may be purged', () => {
    const trashed = trashTask(make(), now)!;
    expect(trashTask(trashed, now)).toBeNull();
    expect(isPurgeable(trashed, new Date(now.getTime() + 29 * 86_400_000))).toBe(false);
    expect(isPurgeable(trashed, new Date(now.getTime() + 30 * 86_400_000))).toBe(true);
    expect(restoreTask(trashed, now)?.deletedAt).toBeNull();
  });
});
