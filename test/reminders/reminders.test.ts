import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { reminders } from '../../core/db/schema';
import { ManualClock } from '../../core/ports/clock';
import { DATABASE_KINDS, startTestHost, type TestHost, testDatabase } from '../support/harness';

describe.each(DATABASE_KINDS)('reminders on %s', (kind) => {
  let host: TestHost;
  let clock: ManualClock;
  afterEach(async () => host?.stop());

  async function start(now = '2026-03-04T14:00:00Z') {
    clock = new ManualClock(now);
    host = await startTestHost({ clock, database: await testDatabase(kind) });
    await host.json('/api/settings', { method: 'PUT', json: { timezone: 'America/New_York' } });
  }
  const rows = (taskId: string) =>
    host.deps.database.db.select().from(reminders).where(eq(reminders.taskId, taskId));
  async function create(body: Record<string, unknown>) {
    const res = await host.json('/api/tasks', { method: 'POST', json: body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await host.settle();
    return res.body as { id: string; version: number };
  }
  async function fire() {
    const result = await host.tick('fire-reminders');
    await host.settle();
    return result as { fired: number };
  }
  const notifications = async () => (await host.json('/api/notifications')).body;

  it('fires on time into an in-app notification naming the task and its due time in the user zone', async () => {
    await start();
    const t = await create({
      title: 'Call mom',
      due: '2026-03-08T15:00',
      reminders: [{ minutesBefore: 15 }],
    });
    clock.set('2026-03-08T18:44:59.999Z');
    expect((await fire()).fired).toBe(0);
    clock.set('2026-03-08T18:45:00Z');
    expect((await fire()).fired).toBe(1);
    const { notifications: list, unread } = await notifications();
    expect(unread).toBe(1);
    expect(list[0]).toMatchObject({ kind: 'reminder', title: 'Call mom', taskIds: [t.id], readAt: null });
    expect(list[0].body).toBe('Due Sun, Mar 8, 3:00 PM EDT (in 15 minutes)');
    const [r] = await rows(t.id);
    expect(r).toMatchObject({ status: 'sent', lateMs: 0 });
    expect((await fire()).fired).toBe(0);
    const read = await host.json(`/api/notifications/${list[0].id}/read`, { method: 'POST' });
    expect(read.body.readAt).toBe('2026-03-08T18:45:00.000Z');
    expect((await notifications()).unread).toBe(0);
  });

  it('completing the task first cancels the reminder: it never fires', async () => {
    await start();
    const t = await create({
      title: 'Pay bill',
      due: '2026-03-05T12:00:00Z',
      reminders: [{ minutesBefore: 60 }],
    });
    await host.json(`/api/tasks/${t.id}/complete`, { method: 'POST' });
    await host.settle();
    clock.set('2026-03-05T11:30:00Z');
    expect((await fire()).fired).toBe(0);
    expect((await rows(t.id))[0]!.status).toBe('cancelled');
    await host.json(`/api/tasks/${t.id}/reopen`, { method: 'POST' });
    await host.settle();
    expect((await fire()).fired).toBe(1);
  });

  it('a new recurring instance gets the series reminders', async () => {
    await start();
    const t = await create({
      title: 'Meds',
      due: '2026-03-05T12:00:00Z',
      recurrence: { frequency: 'daily', interval: 1 },
      reminders: [{ minutesBefore: 10 }],
    });
    await host.json(`/api/tasks/${t.id}/complete`, { method: 'POST' });
    await host.settle();
    const next = (await host.json('/api/tasks?status=active')).body.tasks.find(
      (x: { title: string }) => x.title === 'Meds',
    );
    const [r] = await rows(next.id);
    expect(r!.triggerAt.toISOString()).toBe('2026-03-06T11:50:00.000Z');
  });
});
