import type { Database } from '../db/client';
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
