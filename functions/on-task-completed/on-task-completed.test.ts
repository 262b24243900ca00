import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasks } from '../../core/db/schema';
import { RecurringGenerated, TaskCompleted, TaskCreated } from '../../core/events/catalog';
import type { TaskwireEvent } from '../../core/events/define-event';
import { completeTask, reopenTask, updateTask } from '../../core/tasks/commands';
import { findSeries } from '../../core/tasks/series';
import { type FunctionKit, functionKit } from '../../test/support/function-kit';
import { DATABASE_KINDS } from '../../test/support/harness';
import onTaskCompleted from '.';

/** The instances of a series, by due time. */
async function instances(kit: FunctionKit, seriesId: string) {
  const rows = await kit.db.select().from(tasks).where(eq(tasks.seriesId, seriesId)).orderBy(tasks.due);
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    due: r.due?.toISOString(),
    status: r.status,
    catchUp: r.catchUp,
  }));
}

/** Completes a task through core's command; the task.completed event it wrote is what the function receives. */
async function completion(kit: FunctionKit, taskId: string): Promise<TaskwireEvent> {
  await completeTask(kit.seed, taskId);
  const event = (await kit.seeded(TaskCompleted)).findLast((e) => e.subject === taskId);
  if (!event) throw new Error(`no task.completed for ${taskId}`);
  return event;
}

describe('on-task-completed: the handler', () => {
  let kit: FunctionKit;
  beforeAll(async () => {
    kit = await functionKit(onTaskCompleted, { now: '2026-03-04T14:00:00Z' });
  });
  afterAll(async () => kit.close());

  it('creates the next instance from the series template and announces task.created and recurring.generated', async () => {
    const first = await kit.createTask({
      title: 'Review week',
      due: '2026-03-06T16:00',
      timezone: 'Europe/Berlin',
      recurrence: { frequency: 'weekly', interval: 1 },
      tags: ['work'],
      priority: 'medium',
      reminders: [{ minutesBefore: 30 }],
    });
    expect(await kit.deliver(await completion(kit, first.id))).toBe('processed');
    const [, next] = await instances(kit, first.seriesId!);
    expect(next).toMatchObject({
      title: 'Review week',
      due: '2026-03-13T15:00:00.000Z',
      status: 'active',
      catchUp: false,
    });
    const emitted = await kit.emitted();
    expect(emitted.map((e) => e.type)).toEqual([TaskCreated.type, RecurringGenerated.type]);
    expect(emitted[0]).toMatchObject({
      subject: next!.id,
      sequence: 1,
      data: {
        actor: 'system:on-task-completed',
        task: { id: next!.id, tags: ['work'], priority: 'medium', reminders: [{ minutesBefore: 30 }] },
      },
    });
    expect(emitted[1]!.data).toMatchObject({
      seriesId: first.seriesId,
      sourceTaskId: first.id,
      taskId: next!.id,
      occurrenceAt: '2026-03-13T15:00:00.000Z',
      occurrenceIndex: 1,
      catchUp: false,
      mode: 'schedule',
    });
  });

  it('completed late: the missed occurrences come as catch-ups before the next one, and the log says so', async () => {
    const first = await kit.createTask({
      title: 'Water plants',
      due: '2026-03-01T08:00',
      timezone: 'America/New_York',
      recurrence: { frequency: 'daily', interval: 1 },
    });
    await kit.deliver(await completion(kit, first.id));
    const generated = (await instances(kit, first.seriesId!)).slice(1);
    expect(generated.map((t) => [t.due?.slice(0, 10), t.catchUp])).toEqual([
      ['2026-03-02', true],
      ['2026-03-03', true],
      ['2026-03-04', true],
      ['2026-03-05', false],
    ]);
    expect(kit.logs()).toContainEqual(
      expect.objectContaining({
        message: 'completed late: missed occurrences generated',
        catchUps: 3,
        generated: 4,
      }),
    );
  });

  it('does nothing for a one-off task, a series that was stopped, or a task reopened before the event arrived', async () => {
    const before = (await kit.emitted()).length;
    const oneOff = await kit.createTask({ title: 'Once' });
    expect(await kit.deliver(await completion(kit, oneOff.id))).toBe('processed');

    const stopped = await kit.createTask({
      title: 'Stopped',
      due: '2026-03-05T09:00:00Z',
      recurrence: { frequency: 'daily', interval: 1 },
    });
    const stoppedEvent = await completion(kit, stopped.id);
    await updateTask(kit.seed, stopped.id, { recurrence: null });
    expect(await kit.deliver(stoppedEvent)).toBe('processed');

    const reopened = await kit.createTask({
      title: 'Reopened',
      due: '2026-03-05T09:00:00Z',
      recurrence: { frequency: 'daily', interval: 1 },
    });
    const reopenedEvent = await completion(kit, reopened.id);
    await reopenTask(kit.seed, reopened.id);
    expect(await kit.deliver(reopenedEvent)).toBe('processed');

    // Stopping the repetition unlinked the task from its series; nothing new carries its title.
    expect(await kit.db.select().from(tasks).where(eq(tasks.title, 'Stopped'))).toHaveLength(1);
    expect(await instances(kit, reopened.seriesId!)).toHaveLength(1);
    expect(await kit.emitted()).toHaveLength(before);
  });

  it('an occurrence beyond the horizon is deferred, and the tick creates it once it comes within a year', async () => {
    const first = await kit.createTask({
      title: 'Renew passport',
      due: '2026-03-10T09:00:00Z',
      timezone: 'UTC',
      recurrence: { frequency: 'yearly', interval: 2 },
    });
    await kit.deliver(await completion(kit, first.id));
    expect(await instances(kit, first.seriesId!)).toHaveLength(1);
    expect(await findSeries(kit.db, first.seriesId!)).toMatchObject({
      deferredAt: new Date('2028-03-10T09:00:00Z'),
    });
    expect(await kit.tick()).toEqual({ generated: 0 });
    const before = (await kit.emitted()).length;

    kit.clock.set('2027-03-15T00:00:00Z');
    expect(await kit.tick()).toEqual({ generated: 1 });
    const [, next] = await instances(kit, first.seriesId!);
    expect(next).toMatchObject({
      title: 'Renew passport',
      due: '2028-03-10T09:00:00.000Z',
      status: 'active',
    });
    expect((await kit.emitted()).slice(before).map((e) => [e.type, e.subject])).toEqual([
      [TaskCreated.type, next!.id],
      [RecurringGenerated.type, next!.id],
    ]);
    expect(await findSeries(kit.db, first.seriesId!)).toMatchObject({ deferredAt: null });
    expect(await kit.tick()).toEqual({ generated: 0 });
  });
});

