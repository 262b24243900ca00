import { and, asc, eq, gte, inArray, ne } from 'drizzle-orm';
import type { Database } from '../db/client';
import { outbox } from '../db/schema';
import type { TaskwireEvent } from '../events/define-event';
import { STREAMED_TYPES } from './updates';

/**
 * How far before the client's last event the replay starts: events of different tasks can be
 * published a little out of creation order, and a duplicate is harmless (clients compare sequence).
 */
const OVERLAP_MS = 5_000;
const MAX_REPLAY = 5_000;

/** Replays from the event log (the outbox keeps published events for a week). */
export function outboxReplay(database: Database) {
  return async (lastEventId: string): Promise<{ events: TaskwireEvent[]; found: boolean }> => {
    const [last] = await database.db
      .select({ createdAt: outbox.createdAt })
      .from(outbox)
      .where(eq(outbox.eventId, lastEventId))
      .limit(1);
    if (!last) return { events: [], found: false };
    const rows = await database.db
      .select({ event: outbox.event })
      .from(outbox)
      .where(
        and(
          gte(outbox.createdAt, new Date(last.createdAt.getTime() - OVERLAP_MS)),
          inArray(outbox.type, STREAMED_TYPES),
          ne(outbox.eventId, lastEventId),
        ),
      )
      .orderBy(asc(outbox.id))
      .limit(MAX_REPLAY);
    return { events: rows.map((r) => r.event as TaskwireEvent), found: true };
  };
}
