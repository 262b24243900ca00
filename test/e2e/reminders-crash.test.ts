import { sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../core/db/client';
import { ServerProcess, tempDir } from '../support/server-process';
import { startSmtp } from '../support/smtp';

const servers: ServerProcess[] = [];
afterAll(async () => {
  for (const s of servers) await s.kill('SIGKILL');
});

/** Email reminders the audit trail shows as sent or failed for good. */
async function emailResolved(base: string): Promise<number> {
  const ids = new Set<string>();
  for (const type of ['sent', 'failed']) {
    const res = await fetch(`${base}/api/audit?type=dev.taskwire.reminder.${type}.v1&limit=200`);
    const body = (await res.json()) as { entries: { details: { channel: string; reminderIds: string[] } }[] };
    for (const e of body.entries)
      if (e.details.channel === 'email') for (const id of e.details.reminderIds) ids.add(id);
  }
  return ids.size;
}

async function post(base: string, path: string, body: unknown, method = 'POST') {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.status;
}

it('SIGKILL while reminders are firing: after restart none is lost and none is sent twice', async () => {
  const smtp = await startSmtp();
  const dataDir = tempDir('tw-rcrash-');
  const env = { DATA_DIR: dataDir, SMTP_URL: smtp.url, REMINDER_SWEEP_MS: '1000' };
  const first = new ServerProcess(env);
  servers.push(first);
  await first.start();
  expect(await post(first.base, '/api/settings', { email: 'me@example.test', timezone: 'UTC' }, 'PUT')).toBe(
    200,
  );
  const count = 150;
  const lead = Date.now() + 8_000;
  const creates = [];
  for (let i = 0; i < count; i++) {
    const due = new Date(lead + 60_000 + i * 20).toISOString(); // triggers spread over 3 s
    creates.push(
      post(first.base, '/api/tasks', {
        title: `Reminder ${i}`,
        due,
        reminders: [{ minutesBefore: 1, channel: i % 2 ? 'email' : 'in-app' }],
      }),
    );
  }
  expect((await Promise.all(creates)).every((s) => s === 201)).toBe(true);
  // Kill in the middle of the firing window.
  await new Promise((r) => setTimeout(r, Math.max(0, lead + 1_500 - Date.now())));
  await first.kill('SIGKILL');

  const second = new ServerProcess({ ...env });
  servers.push(second);
  await second.start();
  const deadline = Date.now() + 60_000;
  let pending = count;
  while (Date.now() < deadline) {
    const res = (await (await fetch(`${second.base}/api/notifications?limit=200`)).json()) as {
      notifications: { taskIds: string[] }[];
    };
    pending = count - res.notifications.reduce((n, x) => n + x.taskIds.length, 0);
    if (pending <= 0 && (await emailResolved(second.base)) >= count / 2) break;

    await new Promise((r) => setTimeout(r, 250));
  }

  await second.stop();

  const db = await openDatabase({ dataDir });
  const reminders = await db.rows<{ id: string; status: string; channel: string }>(
    sql`select id, status, channel from reminders`,
  );
  const notified = await db.rows<{ id: string }>(
    sql`select jsonb_array_elements_text(reminder_ids) as id from notifications where kind in ('reminder', 'digest')`,
  );
  const emailed = await db.rows<{ id: string; status: string }>(
    sql`select jsonb_array_elements_text(reminder_ids) as id, status from email_deliveries`,
  );
  const deliveries = await db.rows<{ id: string; status: string; last_error: string | null }>(
    sql`select id, status, last_error from email_deliveries`,
  );
  await db.close();
  await smtp.close();

  expect(reminders).toHaveLength(count);
  expect(reminders.filter((r) => r.status !== 'sent' && r.status !== 'failed')).toEqual([]);
  // Every reminder reached the app exactly once.
  expect(notified.map((n) => n.id).sort()).toEqual(reminders.map((r) => r.id).sort());
  // Every email reminder got exactly one delivery, and no delivery reached the SMTP server twice.
  const emailReminders = reminders
    .filter((r) => r.channel === 'email')
    .map((r) => r.id)
    .sort();
  expect(emailed.map((e) => e.id).sort()).toEqual(emailReminders);
  const perDelivery = new Map<string, number>();
  for (const mail of smtp.received) {
    const key = mail.headers['x-taskwire-delivery'] ?? '';
    perDelivery.set(key, (perDelivery.get(key) ?? 0) + 1);
  }
  expect([...perDelivery.values()].every((n) => n === 1)).toBe(true);
  // Every delivery recorded as sent reached the server (once, above).
  const keyOf = (id: string) => `taskwire-email-${id}`;
  for (const d of deliveries.filter((x) => x.status === 'sent')) expect(perDelivery.get(keyOf(d.id))).toBe(1);
  // Anything else the server got was in flight when the process died: SMTP has no idempotency, so
  // such an attempt is recorded as failed and never repeated (at most once), even though the
  // server may have taken the message just before the kill.
  const byKey = new Map(deliveries.map((d) => [keyOf(d.id), d]));
  for (const key of perDelivery.keys()) {
    const d = byKey.get(key);
    expect(d, `an email the server got (${key}) has its delivery row`).toBeDefined();
    if (d!.status !== 'sent') expect(d!.last_error).toMatch(/stopped mid-attempt/);
  }
  // An attempt cut off by the kill is failed (at most once), never left hanging.
  expect(deliveries.filter((d) => d.status !== 'sent' && d.status !== 'failed')).toEqual([]);
}, 120_000);
