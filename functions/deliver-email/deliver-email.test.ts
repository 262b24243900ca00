import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { emailDeliveries, notifications, reminders } from '../../core/db/schema';
import { claimEmail, enqueueEmail } from '../../core/email/queue';
import { NotificationCreated, ReminderFailed, ReminderSent } from '../../core/events/catalog';
import type { Mailer } from '../../core/ports/mail';
import { claimDue, type FunctionKit, functionKit, taskWithReminders } from '../../test/support/function-kit';
import deliverEmail from '.';

let kit: FunctionKit;
afterEach(async () => kit?.close());

/** An email reminder that fired and was queued, as send-notification leaves it. */
async function queued(mailer: Mailer['kind'] = 'smtp') {
  kit = await functionKit(deliverEmail, { now: '2026-03-04T14:00:00Z', mailer });
  const task = await taskWithReminders(kit, {
    title: 'Call mom',
    due: '2026-03-08T15:00',
    timezone: 'America/New_York',
    reminders: [{ minutesBefore: 15, channel: 'email' }],
  });
  kit.clock.set('2026-03-08T18:45:00Z');
  const due = await claimDue(kit);
  const reminderIds = (due.data as { reminders: { reminderId: string }[] }).reminders.map(
    (r) => r.reminderId,
  );
  const email = { id: randomUUID(), notificationId: randomUUID(), reminderIds };
  await enqueueEmail(
    kit.db,
    {
      ...email,
      to: 'me@example.test',
      subject: 'Reminder: Call mom',
      text: 'Due at 3 PM',
      html: '<p>Due at 3 PM</p>',
    },
    kit.clock.now(),
  );
  return { ...email, taskId: task.id };
}
const row = async (id: string) =>
  (await kit.db.select().from(emailDeliveries).where(eq(emailDeliveries.id, id)))[0]!;
const deliver = async () => (await kit.tick()) as { sent: number; failed: number };

describe('deliver-email: the tick', () => {
  it('sends a queued email once, with an idempotency key, and announces reminder.sent on the email channel', async () => {
    const email = await queued();
    expect(await deliverEmail.tick!.nextRun!(kit.deps)).toEqual(new Date('2026-03-08T18:45:00Z'));
    expect(await deliver()).toEqual({ sent: 1, failed: 0 });
    expect(kit.mailer.sent).toEqual([
      {
        to: 'me@example.test',
        subject: 'Reminder: Call mom',
        text: 'Due at 3 PM',
        html: '<p>Due at 3 PM</p>',
        idempotencyKey: `taskwire-email-${email.id}`,
      },
    ]);
    expect(await row(email.id)).toMatchObject({ status: 'sent', attempts: 1, providerId: 'recorded-1' });
    expect(await kit.emitted()).toEqual([
      expect.objectContaining({
        type: ReminderSent.type,
        subject: email.id,
        data: {
          reminderIds: email.reminderIds,
          taskIds: [email.taskId],
          channel: 'email',
          notificationId: email.notificationId,
          attempts: 1,
          actor: 'system:deliver-email',
        },
      }),
    ]);
    expect(await deliver()).toEqual({ sent: 0, failed: 0 });
    expect(kit.mailer.attempts).toHaveLength(1);
    expect(await deliverEmail.tick!.nextRun!(kit.deps)).toBeNull();
  });

  it('a refused email is retried after 1, 5 and 15 minutes, then the reminder fails, announced and shown in-app', async () => {
    const email = await queued();
    kit.mailer.failNext(10, '550 mailbox unavailable');
    expect(await deliver()).toEqual({ sent: 0, failed: 0 });
    expect(await row(email.id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: '550 mailbox unavailable',
    });
    for (const [wait, expected] of [
      [59_000, 1],
      [1_000, 2],
      [299_000, 2],
      [1_000, 3],
      [899_000, 3],
    ] as const) {
      kit.clock.advance(wait);
      await deliver();
      expect((await row(email.id)).attempts, `after waiting ${wait} ms`).toBe(expected);
    }
    kit.clock.advance(1_000);
    expect(await deliver()).toEqual({ sent: 0, failed: 1 });
    expect(await row(email.id)).toMatchObject({ status: 'failed', attempts: 4 });
    const rs = await kit.db.select().from(reminders).where(inArray(reminders.id, email.reminderIds));
    expect(rs.map((r) => [r.status, r.lastError])).toEqual([['failed', '550 mailbox unavailable']]);
    const [failed, shown] = await kit.emitted();
    expect(failed).toMatchObject({
      type: ReminderFailed.type,
      data: { channel: 'email', attempts: 4, taskIds: [email.taskId], reason: '550 mailbox unavailable' },
    });
    expect(shown).toMatchObject({
      type: NotificationCreated.type,
      data: { notification: { kind: 'reminder-failed' } },
    });
    const [n] = await kit.db.select().from(notifications);
    expect(n).toMatchObject({
      kind: 'reminder-failed',
      taskIds: [email.taskId],
      reminderIds: email.reminderIds,
    });
    expect(kit.mailer.sent).toEqual([]);
    expect(kit.mailer.attempts).toHaveLength(4);
  });

  it('an attempt interrupted mid-send is never repeated over SMTP (at most once)', async () => {
    const email = await queued('smtp');
    // What a process killed between recording the attempt and hearing back leaves behind:
    await claimEmail(kit.deps.database, kit.clock.now(), 'a-dead-process', 60_000);
    kit.clock.advance(120_000);
    expect(await deliver()).toEqual({ sent: 0, failed: 0 });
    expect(kit.mailer.attempts).toEqual([]);
    expect(await row(email.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await row(email.id)).lastError).toMatch(/stopped mid-attempt/);
    expect((await kit.emitted(ReminderFailed)).map((e) => e.subject)).toEqual([email.id]);
  });

  it('an interrupted attempt through Resend is simply tried again: the idempotency key prevents a second email', async () => {
    const email = await queued('resend');
    await claimEmail(kit.deps.database, kit.clock.now(), 'a-dead-process', 60_000);
    kit.clock.advance(120_000);
    expect(await deliver()).toEqual({ sent: 1, failed: 0 });
    expect(kit.mailer.sent.map((m) => m.idempotencyKey)).toEqual([`taskwire-email-${email.id}`]);
    expect(await row(email.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a tick told to stop takes no new work', async () => {
    const email = await queued();
    const stop = new AbortController();
    stop.abort();
    expect(await kit.tick(stop.signal)).toEqual({ sent: 0, failed: 0 });
    expect(await row(email.id)).toMatchObject({ status: 'pending', attempts: 0 });
  });
});

describe('deliver-email: its app', () => {
  it('POST /tick sends what is due and says so', async () => {
    const email = await queued();
    expect(await kit.postTick()).toMatchObject({
      status: 200,
      body: { ok: true, result: { sent: 1, failed: 0 } },
    });
    expect(await kit.postTick()).toMatchObject({
      status: 200,
      body: { ok: true, result: { sent: 0, failed: 0 } },
    });
    expect(kit.mailer.sent.map((m) => m.idempotencyKey)).toEqual([`taskwire-email-${email.id}`]);
  });

  it('takes no CloudEvents: POST / is not a route of this function (404)', async () => {
    await queued();
    expect((await kit.json('/', { method: 'POST', json: {} })).status).toBe(404);
  });
});
