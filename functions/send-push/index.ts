import { NotificationCreated, ReminderDue } from '../../core/events/catalog';
import { insertNotification } from '../../core/notifications/repository';
import { type VapidIdentity, vapidIdentityOnce } from '../../core/push/keys';
import { pushMessage } from '../../core/push/payload';
import {
  type ClaimedPush,
  claimPush,
  enqueuePushes,
  finishPush,
  interruptedPushes,
  nextPushDue,
  type QueuedPush,
  releasePush,
} from '../../core/push/queue';
import { sendPush } from '../../core/push/send';
import { removeSubscription } from '../../core/push/subscriptions';
import { defineFunction, type TickContext } from '../_runtime/define-function';

/** How long an attempt may take before the row is treated as interrupted (requests time out at 10 s). */
const SENDING_LEASE_MS = 30_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** A reminder pushed later than this is no use: the push service may drop it after this long. */
const TTL_MS = 24 * 3600_000;
/** Pushes in flight at once: a handful of devices get a reminder together, not one after another. */
const PARALLEL = 4;
const ACTOR = 'system:send-push';

type Outcome = 'sent' | 'retried' | 'gone' | 'failed';

interface Local {
  identity: () => Promise<VapidIdentity>;
}

/** Failed for good: on record, in the log, and under the bell, like an email that could not be sent. */
async function fail(ctx: TickContext<Local>, d: QueuedPush, reason: string, httpStatus?: number) {
  const now = ctx.deps.clock.now();
  const title = (d.payload as { title?: string }).title ?? 'A reminder';
  await ctx.transact(async (tx) => {
    await finishPush(tx, d.id, 'failed', { reason, ...(httpStatus ? { httpStatus } : {}) });
    const notification = await insertNotification(tx, {
      id: ctx.deps.newId(),
      kind: 'reminder-failed',
      title: 'A reminder could not be pushed to a device',
      body: `${title} — ${reason}`,
      taskIds: d.taskIds as string[],
      reminderIds: d.reminderIds as string[],
      createdAt: now,
    });
    return {
      value: undefined,
      emit: [
        NotificationCreated.create(
          { data: { notification, actor: ACTOR }, subject: notification.id, sequence: 1, time: now },
          ctx.meta,
        ),
      ],
    };
  });
  ctx.deps.metrics.pushDeliveries.inc({ outcome: 'failed' });
  ctx.log.error({ deliveryId: d.id, attempts: d.attempts, reason }, 'push failed for good');
}

/** Another attempt on the schedule (PUSH_RETRY_DELAYS), or the end when the schedule is spent. */
async function retryOrFail(
  ctx: TickContext<Local>,
  d: QueuedPush,
  reason: string,
  answer: { httpStatus?: number; retryAfterMs?: number } = {},
): Promise<Outcome> {
  const delay = ctx.deps.env.PUSH_RETRY_DELAYS[d.attempts - 1];
  if (delay === undefined) {
    await fail(ctx, d, reason, answer.httpStatus);
    return 'failed';
  }
  // The push service may ask for more patience (429 / 503 with Retry-After), never for less.
  const waitMs = Math.max(delay * 1000, answer.retryAfterMs ?? 0);
  const at = new Date(ctx.deps.clock.now().getTime() + waitMs);
  await releasePush(ctx.deps.database.db, d.id, at, {
    reason,
    ...(answer.httpStatus ? { httpStatus: answer.httpStatus } : {}),
  });
  ctx.deps.metrics.pushDeliveries.inc({ outcome: 'retried' });
  ctx.log.warn(
    { deliveryId: d.id, attempt: d.attempts, retryAt: at.toISOString(), reason },
    'push not taken; will retry',
  );
  return 'retried';
}

