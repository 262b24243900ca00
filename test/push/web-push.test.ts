/**
 * Web Push end to end: a real Taskwire process (`npm start`'s runtime, on PostgreSQL so the test can
 * read its tables) pushes fired reminders over real HTTPS to a local push service that decrypts every
 * message with the subscription's keys and verifies the VAPID token (test/support/push-service.ts).
 * The push service's certificate comes from a CA made for this run, which the server trusts only
 * through NODE_EXTRA_CA_CERTS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newDatabase, sqlClient, waitFor } from '../kafka/support';
import {
  type IssuedSubscription,
  makeTestCa,
  type PushService,
  startPushService,
  subscriptionJson,
  type TestCa,
} from '../support/push-service';
import { ServerProcess } from '../support/server-process';

let ca: TestCa;
let push: PushService;
const servers: ServerProcess[] = [];
const clients: ReturnType<typeof sqlClient>[] = [];

beforeAll(async () => {
  ca = makeTestCa();
  push = await startPushService(ca);
});
afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const c of clients) await c.end({ timeout: 5 });
  await push?.close();
});

async function startServer(env: Record<string, string>) {
  const databaseUrl = await newDatabase();
  const server = new ServerProcess({ DATABASE_URL: databaseUrl, ...env });
  servers.push(server);
  await server.start(120_000);
  const sql = sqlClient(databaseUrl);
  clients.push(sql);
  const api = async (path: string, method = 'GET', json?: unknown) => {
    const res = await fetch(`${server.base}${path}`, {
      method,
      headers: json === undefined ? {} : { 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: responses are asserted field by field
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
  };
  return { server, sql, api };
}

/** A task whose 1-minute reminder fires about two seconds from now. */
async function taskWithReminderSoon(api: Awaited<ReturnType<typeof startServer>>['api'], title: string) {
  const due = new Date(Date.now() + 62_000);
  const res = await api('/api/tasks', 'POST', {
    title,
    due: due.toISOString(),
    reminders: [{ minutesBefore: 1 }],
  });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, due };
}

const pushesTo = (sub: IssuedSubscription) => push.received.filter((r) => r.subscriptionId === sub.id);

