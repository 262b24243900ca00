/**
 * The Web Push application server identity (RFC 8292), and the only code that touches
 * `push_vapid_keys`. Configured keys (VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY) win; otherwise a pair is
 * made the first time one is needed and kept, so every process and every restart signs with the
 * same key (a new key would silently invalidate every browser's subscription).
 */
import { eq } from 'drizzle-orm';
import type { Env } from '../config/env';
import type { Db } from '../db/client';
import { pushVapidKeys } from '../db/schema';
import { generateKeyPair, type KeyPair } from './crypto';

export interface VapidIdentity extends KeyPair {
  /** The contact a push service may use: `mailto:` or `https:`. */
  subject: string;
  source: 'environment' | 'database';
}

const ROW_ID = 'default';

type VapidEnv = Pick<
  Env,
  'VAPID_PUBLIC_KEY' | 'VAPID_PRIVATE_KEY' | 'VAPID_SUBJECT' | 'MAIL_FROM' | 'publicUrl'
>;

/**
 * Who we say we are: VAPID_SUBJECT, else the public URL when it is https, else the reminder
 * emails' sender address.
 */
export function vapidSubject(env: VapidEnv): string {
  if (env.VAPID_SUBJECT) return env.VAPID_SUBJECT;
  if (env.publicUrl.startsWith('https://')) return env.publicUrl;
  const address = /<([^>]+)>/.exec(env.MAIL_FROM)?.[1] ?? env.MAIL_FROM;
  return `mailto:${address.trim()}`;
}

/** The key pair in force: configured, stored, or made now and stored (first caller wins a race). */
export async function loadVapidIdentity(db: Db, env: VapidEnv, now: Date): Promise<VapidIdentity> {
  const subject = vapidSubject(env);
  if (env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY) {
    return {
      publicKey: env.VAPID_PUBLIC_KEY,
      privateKey: env.VAPID_PRIVATE_KEY,
      subject,
      source: 'environment',
    };
  }
  const stored = async () => {
    const [row] = await db.select().from(pushVapidKeys).where(eq(pushVapidKeys.id, ROW_ID));
    return row;
  };
  let row = await stored();
  if (!row) {
    await db
      .insert(pushVapidKeys)
      .values({ id: ROW_ID, ...generateKeyPair(), createdAt: now })
      .onConflictDoNothing();
    row = await stored();
  }
  if (!row) throw new Error('the VAPID key pair could not be stored');
  return { publicKey: row.publicKey, privateKey: row.privateKey, subject, source: 'database' };
}

/**
 * The identity, loaded once per process on first use (a failed load is tried again next time).
 * A function keeps this from its `setup`.
 */
export function vapidIdentityOnce(db: Db, env: VapidEnv, now: () => Date): () => Promise<VapidIdentity> {
  let loading: Promise<VapidIdentity> | undefined;
  return () => {
    loading ??= loadVapidIdentity(db, env, now()).catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return loading;
  };
}