async function deliver(
  ctx: TickContext<Local>,
  claimed: ClaimedPush,
  identity: VapidIdentity,
): Promise<Outcome> {
  const { delivery: d, subscription: s } = claimed;
  const now = ctx.deps.clock.now();
  const ttlMs = d.createdAt.getTime() + TTL_MS - now.getTime();
  if (ttlMs < 1000) {
    await fail(ctx, d, 'not delivered within a day of the reminder; dropped');
    return 'failed';
  }
  let answer: Awaited<ReturnType<typeof sendPush>>;
  try {
    answer = await sendPush(s, JSON.stringify(d.payload), {
      vapid: identity,
      ttlSeconds: ttlMs / 1000,
      urgency: 'high',
      // The same topic for every attempt of this push: should a retry follow an attempt whose
      // answer was lost, the push service replaces the undelivered copy instead of adding one.
      topic: d.id.replace(/-/g, ''),
      now,
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
  } catch (err) {
    return retryOrFail(ctx, d, (err as Error).message.slice(0, 500));
  }
  if (answer.status >= 200 && answer.status < 300) {
    await finishPush(ctx.deps.database.db, d.id, 'sent', {
      at: ctx.deps.clock.now(),
      httpStatus: answer.status,
    });
    ctx.deps.metrics.pushDeliveries.inc({ outcome: 'sent' });
    return 'sent';
  }
  if (answer.status === 404 || answer.status === 410) {
    // RFC 8030 §7.3 / §8.2: the subscription expired or was revoked; it will never work again.
    const reason = `the push service answered ${answer.status}: the subscription is gone`;
    await ctx.transact(async (tx) => {
      await finishPush(tx, d.id, 'gone', { httpStatus: answer.status, reason });
      await removeSubscription(tx, { id: s.id }, reason);
      return { value: undefined };
    });
    ctx.deps.metrics.pushDeliveries.inc({ outcome: 'gone' });
    ctx.log.info({ deliveryId: d.id, status: answer.status }, 'push subscription gone; removed');
    return 'gone';
  }
  const text = answer.text ? `: ${answer.text.replace(/\s+/g, ' ').slice(0, 200)}` : '';
  return retryOrFail(ctx, d, `the push service answered ${answer.status}${text}`, {
    httpStatus: answer.status,
    ...(answer.retryAfterMs !== undefined ? { retryAfterMs: answer.retryAfterMs } : {}),
  });
}

export default defineFunction<Local>({
  id: 'send-push',
  description:
    'Pushes due reminders to every subscribed browser (Web Push: VAPID, aes128gcm), retrying on a schedule, never twice.',
  setup: (deps) => ({ identity: vapidIdentityOnce(deps.database.db, deps.env, () => deps.clock.now()) }),
  on: [ReminderDue],
  handler: async ({ event, tx, deps }) => {
    const due = ReminderDue.narrow(event).data;
    const now = deps.clock.now();
    const settings = await deps.settings.get(tx);
    const queued = await enqueuePushes(
      tx,
      {
        sourceEventId: event.id,
        reminderIds: due.reminders.map((r) => r.reminderId),
        taskIds: [...new Set(due.reminders.map((r) => r.taskId))],
        payload: pushMessage(due.reminders, {
          timeZone: settings.timezone,
          now,
          firedAt: due.firedAt,
          tag: `taskwire-${event.subject}`,
        }),
      },
      now,
      deps.newId,
    );
    return queued > 0 ? { after: () => deps.wake('send-push') } : {};
  },
  tick: {
    cron: '* * * * *',
    everyMs: (deps) => deps.env.REMINDER_SWEEP_MS,
    nextRun: (deps) => nextPushDue(deps.database.db),
    async run(ctx) {
      const counts: Record<Outcome, number> = { sent: 0, retried: 0, gone: 0, failed: 0 };
      // An attempt cut off mid-request has an unknown outcome: never repeated, so never pushed twice.
      for (const d of await interruptedPushes(ctx.deps.database.db, ctx.deps.clock.now())) {
        await fail(
          ctx,
          d,
          'the sending process stopped mid-attempt; not repeated, so it is never pushed twice',
        );
        counts.failed++;
      }
      const identity = await ctx.local.identity();
      // Claims one at a time (the first push leaves after one claim), with up to PARALLEL requests
      // in flight. An unexpected error stops the claiming; the requests already out are awaited
      // before it is thrown, so none is cut off mid-attempt by this run.
      const inFlight = new Set<Promise<void>>();
      let error: { cause: unknown } | undefined;
      while (!ctx.signal.aborted && !error) {
        const claimed = await claimPush(
          ctx.deps.database,
          ctx.deps.clock.now(),
          ctx.meta.correlationId,
          SENDING_LEASE_MS,
        );
        if (!claimed) break;
        const sending: Promise<void> = deliver(ctx, claimed, identity)
          .then(
            (outcome) => void counts[outcome]++,
            (cause: unknown) => {
              error ??= { cause };
            },
          )
          .finally(() => inFlight.delete(sending));
        inFlight.add(sending);
        if (inFlight.size >= PARALLEL) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      if (error) throw error.cause;
      return counts;
    },
  },
});
