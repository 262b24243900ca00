import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reminders } from '../../core/db/schema';
import { ReminderDue } from '../../core/events/catalog';
import { type FunctionKit, functionKit, taskWithReminders } from '../../test/support/function-kit';
import { DATABASE_KINDS } from '../../test/support/harness';
import fireReminders from '.';

const rowsOf = (kit: FunctionKit, taskId: string) =>
  kit.db.select().from(reminders).where(eq(reminders.taskId, taskId));
const fired = async (kit: FunctionKit) => ((await kit.tick()) as { fired: number }).fired;

describe.each(DATABASE_KINDS)('fire-reminders: the tick, on %s', (kind) => {
  let kit: FunctionKit;
  beforeAll(async () => {
    kit = await functionKit(fireReminders, { database: kind, now: '2026-03-04T14:00:00Z' });
  });
  afterAll(async () => kit.close());

  it('fires a reminder on time, not a millisecond before, once, and announces reminder.due', async () => {
    kit.clock.set('2026-03-04T14:00:00Z');
    const t = await taskWithReminders(kit, {
      title: 'Call mom',
      due: '2026-03-08T15:00',
      timezone: 'America/New_York',
      reminders: [{ minutesBefore: 15 }],
    });
    expect(await fireReminders.tick!.nextRun!(kit.deps)).toEqual(new Date('2026-03-08T18:45:00Z'));
    kit.clock.set('2026-03-08T18:44:59.999Z');
    expect(await fired(kit)).toBe(0);
    kit.clock.set('2026-03-08T18:45:00Z');
    expect(await fired(kit)).toBe(1);
    const [row] = await rowsOf(kit, t.id);
    expect(row).toMatchObject({ status: 'fired', lateMs: 0, firedAt: new Date('2026-03-08T18:45:00Z') });
    const [due] = await kit.emitted(ReminderDue);
    expect(due).toMatchObject({
      sequence: 1,
      data: {
        firedAt: '2026-03-08T18:45:00.000Z',
        actor: 'system:fire-reminders',
        reminders: [
          {
            reminderId: row!.id,
            taskId: t.id,
            minutesBefore: 15,
            channel: 'in-app',
            triggerAt: '2026-03-08T18:45:00.000Z',
            dueAt: '2026-03-08T19:00:00.000Z',
            title: 'Call mom',
            timezone: 'America/New_York',
            lateMs: 0,
          },
        ],
      },
    });
    expect(await fired(kit)).toBe(0);
    expect(await kit.emitted(ReminderDue)).toHaveLength(1);
    expect(await fireReminders.tick!.nextRun!(kit.deps)).toBeNull();
  });

  it('a missed tick is caught up: the reminder fires late, marked with how late', async () => {
    kit.clock.set('2026-03-04T14:00:00Z');
    const t = await taskWithReminders(kit, {
      title: 'Stretch',
      due: '2026-03-05T12:00:00Z',
      reminders: [{ minutesBefore: 30 }],
    });
    kit.clock.set('2026-03-05T11:35:00Z');
    expect(await fired(kit)).toBe(1);
    const [r] = await rowsOf(kit, t.id);
    expect(r!.lateMs).toBe(5 * 60_000);
    const last = (await kit.emitted(ReminderDue)).at(-1)!;
    expect((last.data as { reminders: { lateMs: number }[] }).reminders[0]!.lateMs).toBe(5 * 60_000);
    expect(kit.logs()).toContainEqual(
      expect.objectContaining({
        message: 'reminders fired late (missed ticks caught up)',
        reminderIds: [r!.id],
      }),
    );
  });

  it('reminders due together travel as one reminder.due', async () => {
    kit.clock.set('2026-03-04T14:00:00Z');
    const ids: string[] = [];
    for (let i = 1; i <= 3; i++) {
      ids.push(
        (
          await taskWithReminders(kit, {
            title: `Task ${i}`,
            due: '2026-03-06T12:00:00Z',
            reminders: [{ minutesBefore: 5 }, { minutesBefore: 10 }],
          })
        ).id,
      );
    }
    kit.clock.set('2026-03-06T11:55:00Z');
    const before = (await kit.emitted(ReminderDue)).length;
    expect(await fired(kit)).toBe(6);
    const events = (await kit.emitted(ReminderDue)).slice(before);
    expect(events).toHaveLength(1);
    const items = (events[0]!.data as { reminders: { taskId: string; triggerAt: string }[] }).reminders;
    expect(new Set(items.map((i) => i.taskId))).toEqual(new Set(ids));
    expect(items.map((i) => i.triggerAt)).toEqual([...items.map((i) => i.triggerAt)].sort());
  });
});

describe('fire-reminders: its app', () => {
  let kit: FunctionKit;
  beforeAll(async () => {
    kit = await functionKit(fireReminders, { now: '2026-03-04T14:00:00Z' });
  });
  afterAll(async () => kit.close());

  it('POST /tick claims what is due and says how many fired', async () => {
    await taskWithReminders(kit, {
      title: 'Soon',
      due: '2026-03-04T14:10:00Z',
      reminders: [{ minutesBefore: 10 }],
    });
    expect(await kit.postTick()).toMatchObject({ status: 200, body: { ok: true, result: { fired: 1 } } });
    expect(await kit.postTick()).toMatchObject({ status: 200, body: { ok: true, result: { fired: 0 } } });
    expect(await kit.emitted(ReminderDue)).toHaveLength(1);
  });

  it('takes no CloudEvents: POST / is not a route of this function (404)', async () => {
    const res = await kit.json('/', { method: 'POST', json: {} });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
