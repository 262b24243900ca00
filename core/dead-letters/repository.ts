/** Dead letters, the one owner of `dead_letters`: buses record them, people list and dismiss them. */
import { desc, eq, lt } from 'drizzle-orm';
import type { Database, Db } from '../db/client';
import { deadLetters } from '../db/schema';
import type { DeadLetter, DeadLetterSink } from '../ports/bus';

/** Dead letters as rows a person can list (GET /api/dead-letters). */
export function databaseDeadLetters(database: Database): DeadLetterSink {
  return {
    async record(entry: DeadLetter) {
      await database.db.insert(deadLetters).values({
        consumer: entry.consumer,
        eventId: entry.event.id,
        eventType: entry.event.type,
        event: entry.event,
        status: entry.status,
        reason: entry.reason.slice(0, 2000),
        attempts: entry.attempts,
      });
    },
  };
}

export interface DeadLetterRow {
  id: number;
  consumer: string;
  eventId: string;
  eventType: string;
  status: number | null;
  reason: string;
  attempts: number;
  createdAt: string;
  event: unknown;
}

/** Newest first; `before` pages by id. */
export async function listDeadLetters(
  db: Db,
  page: { limit: number; before?: number | undefined },
): Promise<DeadLetterRow[]> {
  const rows = await db
    .select()
    .from(deadLetters)
    .where(page.before ? lt(deadLetters.id, page.before) : undefined)
    .orderBy(desc(deadLetters.id))
    .limit(page.limit);
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

/** Removes one; false when there was none with that id. */
export async function dismissDeadLetter(db: Db, id: number): Promise<boolean> {
  const rows = await db.delete(deadLetters).where(eq(deadLetters.id, id)).returning({ id: deadLetters.id });
  return rows.length > 0;
}