describe.each(DATABASE_KINDS)('on-task-completed: its app receiving CloudEvents, on %s', (kind) => {
  let kit: FunctionKit;
  beforeAll(async () => {
    kit = await functionKit(onTaskCompleted, { database: kind, now: '2026-03-04T14:00:00Z' });
  });
  afterAll(async () => kit.close());

  const active = async (seriesId: string) =>
    (await instances(kit, seriesId)).filter((t) => t.status === 'active');

  it('a binary-mode task.completed → 200 and the next instance; a duplicated or replayed completion never generates twice', async () => {
    const first = await kit.createTask({
      title: 'Stretch',
      due: '2026-03-05T07:00:00Z',
      recurrence: { frequency: 'daily', interval: 1 },
    });
    const event = await completion(kit, first.id);
    const res = await kit.sendEvent(event);
    expect(res).toMatchObject({ status: 200, body: { outcome: 'processed' } });
    expect(await active(first.seriesId!)).toHaveLength(1);
    const same = await kit.sendEvent(event);
    expect(same.body).toEqual({ outcome: 'duplicate' });
    const replay = await kit.sendEvent({ ...event, id: crypto.randomUUID() });
    expect(replay.body).toEqual({ outcome: 'processed' });
    expect(await active(first.seriesId!)).toHaveLength(1);
    expect(await kit.emitted(TaskCreated)).toHaveLength(1);
  });

  it('400 for an event it is not subscribed to, or a task.completed whose data is invalid', async () => {
    const t = await kit.createTask({
      title: 'Gym',
      due: '2026-03-05T18:00:00Z',
      recurrence: { frequency: 'weekly', interval: 1 },
    });
    const [created] = (await kit.seeded(TaskCreated)).filter((e) => e.subject === t.id);
    const notMine = await kit.sendEvent(created!);
    expect(notMine.status).toBe(400);
    expect(notMine.body.errors).toEqual([{ field: 'type', message: 'not subscribed' }]);
    const event = await completion(kit, t.id);
    const invalid = await kit.sendEvent({ ...event, data: { task: { id: 'not-a-uuid' } } });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body.errors)).toContain('data.task');
    expect(await active(t.seriesId!)).toHaveLength(0);
  });

  it('POST /tick creates a deferred occurrence once it comes within a year', async () => {
    const t = await kit.createTask({
      title: 'Census',
      due: '2026-04-01T09:00:00Z',
      recurrence: { frequency: 'yearly', interval: 5 },
    });
    await kit.sendEvent(await completion(kit, t.id));
    expect(await active(t.seriesId!)).toHaveLength(0);
    kit.clock.set('2030-04-01T00:00:00Z');
    const res = await kit.postTick();
    expect(res).toMatchObject({ status: 200, body: { ok: true, result: { generated: 1 } } });
    expect(await active(t.seriesId!)).toEqual([expect.objectContaining({ due: '2031-04-01T09:00:00.000Z' })]);
  });
});
