import { and, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { stateStore } from '../../db/schema';
import type { Clock } from '../../ports/clock';
import { type SetOptions, StateConflictError, type StateEntry, type StateStore } from '../../ports/state';

/** The state-store port over the `state_store` table (embedded and Kafka runtimes). */
export class DatabaseStateStore implements StateStore {
  readonly kind = 'database';
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {}

  async get<T>(key: string): Promise<StateEntry<T> | undefined> {
    const now = this.clock.now();
    const [row] = await this.database.db
      .select()
      .from(stateStore)
      .where(and(eq(stateStore.key, key), or(isNull(stateStore.expiresAt), gt(stateStore.expiresAt, now))));
    return row ? { value: row.value as T, etag: String(row.etag) } : undefined;
  }

  async set<T>(key: string, value: T, opts: SetOptions = {}): Promise<string> {
    const now = this.clock.now();
    const expiresAt = opts.ttlSeconds ? new Date(now.getTime() + opts.ttlSeconds * 1000) : null;
    if (opts.etag !== undefined) {
      const rows = await this.database.db
        .update(stateStore)
        .set({ value, etag: sql`${stateStore.etag} + 1`, expiresAt, updatedAt: now })
        .where(and(eq(stateStore.key, key), eq(stateStore.etag, Number(opts.etag))))
        .returning({ etag: stateStore.etag });
      if (rows.length === 0) throw new StateConflictError(key);
      return String(rows[0]!.etag);
    }
    const rows = await this.database.db
      .insert(stateStore)
      .values({ key, value, etag: 1, expiresAt, updatedAt: now })
      .onConflictDoUpdate({
        target: stateStore.key,
        set: { value, etag: sql`${stateStore.etag} + 1`, expiresAt, updatedAt: now },
      })
      .returning({ etag: stateStore.etag });
    return String(rows[0]!.etag);
  }

  async delete(key: string, opts: { etag?: string } = {}): Promise<void> {
    const where =
      opts.etag !== undefined
        ? and(eq(stateStore.key, key), eq(stateStore.etag, Number(opts.etag)))
        : eq(stateStore.key, key);
    const rows = await this.database.db.delete(stateStore).where(where).returning({ key: stateStore.key });
    if (rows.length === 0 && opts.etag !== undefined) throw new StateConflictError(key);
  }

  /** Removes expired keys (the retention sweep calls it). */
  async purgeExpired(): Promise<number> {
    const rows = await this.database.db
      .delete(stateStore)
      .where(lte(stateStore.expiresAt, this.clock.now()))
      .returning({ key: stateStore.key });
    return rows.length;
  }
}
