import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reminders } from '../../core/db/schema';
import {
  ReminderCancelled,
  ReminderDue,
  ReminderScheduled,
  TaskCreated,
  TaskPurged,
  TaskUpdated,
} from '../../core/events/catalog';
import { completeTask, purgeTask, reopenTask, trashTaskById, updateTask } from '../../core/tasks/commands';
import { type FunctionKit, functionKit } from '../../test/support/function-kit';
import { DATABASE_KINDS } from '../../test/support/harness';
import scheduleReminders from '.';

const rowsOf = (kit: FunctionKit, taskId: string) =>
  kit.db.select().from(reminders).where(eq(reminders.taskId, taskId)).orderBy(reminders.minutesBefore);

/** Hands the function every event the arrangement wrote about the task; ones it saw before are duplicates. */
async function deliverAbout(kit: FunctionKit, taskId: string) {
  for (const event of await kit.seeded()) if (event.subject === taskId) await kit.deliver(event);
}

describe.each(DATABASE_KINDS)('schedule-reminders: the handler, on %s', (kind) => {
  let kit: FunctionKit;
  beforeAll(async () => {
    kit = await functionKit(scheduleReminders, { database: kind, now: '2026-03-04T14:00:00Z' });
    await kit.deps.settings.put({ timezone: 'America/New_York' }, kit.clock.now());
  });
  afterAll(async () => kit.close());
  afterEach(() => {
    kit.woken.length = 0;
  });

  it('schedules a reminder at due minus the offset, moves it with the due time, cancels it on delete', async () => {
    const t = await kit.createTask({
      title: 'Call mom',
      due: '2026-03-08T15:00',
      reminders: [{ minutesBefore: 15 }],
    });
    await deliverAbout(kit, t.id);
    let [r] = await rowsOf(kit, t.id);
    expect(r).toMatchObject({ status: 'scheduled', channel: 'in-app', minutesBefore: 15 });
    expect(r!.triggerAt.toISOString()).toBe('2026-03-08T18:45:00.000Z');
    expect(kit.woken).toEqual(['fire-reminders']);
    await updateTask(kit.seed, t.id, { due: '2026-03-09T10:00' });
    await deliverAbout(kit, t.id);
    [r] = await rowsOf(kit, t.id);
    expect(r!.triggerAt.toISOString()).toBe('2026-03-09T13:45:00.000Z');
    await trashTaskById(kit.seed, t.id);
    await deliverAbout(kit, t.id);
    [r] = await rowsOf(kit, t.id);
    expect(r!.status).toBe('cancelled');
    const events = (await kit.emitted()).filter((e) => e.subject === r!.id);
    expect(
      events.map((e) => [e.type, (e.data as { action?: string; reason?: string }).action ?? e.data]),
    ).toEqual([
      [ReminderScheduled.type, 'scheduled'],
      [ReminderScheduled.type, 'rescheduled'],
      [ReminderCancelled.type, expect.objectContaining({ reason: 'task deleted' })],
    ]);
    expect(events[0]).toMatchObject({
      partitionkey: t.id,
      sequence: 1,
      data: {
        reminderId: r!.id,
        taskId: t.id,
        minutesBefore: 15,
        channel: 'in-app',
        triggerAt: '2026-03-08T18:45:00.000Z',
        dueAt: '2026-03-08T19:00:00.000Z',
        actor: 'system:schedule-reminders',
      },
    });
  });

  it('uses the default channel from settings when a reminder names none', async () => {
    await kit.deps.settings.put({ defaultReminderChannel: 'email' }, kit.clock.now());
    try {
      const t = await kit.createTask({
        title: 'Email me',
        due: '2026-03-05T12:00:00Z',
        reminders: [{ minutesBefore: 10 }, { minutesBefore: 5, channel: 'in-app' }],
      });
      await deliverAbout(kit, t.id);
      expect((await rowsOf(kit, t.id)).map((r) => r.channel).sort()).toEqual(['email', 'in-app']);
    } finally {
      await kit.deps.settings.put({ defaultReminderChannel: 'in-app' }, kit.clock.now());
    }
  });

  it('completing cancels, reopening schedules again; a trigger already past is scheduled all the same (it fires at once)', async () => {
    const t = await kit.createTask({
      title: 'Pay bill',
      due: '2026-03-04T14:30:00Z',
      reminders: [{ minutesBefore: 60 }],
    });
    await deliverAbout(kit, t.id);
    expect(await rowsOf(kit, t.id)).toEqual([
      expect.objectContaining({ status: 'scheduled', triggerAt: new Date('2026-03-04T13:30:00Z') }),
    ]);
    await completeTask(kit.seed, t.id);
    await deliverAbout(kit, t.id);
    expect((await rowsOf(kit, t.id))[0]!.status).toBe('cancelled');
    await reopenTask(kit.seed, t.id);
    await deliverAbout(kit, t.id);
    expect((await rowsOf(kit, t.id))[0]!.status).toBe('scheduled');
    const types = (await kit.emitted()).filter((e) => (e.data as { taskId?: string }).taskId === t.id);
    expect(types.map((e) => [e.type, (e.data as { reason?: string }).reason])).toEqual([
      [ReminderScheduled.type, undefined],
      [ReminderCancelled.type, 'task completed'],
      [ReminderScheduled.type, undefined],
    ]);
  });

  it('an event that cannot change reminders is skipped: a task without any, an update of other fields', async () => {
    const plain = await kit.createTask({ title: 'No reminders', due: '2026-03-06T12:00:00Z' });
    await deliverAbout(kit, plain.id);
    const t = await kit.createTask({
      title: 'Renamed',
      due: '2026-03-06T12:00:00Z',
      reminders: [{ minutesBefore: 5 }],
    });
    await updateTask(kit.seed, t.id, { title: 'Renamed again' });
    // The rename touches no reminder field: the function's `ignores` passes it by without a transaction.
    const [rename] = (await kit.seeded(TaskUpdated)).filter((e) => e.subject === t.id);
    expect(await kit.deliver(rename!)).toBe('ignored');
    expect(await rowsOf(kit, t.id)).toEqual([]);
    expect(await rowsOf(kit, plain.id)).toEqual([]);
    expect((await kit.emitted()).filter((e) => [plain.id, t.id].includes(e.partitionkey))).toEqual([]);
    expect(kit.woken).toEqual([]);
  });

  it('takes a batch of events in one transaction, and a purged task needs nothing (its rows cascade)', async () => {
    const a = await kit.createTask({
      title: 'A',
      due: '2026-03-07T12:00:00Z',
      reminders: [{ minutesBefore: 5 }],
    });
    const b = await kit.createTask({
      title: 'B',
      due: '2026-03-07T12:00:00Z',
      reminders: [{ minutesBefore: 5 }],
    });
    const created = (await kit.seeded(TaskCreated)).filter((e) => [a.id, b.id].includes(e.subject));
    expect(await kit.deliverBatch(created)).toEqual([{ status: 200 }, { status: 200 }]);
    expect((await rowsOf(kit, a.id)).length + (await rowsOf(kit, b.id)).length).toBe(2);
    await purgeTask(kit.seed, a.id, 'permanent-delete');
    expect(await rowsOf(kit, a.id)).toEqual([]);
  });
});

