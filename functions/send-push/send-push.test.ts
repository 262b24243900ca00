/**
 * send-push alone, in process on PGlite: its handler queues a push per subscription for a
 * reminder.due, and its tick sends them to a real local HTTPS push service
 * (test/support/push-service.ts) that decrypts each message and verifies its VAPID token.
 *
 * Trust: the push service's certificate comes from a CA made for this file. `sendPush` uses
 * node:https's default agent, so the process's trust settings decide; NODE_EXTRA_CA_CERTS is read
 * only when a process starts (test/push/web-push.test.ts starts a server process with it), so here
 * the CA is added to the default agent's trust (the bundled roots plus this CA) for this file's
 * worker only (vitest isolates each file), and restored afterwards. The first network test shows
 * TLS is really checked: before the CA is trusted, the push is refused at the handshake and waits
 * for a retry.
 */
import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { notifications, pushDeliveries, pushSubscriptions } from '../../core/db/schema';
import { NotificationCreated } from '../../core/events/catalog';
import { claimPush } from '../../core/push/queue';
import { saveSubscription } from '../../core/push/subscriptions';
import { putSettings } from '../../core/settings/settings';
import { claimDue, type FunctionKit, functionKit, taskWithReminders } from '../../test/support/function-kit';
import {
  type IssuedSubscription,
  makeTestCa,
  type PushService,
  startPushService,
  type TestCa,
} from '../../test/support/push-service';
import { invocationContext } from '../_runtime/invoke';
import sendPush from '.';

let kit: FunctionKit;
afterEach(async () => kit?.close());

const ZONE = 'America/New_York';
const dueText = (due: Date) =>
  new Intl.DateTimeFormat('en-US', {
    timeZone: ZONE,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(due);

/** A subscription as a browser would send it, to a push service this test never reaches. */
function unreachable() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint: `https://push.example.net/send/${randomBytes(8).toString('hex')}`,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
  };
}

async function subscribe(sub: { endpoint: string; keys: { p256dh: string; auth: string } }) {
  const saved = await saveSubscription(
    kit.db,
    { endpoint: sub.endpoint, keys: sub.keys, expirationTime: null },
    kit.clock.now(),
    randomUUID,
  );
  return saved.subscription;
}

/**
 * A 'Call mom' task due `dueInMin` minutes after `start` with a reminder 15 minutes before, the
 * kit's clock moved to when it fires, and the reminder.due that announces it.
 */
async function fired(start: Date, dueInMin = 60) {
  const due = new Date(start.getTime() + dueInMin * 60_000);
  await putSettings(kit.db, { timezone: ZONE }, kit.clock.now());
  const task = await taskWithReminders(kit, {
    title: 'Call mom',
    due: due.toISOString(),
    reminders: [{ minutesBefore: 15, channel: 'in-app' }],
  });
  kit.clock.set(new Date(due.getTime() - 15 * 60_000));
  return { task, due, event: await claimDue(kit) };
}

const deliveries = () => kit.db.select().from(pushDeliveries).orderBy(pushDeliveries.createdAt);
const delivery = async (id: string) =>
  (await kit.db.select().from(pushDeliveries).where(eq(pushDeliveries.id, id)))[0]!;
type Counts = { sent: number; retried: number; gone: number; failed: number };
const tick = async () => (await kit.tick()) as Counts;

describe('send-push: the handler', () => {
  it('queues one push per subscription, naming the task and its due time, and wakes the sender', async () => {
    kit = await functionKit(sendPush, { now: '2026-03-08T17:00:00Z' });
    const a = await subscribe(unreachable());
    const b = await subscribe(unreachable());
    const { task, due, event } = await fired(kit.clock.now());
    expect(await kit.deliver(event)).toBe('processed');
    const rows = await deliveries();
    expect(rows.map((r) => r.subscriptionId).sort()).toEqual([a.id, b.id].sort());
    for (const row of rows) {
      expect(row).toMatchObject({
        status: 'pending',
        attempts: 0,
        sourceEventId: event.id,
        taskIds: [task.id],
        nextAttemptAt: kit.clock.now(),
      });
      expect(row.payload).toEqual({
        title: 'Call mom',
        body: `Due ${dueText(due)} (in 15 minutes)`,
        url: `/tasks/${task.id}`,
        tag: `taskwire-${event.subject}`,
        taskIds: [task.id],
        at: kit.clock.now().toISOString(),
      });
    }
    expect(kit.woken).toEqual(['send-push']);
    expect(await sendPush.tick!.nextRun!(kit.deps)).toEqual(kit.clock.now());
  });

  it('the same reminder.due delivered twice queues nothing more', async () => {
    kit = await functionKit(sendPush, { now: '2026-03-08T17:00:00Z' });
    await subscribe(unreachable());
    await subscribe(unreachable());
    const { event } = await fired(kit.clock.now());
    expect(await kit.deliver(event)).toBe('processed');
    expect(await kit.deliver(event)).toBe('duplicate');
    // Past the runtime's dedupe too (a second process could take the event before the first
    // committed): the handler itself queues nothing twice, and wakes nobody for nothing.
    const again = await kit.db.transaction((tx) =>
      sendPush.handler!({
        ...invocationContext(kit.instance),
        event,
        tx,
        local: kit.instance.local,
      }),
    );
    expect(again?.after).toBeUndefined();
    expect(kit.woken).toEqual(['send-push']);
    expect(await deliveries()).toHaveLength(2);
  });

  it('without subscriptions it queues nothing and wakes nobody', async () => {
    kit = await functionKit(sendPush, { now: '2026-03-08T17:00:00Z' });
    const { event } = await fired(kit.clock.now());
    expect(await kit.deliver(event)).toBe('processed');
    expect(await deliveries()).toEqual([]);
    expect(kit.woken).toEqual([]);
    expect(await sendPush.tick!.nextRun!(kit.deps)).toBeNull();
  });
});

