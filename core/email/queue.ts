/**
 * The queue of reminder emails, and the only code that touches `email_deliveries`.
 *
 * A row is `pending` (due at `next_attempt_at`), `sending` (an attempt is under way: claimed, with
 * its attempt counted, BEFORE the provider is called), `sent` or `failed`. Claims use
 * `FOR UPDATE SKIP LOCKED`, so several senders never take the same email.
 */
import { and, eq, lte, min, sql } from 'drizzle-orm';
import type { Database, Db } from '../db/client';
import { emailDeliveries } from '../db/schema';

export type QueuedEmail = typeof emailDeliveries.$inferSelect;

export interface EmailToSend {
  id: string;
  notificationId: string;
  reminderIds: string[];
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Queues an email, due now, in the caller's transaction (with the notification it belongs to). */
export async function enqueueEmail(tx: Db, email: EmailToSend, now: Date): Promise<void> {
  await tx.insert(emailDeliveries).values({
    id: email.id,
    notificationId: email.notificationId,
    reminderIds: email.reminderIds,
    toAddress: email.to,
    subject: email.subject,
    textBody: email.text,
    htmlBody: email.html,
    status: 'pending',
    nextAttemptAt: now,
    createdAt: now,
  });
}

/** When the next pending email is due (null when none is). */
export async function nextEmailDue(db: Db): Promise<Date | null> {
  const [row] = await db
    .select({ at: min(emailDeliveries.nextAttemptAt) })
    .from(emailDeliveries)
    .where(eq(emailDeliveries.status, 'pending'));
  return row?.at ?? null;
}

/**
 * Takes the next due email: status `sending`, attempts + 1, a lease of `leaseMs`, committed on its
 * own before the provider is called, so an attempt is on record even if the process dies mid-send.
 */
export async function claimEmail(
  database: Database,
  now: Date,
  owner: string,
  leaseMs: number,
): Promise<QueuedEmail | undefined> {
  const rows = await database.rows<{ id: string }>(sql`
    update email_deliveries set status = 'sending', attempts = attempts + 1,
      lease_until = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz, lease_owner = ${owner}
    where id = (
      select id from email_deliveries
      where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
      order by next_attempt_at limit 1 for update skip locked)
    returning id`);
  if (rows.length === 0) return undefined;
  const [row] = await database.db.select().from(emailDeliveries).where(eq(emailDeliveries.id, rows[0]!.id));
  return row;
}

/** The provider took it. */
export async function emailSucceeded(tx: Db, id: string, at: Date, providerId: string | null): Promise<void> {
  await tx
    .update(emailDeliveries)
    .set({ status: 'sent', sentAt: at, providerId, leaseUntil: null })
    .where(eq(emailDeliveries.id, id));
}

/** Failed for good: never tried again. */
export async function emailFailed(tx: Db, id: string, reason: string): Promise<void> {
  await tx
    .update(emailDeliveries)
    .set({ status: 'failed', lastError: reason, leaseUntil: null, nextAttemptAt: null })
    .where(eq(emailDeliveries.id, id));
}

/**
 * Back to `pending`, due at `at` (a retry after a failed attempt, or an interrupted attempt a
 * provider with idempotency keys may simply repeat). Only a row still `sending` is released.
 */
export async function releaseEmail(db: Db, id: string, at: Date, reason?: string): Promise<void> {
  await db
    .update(emailDeliveries)
    .set({ status: 'pending', nextAttemptAt: at, leaseUntil: null, ...(reason ? { lastError: reason } : {}) })
    .where(and(eq(emailDeliveries.id, id), eq(emailDeliveries.status, 'sending')));
}

/** Attempts whose lease ran out: the process making them stopped mid-send. */
export async function interruptedEmails(db: Db, now: Date): Promise<QueuedEmail[]> {
  return db
    .select()
    .from(emailDeliveries)
    .where(and(eq(emailDeliveries.status, 'sending'), lte(emailDeliveries.leaseUntil, now)));
}

/**
 * Ends every attempt's lease now. Only for a database no other process can reach (PGlite is opened
 * by one process): the attempts a dead process was making are then resolved at once.
 */
export async function expireEmailLeases(db: Db): Promise<void> {
  await db.execute(sql`update email_deliveries set lease_until = now() where status = 'sending'`);
}
