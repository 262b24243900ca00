/**
 * The queue of pushes, and the only code that touches `push_deliveries`. It mirrors the email
 * queue: a row is `pending` (due at `next_attempt_at`), `sending` (claimed with its attempt counted
 * BEFORE the push service is called), then `sent`, `failed`, `gone` (the push service said the
 * subscription no longer exists) or `cancelled` (the subscription was removed first). Claims use
 * `FOR UPDATE SKIP LOCKED`, so several senders never take the same push.
 */
import { and, eq, lte, min, sql } from 'drizzle-orm';
import type { Database, Db } from '../db/client';
import { pushDeliveries, pushSubscriptions } from '../db/schema';

export type QueuedPush = typeof pushDeliveries.$inferSelect;

export interface PushToQueue {
  /** The reminder.due event announcing it: a redelivered event queues nothing twice. */
  sourceEventId: string;
  reminderIds: string[];
  taskIds: string[];
  payload: unknown;
}

/**
 * Queues one push per subscription, due now, in the caller's transaction. Returns how many were
 * queued (0 without subscriptions, or for an event queued before).
 */
export async function enqueuePushes(
  tx: Db,
  push: PushToQueue,
  now: Date,
  newId: () => string,
): Promise<number> {
  const subscriptions = await tx.select({ id: pushSubscriptions.id }).from(pushSubscriptions);
  if (subscriptions.length === 0) return 0;
  const rows = await tx
    .insert(pushDeliveries)
    .values(
      subscriptions.map((s) => ({
        id: newId(),
        subscriptionId: s.id,
        sourceEventId: push.sourceEventId,
        reminderIds: push.reminderIds,
        taskIds: push.taskIds,
        payload: push.payload,
        status: 'pending',
        nextAttemptAt: now,
        createdAt: now,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: pushDeliveries.id });
  return rows.length;
}

/** When the next pending push is due (null when none is). */
export async function nextPushDue(db: Db): Promise<Date | null> {
  const [row] = await db
    .select({ at: min(pushDeliveries.nextAttemptAt) })
    .from(pushDeliveries)
    .where(eq(pushDeliveries.status, 'pending'));
  return row?.at ?? null;
}

export interface ClaimedPush {
  delivery: QueuedPush;
  subscription: typeof pushSubscriptions.$inferSelect;
}

/**
 * Takes the next due push: status `sending`, attempts + 1, a lease of `leaseMs`, committed on its
 * own before the push service is called, so an attempt is on record even if the process dies
 * mid-request. Returns it with the subscription to push to.
 */
export async function claimPush(
  database: Database,
  now: Date,
  owner: string,
  leaseMs: number,
): Promise<ClaimedPush | undefined> {
  const rows = await database.rows<{ id: string }>(sql`
    update push_deliveries set status = 'sending', attempts = attempts + 1,
      lease_until = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz, lease_owner = ${owner}
    where id = (
      select id from push_deliveries
      where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
      order by next_attempt_at limit 1 for update skip locked)
    returning id`);
  if (rows.length === 0) return undefined;
  const [row] = await database.db
    .select({ delivery: pushDeliveries, subscription: pushSubscriptions })
    .from(pushDeliveries)
    .innerJoin(pushSubscriptions, eq(pushSubscriptions.id, pushDeliveries.subscriptionId))
    .where(eq(pushDeliveries.id, rows[0]!.id));
  if (row) return row;
  // The subscription went away between the claim and now: nothing to push to.
  await finishPush(database.db, rows[0]!.id, 'cancelled', { reason: 'the subscription was removed' });
  return claimPush(database, now, owner, leaseMs);
}

/** Ends a push: `sent` (the push service took it), or for good `failed` / `gone` / `cancelled`. */
export async function finishPush(
  db: Db,
  id: string,
  status: 'sent' | 'failed' | 'gone' | 'cancelled',
  outcome: { at?: Date; httpStatus?: number; reason?: string } = {},
): Promise<void> {
  await db
    .update(pushDeliveries)
    .set({
      status,
      leaseUntil: null,
      nextAttemptAt: null,
      ...(status === 'sent' ? { sentAt: outcome.at ?? null } : {}),
      ...(outcome.httpStatus !== undefined ? { lastStatus: outcome.httpStatus } : {}),
      ...(outcome.reason !== undefined ? { lastError: outcome.reason } : {}),
    })
    .where(eq(pushDeliveries.id, id));
}

/** Back to `pending`, due at `at`: a retry after a failed attempt. Only a row still `sending`. */
export async function releasePush(
  db: Db,
  id: string,
  at: Date,
  outcome: { httpStatus?: number; reason: string },
): Promise<void> {
  await db
    .update(pushDeliveries)
    .set({
      status: 'pending',
      nextAttemptAt: at,
      leaseUntil: null,
      lastError: outcome.reason,
      ...(outcome.httpStatus !== undefined ? { lastStatus: outcome.httpStatus } : {}),
    })
    .where(and(eq(pushDeliveries.id, id), eq(pushDeliveries.status, 'sending')));
}

/** Cancels what waits to be pushed to a subscription being removed (its own transaction's caller). */
export async function cancelPushesTo(tx: Db, subscriptionId: string, reason: string): Promise<void> {
  await tx
    .update(pushDeliveries)
    .set({ status: 'cancelled', nextAttemptAt: null, lastError: reason })
    .where(and(eq(pushDeliveries.subscriptionId, subscriptionId), eq(pushDeliveries.status, 'pending')));
}

/** Attempts whose lease ran out: the process making them stopped mid-request. */
export async function interruptedPushes(db: Db, now: Date): Promise<QueuedPush[]> {
  return db
    .select()
    .from(pushDeliveries)
    .where(and(eq(pushDeliveries.status, 'sending'), lte(pushDeliveries.leaseUntil, now)));
}

/**
 * Ends every attempt's lease now. Only for a database no other process can reach (PGlite is opened
 * by one process): the attempts a dead process was making are then resolved at once.
 */
export async function expirePushLeases(db: Db): Promise<void> {
  await db.execute(sql`update push_deliveries set lease_until = now() where status = 'sending'`);
}
