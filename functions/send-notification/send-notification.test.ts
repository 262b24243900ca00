import { eq, inArray } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emailDeliveries, notifications, reminders } from '../../core/db/schema';
import { NotificationCreated, ReminderSent, TaskCreated } from '../../core/events/catalog';
import type { Mailer } from '../../core/ports/mail';
import { claimDue, type FunctionKit, functionKit, taskWithReminders } from '../../test/support/function-kit';
import { DATABASE_KINDS } from '../../test/support/harness';
import sendNotification from '.';

let kit: FunctionKit;
async function start(
  opts: { email?: string | null; mailer?: Mailer['kind']; database?: 'pglite' | 'postgres' } = {},
) {
  kit = await functionKit(sendNotification, {
    database: opts.database,
    now: '2026-03-04T14:00:00Z',
    mailer: opts.mailer ?? 'smtp',
    env: { PUBLIC_URL: 'http://tasks.example.test' },
  });
  await kit.deps.settings.put(
    { timezone: 'America/New_York', email: opts.email === undefined ? 'me@example.test' : opts.email },
    kit.clock.now(),
  );
}
afterEach(async () => kit?.close());

const allNotifications = () => kit.db.select().from(notifications).orderBy(notifications.createdAt);
const queued = () => kit.db.select().from(emailDeliveries);

describe.each(DATABASE_KINDS)('send-notification: the handler, on %s', (database) => {
  beforeEach(() => start({ database }));

  it('turns a due reminder into an in-app notification naming the task and its due time in the user zone', async () => {
    const t = await taskWithReminders(kit, {
      title: 'Call mom',
      due: '2026-03-08T15:00',
      reminders: [{ minutesBefore: 15 }],
    });
    kit.clock.set('2026-03-08T18:45:00Z');
    const due = await claimDue(kit);
    expect(await kit.deliver(due)).toBe('processed');
    const [n] = await allNotifications();
    expect(n).toMatchObject({ kind: 'reminder', title: 'Call mom', taskIds: [t.id], readAt: null });
    expect(n!.body).toBe('Due Sun, Mar 8, 3:00 PM EDT (in 15 minutes)');
    const rows = await kit.db.select().from(reminders).where(eq(reminders.taskId, t.id));
    expect(rows.map((r) => r.status)).toEqual(['sent']);
    const emitted = await kit.emitted();
    expect(emitted.map((e) => e.type)).toEqual([NotificationCreated.type, ReminderSent.type]);
    expect(emitted[0]!.data).toMatchObject({
      notification: { id: n!.id, kind: 'reminder' },
      actor: 'system:send-notification',
    });
    expect(emitted[1]!.data).toMatchObject({
      reminderIds: [rows[0]!.id],
      taskIds: [t.id],
      channel: 'in-app',
      notificationId: n!.id,
      attempts: 1,
    });
    expect(await queued()).toEqual([]);
    expect(kit.woken).toEqual([]);
  });

  it('reminders due together become one digest: ten listed, then "and N more"', async () => {
    for (let i = 1; i <= 12; i++) {
      await taskWithReminders(kit, {
        title: `Task ${i}`,
        due: '2026-03-05T12:00:00Z',
        reminders: [{ minutesBefore: 5 }],
      });
    }
    kit.clock.set('2026-03-05T11:55:00Z');
    await kit.deliver(await claimDue(kit));
    const list = await allNotifications();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ kind: 'digest', title: '12 reminders' });
    const lines = list[0]!.body.split('\n');
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toBe('and 2 more');
  });

  it('an email reminder is queued as an email too, with a link to the task, and deliver-email is woken', async () => {
    const t = await taskWithReminders(kit, {
      title: 'Call mom',
      due: '2026-03-08T15:00',
      reminders: [{ minutesBefore: 15, channel: 'email' }],
    });
    kit.clock.set('2026-03-08T18:45:00Z');
    await kit.deliver(await claimDue(kit));
    const [mail] = await queued();
    const [n] = await allNotifications();
    expect(mail).toMatchObject({
      notificationId: n!.id,
      toAddress: 'me@example.test',
      subject: 'Reminder: Call mom — due Sun, Mar 8, 3:00 PM EDT (in 15 minutes)',
      status: 'pending',
      attempts: 0,
      nextAttemptAt: new Date('2026-03-08T18:45:00Z'),
    });
    expect(mail!.htmlBody).toContain(`http://tasks.example.test/?task=${t.id}`);
    expect(kit.woken).toEqual(['deliver-email']);
    // The in-app side is the same as for any reminder: the email's fate is deliver-email's to announce.
    expect((await kit.emitted(ReminderSent)).map((e) => (e.data as { channel: string }).channel)).toEqual([
      'in-app',
    ]);
  });
});

describe('send-notification: email reminders without somewhere to send them', () => {
  it.each([
    ['no email provider', { mailer: 'none' as const }],
    ['no address in the settings', { email: null }],
  ])('%s: shown in-app only, and the log says why', async (_why, opts) => {
    await start(opts);
    await taskWithReminders(kit, {
      title: 'Email me',
      due: '2026-03-05T12:00:00Z',
      reminders: [{ minutesBefore: 5, channel: 'email' }],
    });
    kit.clock.set('2026-03-05T11:55:00Z');
    await kit.deliver(await claimDue(kit));
    expect(await allNotifications()).toHaveLength(1);
    expect(await queued()).toEqual([]);
    expect(kit.woken).toEqual([]);
    expect(kit.logs()).toContainEqual(
      expect.objectContaining({
        message: 'email reminder shown in-app only: no email provider or no address in settings',
      }),
    );
  });
});

describe('send-notification: its app receiving CloudEvents', () => {
  beforeEach(() => start());

  it('a binary-mode reminder.due → 200 and one notification; the same event again → acknowledged, no second one', async () => {
    await taskWithReminders(kit, {
      title: 'Over HTTP',
      due: '2026-03-05T12:00:00Z',
      reminders: [{ minutesBefore: 5 }],
    });
    kit.clock.set('2026-03-05T11:55:00Z');
    const due = await claimDue(kit);
    expect(await kit.sendEvent(due)).toMatchObject({ status: 200, body: { outcome: 'processed' } });
    expect(await kit.sendEvent(due)).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
    expect(await allNotifications()).toHaveLength(1);
    expect(await kit.emitted(NotificationCreated)).toHaveLength(1);
  });

  it('400 for an event it is not subscribed to, or a reminder.due listing no reminders', async () => {
    const t = await kit.createTask({ title: 'Not a reminder' });
    const [created] = (await kit.seeded(TaskCreated)).filter((e) => e.subject === t.id);
    const notMine = await kit.sendEvent(created!);
    expect(notMine.status).toBe(400);
    expect(notMine.body.errors).toEqual([{ field: 'type', message: 'not subscribed' }]);
    await taskWithReminders(kit, {
      title: 'Due',
      due: '2026-03-05T12:00:00Z',
      reminders: [{ minutesBefore: 5 }],
    });
    kit.clock.set('2026-03-05T11:55:00Z');
    const due = await claimDue(kit);
    const empty = await kit.sendEvent({ ...due, data: { ...(due.data as object), reminders: [] } });
    expect(empty.status).toBe(400);
    expect(empty.body.errors.map((e: { field: string }) => e.field)).toContain('data.reminders');
    expect(await allNotifications()).toEqual([]);
    const ids = (due.data as { reminders: { reminderId: string }[] }).reminders.map((r) => r.reminderId);
    expect(
      (await kit.db.select().from(reminders).where(inArray(reminders.id, ids))).map((r) => r.status),
    ).toEqual(['fired']);
  });
});