describe('schedule-reminders: its app receiving CloudEvents', () => {
  let kit: FunctionKit;
  beforeAll(async () => {
    kit = await functionKit(scheduleReminders, { now: '2026-03-04T14:00:00Z' });
  });
  afterAll(async () => kit.close());

  it('a binary-mode task.created → 200 and a scheduled reminder; the same event again → acknowledged, nothing more', async () => {
    const t = await kit.createTask({
      title: 'Over HTTP',
      due: '2026-03-05T12:00:00Z',
      reminders: [{ minutesBefore: 5 }],
    });
    const [created] = (await kit.seeded(TaskCreated)).filter((e) => e.subject === t.id);
    const res = await kit.sendEvent(created!);
    expect(res).toMatchObject({ status: 200, body: { outcome: 'processed' } });
    expect(await rowsOf(kit, t.id)).toHaveLength(1);
    const again = await kit.sendEvent(created!);
    expect(again).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
    expect(await rowsOf(kit, t.id)).toHaveLength(1);
    expect(await kit.emitted(ReminderScheduled)).toHaveLength(1);
  });

  it('400 for an event it is not subscribed to (task.purged, reminder.due) or invalid data', async () => {
    const t = await kit.createTask({
      title: 'Gone',
      due: '2026-03-05T12:00:00Z',
      reminders: [{ minutesBefore: 5 }],
    });
    await purgeTask(kit.seed, t.id, 'permanent-delete');
    const [purged] = await kit.seeded(TaskPurged);
    const notMine = await kit.sendEvent(purged!);
    expect(notMine.status).toBe(400);
    expect(notMine.body.errors).toEqual([{ field: 'type', message: 'not subscribed' }]);
    const due = ReminderDue.create(
      {
        data: {
          reminders: [
            {
              reminderId: crypto.randomUUID(),
              taskId: t.id,
              minutesBefore: 5,
              channel: 'in-app',
              triggerAt: '2026-03-05T11:55:00Z',
              dueAt: '2026-03-05T12:00:00Z',
              title: 'Gone',
              timezone: 'UTC',
              lateMs: 0,
            },
          ],
          firedAt: '2026-03-05T11:55:00Z',
          actor: 'test',
        },
        subject: crypto.randomUUID(),
        sequence: 1,
      },
      { source: '/taskwire/test', correlationId: 'c-1' },
    );
    expect((await kit.sendEvent(due)).status).toBe(400);
    const [created] = (await kit.seeded(TaskCreated)).filter((e) => e.subject === t.id);
    const invalid = await kit.sendEvent({ ...created!, data: { task: { due: 'tomorrow' } } });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body.errors)).toContain('data.task');
    expect((await kit.emitted()).filter((e) => e.partitionkey === t.id)).toEqual([]);
  });
});