describe('send-push: the tick without a network', () => {
  it('an attempt cut off mid-sending (its lease ran out) fails, is shown under the bell, and is never repeated', async () => {
    kit = await functionKit(sendPush, { now: '2026-03-08T17:00:00Z' });
    await subscribe(unreachable());
    const { task, event } = await fired(kit.clock.now());
    await kit.deliver(event);
    const [queued] = await deliveries();
    // What a process killed between recording the attempt and hearing back leaves behind:
    await claimPush(kit.deps.database, kit.clock.now(), 'a-dead-process', 30_000);
    expect(await sendPush.tick!.nextRun!(kit.deps)).toBeNull();
    kit.clock.advance(29_000);
    expect(await tick()).toEqual({ sent: 0, retried: 0, gone: 0, failed: 0 });
    expect(await delivery(queued!.id)).toMatchObject({ status: 'sending', attempts: 1 });
    kit.clock.advance(1_000);
    expect(await tick()).toEqual({ sent: 0, retried: 0, gone: 0, failed: 1 });
    const row = await delivery(queued!.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null });
    expect(row.lastError).toMatch(/never pushed twice/);
    const [n] = await kit.db.select().from(notifications);
    expect(n).toMatchObject({
      kind: 'reminder-failed',
      title: 'A reminder could not be pushed to a device',
      taskIds: [task.id],
      reminderIds: queued!.reminderIds,
    });
    expect(n!.body).toMatch(/^Call mom — the sending process stopped mid-attempt/);
    expect(await kit.emitted()).toEqual([
      expect.objectContaining({
        type: NotificationCreated.type,
        subject: n!.id,
        data: expect.objectContaining({
          notification: expect.objectContaining({ id: n!.id, kind: 'reminder-failed' }),
          actor: 'system:send-push',
        }),
      }),
    ]);
    kit.clock.advance(3600_000);
    expect(await tick()).toEqual({ sent: 0, retried: 0, gone: 0, failed: 0 });
    expect(await delivery(queued!.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await kit.emitted()).toHaveLength(1);
  });
});