describe('Web Push through a local HTTPS push service', { timeout: 180_000 }, () => {
  let s: Awaited<ReturnType<typeof startServer>>;
  let ok: IssuedSubscription;
  let gone: IssuedSubscription;
  let expired: IssuedSubscription;
  let flaky: IssuedSubscription;
  let broken: IssuedSubscription;
  let task: { id: string; due: Date };

  beforeAll(async () => {
    s = await startServer({
      NODE_EXTRA_CA_CERTS: ca.caFile,
      PUSH_RETRY_DELAYS: '1,1',
      REMINDER_SWEEP_MS: '1000',
      VAPID_SUBJECT: 'mailto:ops@example.org',
    });
    ok = push.subscribe();
    gone = push.subscribe();
    expired = push.subscribe();
    flaky = push.subscribe();
    broken = push.subscribe();
    push.answerAlways(gone.id, 410);
    push.answerAlways(expired.id, 404);
    push.answer(flaky.id, 503);
    push.answerAlways(broken.id, 500);
    for (const sub of [ok, gone, expired, flaky, broken]) {
      expect((await s.api('/api/push/subscriptions', 'POST', subscriptionJson(sub))).status).toBe(201);
    }
    expect((await s.api('/api/settings', 'PUT', { timezone: 'America/New_York' })).status).toBe(200);
    task = await taskWithReminderSoon(s.api, 'Call mom');
  }, 180_000);

  it('the fired reminder reaches each subscription encrypted for it, with a verified VAPID token', async () => {
    await waitFor(
      'the push to the working subscription',
      () => pushesTo(ok).length,
      (n) => n >= 1,
      30_000,
    );
    expect(push.rejected).toEqual([]);
    const [received] = pushesTo(ok);
    expect(received!.payload).toMatchObject({
      title: 'Call mom',
      url: `/tasks/${task.id}`,
      taskIds: [task.id],
      tag: expect.stringMatching(/^taskwire-/),
    });
    const dueText = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    }).format(task.due);
    expect((received!.payload as { body: string }).body).toBe(`Due ${dueText} (in 1 minute)`);
    // `at` is when the reminder fired: at or after its trigger, and before the push arrived.
    const firedAt = Date.parse((received!.payload as { at: string }).at);
    expect(firedAt).toBeGreaterThanOrEqual(task.due.getTime() - 60_000);
    expect(firedAt).toBeLessThanOrEqual(received!.at);
    expect(received!.jwt.claims).toMatchObject({ aud: push.origin, sub: 'mailto:ops@example.org' });
    expect(received!.jwt.header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(received!.ttl).toBeGreaterThan(86_000);
    expect(received!.ttl).toBeLessThanOrEqual(86_400);
    expect(received!.urgency).toBe('high');
    expect(received!.topic).toMatch(/^[0-9a-f]{32}$/);
    expect(received!.recordSize).toBe(4096);
    expect((received!.plaintext.length + 1 + received!.padding) % 64).toBe(0);
    // The public key it signed with is the one browsers subscribed with.
    const { publicKey } = (await s.api('/api/push/key')).body;
    const [row] = await s.sql`select public_key from push_vapid_keys`;
    expect(row!.public_key).toBe(publicKey);
  });

  it('a 404 or a 410 removes the subscription; a 503 is retried and then taken, under the same topic', async () => {
    await waitFor(
      'the retried push',
      () => pushesTo(flaky).length,
      (n) => n >= 2,
      30_000,
    );
    await waitFor(
      'the gone and expired subscriptions to be removed',
      async () =>
        (
          await s.sql`select count(*)::int as n from push_subscriptions
            where endpoint in ${s.sql([gone.endpoint, expired.endpoint])}`
        )[0]!.n,
      (n) => n === 0,
      30_000,
    );
    expect(pushesTo(gone).map((r) => r.status)).toEqual([410]);
    expect(pushesTo(expired).map((r) => r.status)).toEqual([404]);
    expect(pushesTo(flaky).map((r) => r.status)).toEqual([503, 201]);
    expect(new Set(pushesTo(flaky).map((r) => r.topic)).size).toBe(1);
    // The push service has answered; the sender records the answer a moment later.
    await waitFor(
      'the retried delivery to be settled',
      async () =>
        (
          await s.sql`select d.status from push_deliveries d
            join push_subscriptions s on s.id = d.subscription_id where s.endpoint = ${flaky.endpoint}`
        )[0]?.status,
      (status) => status !== undefined && status !== 'pending' && status !== 'sending',
      30_000,
    );
    const rows = await s.sql`
      select s.endpoint, d.status, d.attempts, d.last_status from push_deliveries d
      left join push_subscriptions s on s.id = d.subscription_id order by d.created_at`;
    const byEndpoint = new Map(rows.map((r) => [r.endpoint as string | null, r]));
    expect(byEndpoint.get(ok.endpoint)).toMatchObject({ status: 'sent', attempts: 1, last_status: 201 });
    expect(byEndpoint.get(flaky.endpoint)).toMatchObject({ status: 'sent', attempts: 2, last_status: 201 });
    // The removed subscriptions' deliveries stay on record, detached.
    const detached = rows
      .filter((r) => r.endpoint === null)
      .map((r) => ({ status: r.status, attempts: r.attempts, last_status: r.last_status }))
      .sort((a, b) => a.last_status - b.last_status);
    expect(detached).toEqual([
      { status: 'gone', attempts: 1, last_status: 404 },
      { status: 'gone', attempts: 1, last_status: 410 },
    ]);
  });

  it('a push service that keeps failing: tried on the retry schedule, then failed for good and shown under the bell', async () => {
    await waitFor(
      'the broken push to fail for good',
      async () =>
        (
          await s.sql`select d.status from push_deliveries d join push_subscriptions s on s.id = d.subscription_id
          where s.endpoint = ${broken.endpoint}`
        )[0]?.status,
      (status) => status === 'failed',
      30_000,
    );
    expect(pushesTo(broken).map((r) => r.status)).toEqual([500, 500, 500]);
    const { notifications } = (await s.api('/api/notifications')).body;
    const failed = notifications.filter((n: { kind: string }) => n.kind === 'reminder-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      title: 'A reminder could not be pushed to a device',
      taskIds: [task.id],
    });
    expect(failed[0].body).toContain('500');
  });

  it('nothing is pushed twice: no more requests arrive once every push is settled', async () => {
    const settled = push.requests();
    await new Promise((r) => setTimeout(r, 3000));
    expect(push.requests()).toBe(settled);
    expect(pushesTo(ok)).toHaveLength(1);
  });

  it('an attempt cut off mid-request (its process died) is never repeated', async () => {
    const [sub] = await s.sql`select id from push_subscriptions where endpoint = ${ok.endpoint}`;
    const before = push.requests();
    // What a process killed between recording the attempt and hearing back leaves behind:
    await s.sql`insert into push_deliveries
      (id, subscription_id, source_event_id, payload, status, attempts, lease_until, created_at)
      values (gen_random_uuid(), ${sub!.id}, 'interrupted-event', '{"title":"Interrupted"}', 'sending', 1,
              now() - interval '1 second', now())`;
    const [row] = await waitFor(
      'the interrupted attempt to be resolved',
      () => s.sql`select status, last_error from push_deliveries where source_event_id = 'interrupted-event'`,
      (rows) => rows[0]?.status !== 'sending',
      15_000,
    );
    expect(row).toMatchObject({
      status: 'failed',
      last_error: expect.stringContaining('never pushed twice'),
    });
    expect(push.requests()).toBe(before);
  });

  it('an unsubscribed browser gets nothing more', async () => {
    expect((await s.api('/api/push/subscriptions', 'DELETE', { endpoint: ok.endpoint })).status).toBe(204);
    const before = pushesTo(flaky).length;
    await taskWithReminderSoon(s.api, 'Water the plants');
    await waitFor(
      'the next push to a still-subscribed browser',
      () => pushesTo(flaky).length,
      (n) => n > before,
      30_000,
    );
    expect(pushesTo(flaky).at(-1)!.payload).toMatchObject({ title: 'Water the plants' });
    expect(pushesTo(ok)).toHaveLength(1);
  });
});

it('the push service is trusted only through the system trust settings: without NODE_EXTRA_CA_CERTS, TLS is refused and the push waits for a retry', {
  timeout: 180_000,
}, async () => {
  const s = await startServer({ PUSH_RETRY_DELAYS: '600' });
  const sub = push.subscribe();
  expect((await s.api('/api/push/subscriptions', 'POST', subscriptionJson(sub))).status).toBe(201);
  await taskWithReminderSoon(s.api, 'Untrusted');
  const [row] = await waitFor(
    'the first attempt',
    () => s.sql`select status, attempts, last_error from push_deliveries`,
    (rows) => rows[0]?.attempts === 1 && rows[0]?.status === 'pending',
    30_000,
  );
  expect(row!.last_error).toMatch(/certificate/i);
  expect(pushesTo(sub)).toHaveLength(0);
});
