/**
 * Browsers' push subscriptions, and the only code that touches `push_subscriptions`.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { pushSubscriptions } from '../db/schema';
import { UnprocessableError } from '../errors';
import { isP256PublicKey } from './crypto';
import { cancelPushesTo } from './queue';

/** 65 bytes starting 0x04 (an uncompressed point), base64url: 87 characters, the first `B`. */
const P256DH = /^B[A-Za-z0-9_-]{86}=?$/;
/** 16 bytes, base64url: 22 characters. */
const AUTH = /^[A-Za-z0-9_-]{22}(==)?$/;
const P256DH_MESSAGE = 'base64url of an uncompressed P-256 public key (65 bytes)';
const ENDPOINT_MAX = 2048;

/**
 * A browser's `PushSubscription.toJSON()`. Fields a browser may add later are ignored rather than
 * refused: a subscription that fails here never gets a reminder.
 */
export const PushSubscriptionInput = z.object({
  endpoint: z
    .url({ protocol: /^https$/, error: 'the push service URL (https)' })
    .max(ENDPOINT_MAX, `at most ${ENDPOINT_MAX} characters`),
  expirationTime: z.number().nonnegative().nullable().optional(),
  keys: z.object({
    // The shapes are in the OpenAPI document (400 when not met); whether p256dh is a point on the
    // curve no document can state: saveSubscription refuses that with a 422.
    p256dh: z.string().regex(P256DH, P256DH_MESSAGE),
    auth: z.string().regex(AUTH, 'base64url of 16 bytes'),
  }),
});
export type PushSubscriptionInput = z.output<typeof PushSubscriptionInput>;

export const PushUnsubscribeInput = z.object({
  endpoint: z.string().min(1, 'required').max(ENDPOINT_MAX, `at most ${ENDPOINT_MAX} characters`),
});

export const PushSubscriptionView = z.object({
  endpoint: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});

export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;

/**
 * Stores a subscription, or refreshes the keys of one already known by its endpoint (a browser
 * re-sends its subscription whenever the app starts).
 */
export async function saveSubscription(
  db: Db,
  input: PushSubscriptionInput,
  now: Date,
  newId: () => string,
): Promise<{ created: boolean; subscription: PushSubscriptionRow }> {
  if (!isP256PublicKey(input.keys.p256dh)) {
    throw new UnprocessableError(`keys.p256dh: not a point on the P-256 curve`, [
      { field: 'keys.p256dh', message: `${P256DH_MESSAGE}: not a point on the P-256 curve` },
    ]);
  }
  const values = {
    p256dh: input.keys.p256dh,
    auth: input.keys.auth,
    expirationTime: input.expirationTime == null ? null : new Date(input.expirationTime),
    updatedAt: now,
  };
  const [inserted] = await db
    .insert(pushSubscriptions)
    .values({ id: newId(), endpoint: input.endpoint, ...values, createdAt: now })
    .onConflictDoNothing({ target: pushSubscriptions.endpoint })
    .returning();
  if (inserted) return { created: true, subscription: inserted };
  const [updated] = await db
    .update(pushSubscriptions)
    .set(values)
    .where(eq(pushSubscriptions.endpoint, input.endpoint))
    .returning();
  return { created: false, subscription: updated! };
}

/** Every subscription: each reminder is pushed to all of them. */
export function allSubscriptions(db: Db): Promise<PushSubscriptionRow[]> {
  return db.select().from(pushSubscriptions);
}

export async function subscriptionById(db: Db, id: string): Promise<PushSubscriptionRow | undefined> {
  const [row] = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, id));
  return row;
}

/**
 * Forgets a subscription (the browser unsubscribed, or its push service answered 404/410) and
 * cancels what was still waiting to be pushed to it. Call inside a transaction. True when it existed.
 */
export async function removeSubscription(
  tx: Db,
  by: { endpoint: string } | { id: string },
  reason: string,
): Promise<boolean> {
  const [found] = await tx
    .select({ id: pushSubscriptions.id })
    .from(pushSubscriptions)
    .where('id' in by ? eq(pushSubscriptions.id, by.id) : eq(pushSubscriptions.endpoint, by.endpoint));
  if (!found) return false;
  // Before the delete, which detaches the deliveries (subscription_id set null).
  await cancelPushesTo(tx, found.id, reason);
  await tx.delete(pushSubscriptions).where(eq(pushSubscriptions.id, found.id));
  return true;
}