describe('send-push: the tick against a local HTTPS push service', () => {
  let ca: TestCa;
  let push: PushService;
  const agentCa = https.globalAgent.options.ca;
  const trustCa = () => {
    https.globalAgent.options.ca = [...rootCertificates, ca.ca];
  };
  beforeAll(async () => {
    ca = makeTestCa();
    push = await startPushService(ca);
  });
  afterAll(async () => {
    https.globalAgent.options.ca = agentCa;
    https.globalAgent.destroy();
    await push?.close();
  });

  const pushesTo = (sub: IssuedSubscription) => push.received.filter((r) => r.subscriptionId === sub.id);
  /** The JWT is checked against the real time, so the kit's clock starts now. */
  const start = async () => {
    kit = await functionKit(sendPush, {
      now: new Date(),
      env: { VAPID_SUBJECT: 'mailto:ops@example.org' },
    });
  };

  it('a push service the process does not trust is refused at the TLS handshake: nothing arrives, the push waits for a retry', async () => {
    https.globalAgent.options.ca = agentCa;
    https.globalAgent.destroy();
    await start();
    const sub = push.subscribe();
    await subscribe(sub);
    const { event } = await fired(kit.clock.now());
    await kit.deliver(event);
    const before = push.requests();
    expect(await tick()).toEqual({ sent: 0, retried: 1, gone: 0, failed: 0 });
    expect(push.requests()).toBe(before);
    const [row] = await deliveries();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null });
    expect(row!.lastError).toMatch(/certificate/i);
  });

  it('a 2xx sends it once, encrypted for the subscription, signed with VAPID', async () => {
    trustCa();
    await start();
    const sub = push.subscribe();
    await subscribe(sub);
    const { task, due, event } = await fired(kit.clock.now());
    await kit.deliver(event);
    expect(await tick()).toEqual({ sent: 1, retried: 0, gone: 0, failed: 0 });
    expect(push.rejected.filter((r) => r.subscriptionId === sub.id)).toEqual([]);
    const [received] = pushesTo(sub);
    expect(received!.payload).toMatchObject({
      title: 'Call mom',
      body: `Due ${dueText(due)} (in 15 minutes)`,
      url: `/tasks/${task.id}`,
    });
    expect(received!.jwt.claims).toMatchObject({ aud: push.origin, sub: 'mailto:ops@example.org' });
    expect(received!.urgency).toBe('high');
    const [row] = await deliveries();
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastStatus: 201, sentAt: kit.clock.now() });
    expect(received!.topic).toBe(row!.id.replace(/-/g, ''));
    kit.clock.advance(3600_000);
    expect(await tick()).toEqual({ sent: 0, retried: 0, gone: 0, failed: 0 });
    expect(pushesTo(sub)).toHaveLength(1);
    expect(await sendPush.tick!.nextRun!(kit.deps)).toBeNull();
  });

  it('a 404 or a 410 removes the subscription; its delivery stays on record as gone', async () => {
    trustCa();
    await start();
    const expired = push.subscribe();
    const gone = push.subscribe();
    const kept = push.subscribe();
    push.answerAlways(expired.id, 404);
    push.answerAlways(gone.id, 410);
    for (const s of [expired, gone, kept]) await subscribe(s);
    const { event } = await fired(kit.clock.now());
    await kit.deliver(event);
    expect(await tick()).toEqual({ sent: 1, retried: 0, gone: 2, failed: 0 });
    expect((await kit.db.select().from(pushSubscriptions)).map((s) => s.endpoint)).toEqual([kept.endpoint]);
    const rows = await deliveries();
    expect(
      rows
        .filter((r) => r.subscriptionId === null)
        .map((r) => [r.status, r.lastStatus])
        .sort(),
    ).toEqual([
      ['gone', 404],
      ['gone', 410],
    ]);
    kit.clock.advance(3600_000);
    await tick();
    expect(pushesTo(expired).map((r) => r.status)).toEqual([404]);
    expect(pushesTo(gone).map((r) => r.status)).toEqual([410]);
  });

  it('a 5xx is retried after 1, 5 and 15 minutes under the same topic, then fails for good under the bell', async () => {
    trustCa();
    await start();
    const sub = push.subscribe();
    push.answerAlways(sub.id, 500);
    await subscribe(sub);
    const { task, event } = await fired(kit.clock.now());
    await kit.deliver(event);
    expect(await tick()).toEqual({ sent: 0, retried: 1, gone: 0, failed: 0 });
    const [queued] = await deliveries();
    expect(await delivery(queued!.id)).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500 });
    expect(await sendPush.tick!.nextRun!(kit.deps)).toEqual(new Date(kit.clock.now().getTime() + 60_000));
    for (const [wait, expected] of [
      [59_000, 1],
      [1_000, 2],
      [299_000, 2],
      [1_000, 3],
      [899_000, 3],
    ] as const) {
      kit.clock.advance(wait);
      await tick();
      expect(pushesTo(sub), `after waiting ${wait} ms`).toHaveLength(expected);
    }
    kit.clock.advance(1_000);
    expect(await tick()).toEqual({ sent: 0, retried: 0, gone: 0, failed: 1 });
    expect(pushesTo(sub).map((r) => r.status)).toEqual([500, 500, 500, 500]);
    expect(new Set(pushesTo(sub).map((r) => r.topic)).size).toBe(1);
    const row = await delivery(queued!.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 4, lastStatus: 500 });
    expect(row.lastError).toMatch(/answered 500/);
    const [n] = await kit.db.select().from(notifications);
    expect(n).toMatchObject({ kind: 'reminder-failed', taskIds: [task.id] });
    expect((await kit.emitted(NotificationCreated)).map((e) => e.subject)).toEqual([n!.id]);
    kit.clock.advance(3600_000);
    expect(await tick()).toEqual({ sent: 0, retried: 0, gone: 0, failed: 0 });
    expect(pushesTo(sub)).toHaveLength(4);
  });
});
