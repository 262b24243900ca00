import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { emailDeliveries, reminders } from '../../core/db/schema';
import { ManualClock } from '../../core/ports/clock';
import { startFakeResend } from '../support/fake-resend';
import { startTestHost, type TestHost } from '../support/harness';
import { startSmtp } from '../support/smtp';

let host: TestHost | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await host?.stop();
  host = undefined;
  for (const close of closers.splice(0)) await close();
});

async function setUp(env: Record<string, string>) {
  const clock = new ManualClock('2026-03-04T14:00:00Z');
  host = await startTestHost({ clock, env: { PUBLIC_URL: 'http://tasks.example.test', ...env } });
  await host.json('/api/settings', {
    method: 'PUT',
    json: { timezone: 'America/New_York', email: 'me@example.test' },
  });
  const t = await host.json('/api/tasks', {
    method: 'POST',
    json: {
      title: 'Call mom',
      due: '2026-03-08T15:00',
      reminders: [{ minutesBefore: 15, channel: 'email' }],
    },
  });
  await host.settle();
  clock.set('2026-03-08T18:45:00Z');
  await host.tick('fire-reminders');
  await host.settle();
  return { clock, taskId: t.body.id as string, h: host };
}

const deliver = async (h: TestHost) => {
  const r = (await h.tick('deliver-email')) as { sent: number; failed: number };
  await h.settle();
  return r;
};

describe('reminder emails over SMTP', () => {
  it('a real SMTP server receives the mail with the task and its due time in the subject', async () => {
    const smtp = await startSmtp();
    closers.push(smtp.close);
    const { h } = await setUp({ SMTP_URL: smtp.url, MAIL_FROM: 'Taskwire <reminders@example.test>' });
    expect(await deliver(h)).toEqual({ sent: 1, failed: 0 });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual(['me@example.test']);
    expect(mail.subject).toBe('Reminder: Call mom — due Sun, Mar 8, 3:00 PM EDT (in 15 minutes)');
    expect(mail.raw).toContain('multipart/alternative');
    expect(mail.raw).toContain('text/html');
    expect(mail.raw.replace(/=\r?\n/g, '')).toContain('http://tasks.example.test/?task=');
    // The in-app notification exists as well.
    expect((await h.json('/api/notifications')).body.notifications[0].title).toBe('Call mom');
    expect(await deliver(h)).toEqual({ sent: 0, failed: 0 });
    const audit = (await h.json('/api/audit?type=dev.taskwire.reminder.sent.v1')).body.entries;
    expect(audit.map((e: { details: { channel: string } }) => e.details.channel).sort()).toEqual([
      'email',
      'in-app',
    ]);
  });

  it('a refusing server is retried after 1, 5 and 15 minutes, then the reminder fails, audited and shown in-app', async () => {
    const smtp = await startSmtp({ refuse: () => true });
    closers.push(smtp.close);
    const { clock, taskId, h } = await setUp({ SMTP_URL: smtp.url });
    const attempts = async () => (await h.deps.database.db.select().from(emailDeliveries))[0]!;
    expect(await deliver(h)).toEqual({ sent: 0, failed: 0 });
    expect(await attempts()).toMatchObject({ status: 'pending', attempts: 1 });
    for (const [wait, expected] of [
      [59_000, 1],
      [1_000, 2],
      [299_000, 2],
      [1_000, 3],
      [899_000, 3],
    ] as const) {
      clock.advance(wait);
      await deliver(h);
      expect((await attempts()).attempts, `after waiting ${wait} ms`).toBe(expected);
    }
    clock.advance(1_000);
    expect(await deliver(h)).toEqual({ sent: 0, failed: 1 });
    expect(await attempts()).toMatchObject({ status: 'failed', attempts: 4 });
    const [r] = await h.deps.database.db.select().from(reminders).where(eq(reminders.taskId, taskId));
    expect(r!.status).toBe('failed');
    const failed = (await h.json('/api/audit?type=dev.taskwire.reminder.failed.v1')).body.entries;
    expect(failed).toHaveLength(1);
    expect(failed[0].details).toMatchObject({ channel: 'email', attempts: 4, taskIds: [taskId] });
    expect(failed[0].details.reason).toContain('mailbox unavailable');
    const kinds = (await h.json('/api/notifications')).body.notifications.map(
      (n: { kind: string }) => n.kind,
    );
    expect(kinds).toEqual(['reminder-failed', 'reminder']);
    expect(smtp.received).toHaveLength(0);
  });

  it('an attempt interrupted mid-send is never repeated over SMTP (at most once)', async () => {
    const smtp = await startSmtp();
    closers.push(smtp.close);
    const { clock, h } = await setUp({ SMTP_URL: smtp.url });
    // What a process killed between recording the attempt and hearing back leaves behind:
    await h.deps.database.db
      .update(emailDeliveries)
      .set({ status: 'sending', attempts: 1, leaseUntil: new Date('2026-03-08T18:46:00Z') });
    clock.set('2026-03-08T18:47:00Z');
    await deliver(h);
    expect(smtp.received).toHaveLength(0);
    expect((await h.deps.database.db.select().from(emailDeliveries))[0]).toMatchObject({ status: 'failed' });
  });
});

describe('reminder emails through Resend', () => {
  it('sends through the Resend API with an idempotency key that stays the same across retries', async () => {
    const resend = await startFakeResend('re_test_key');
    closers.push(resend.close);
    resend.failTimes(1);
    const { clock, h } = await setUp({ RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: resend.baseUrl });
    expect(await deliver(h)).toEqual({ sent: 0, failed: 0 });
    clock.advance(60_000);
    expect(await deliver(h)).toEqual({ sent: 1, failed: 0 });
    expect(resend.calls).toHaveLength(2);
    const [delivery] = await h.deps.database.db.select().from(emailDeliveries);
    for (const call of resend.calls) {
      expect(call.idempotencyKey).toBe(`taskwire-email-${delivery!.id}`);
      expect(call.body).toMatchObject({
        to: ['me@example.test'],
        subject: expect.stringContaining('Reminder: Call mom'),
      });
    }
    expect(delivery).toMatchObject({ status: 'sent', attempts: 2 });
    expect(delivery!.providerId).toBeTruthy();
    expect(resend.sent()).toBe(1);
  });

  it('an interrupted Resend attempt is retried safely: the idempotency key prevents a second email', async () => {
    const resend = await startFakeResend('re_test_key');
    closers.push(resend.close);
    const { clock, h } = await setUp({ RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: resend.baseUrl });
    expect(await deliver(h)).toEqual({ sent: 1, failed: 0 });
    // Pretend the process died after Resend accepted but before the row said so.
    await h.deps.database.db
      .update(emailDeliveries)
      .set({ status: 'sending', leaseUntil: new Date('2026-03-08T18:46:00Z') });
    clock.set('2026-03-08T18:47:00Z');
    expect(await deliver(h)).toEqual({ sent: 1, failed: 0 });
    expect(resend.calls).toHaveLength(2);
    expect(resend.sent()).toBe(1);
  });
});

describe('without an email provider', () => {
  it('email reminders are shown in-app only', async () => {
    const { h } = await setUp({});
    expect((await h.json('/api/notifications')).body.notifications).toHaveLength(1);
    expect(await h.deps.database.db.select().from(emailDeliveries)).toHaveLength(0);
  });
});
