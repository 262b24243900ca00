/**
 * What each consumer has already applied: the one owner of `processed_events` (deduplication on
 * the event's source and id) and `applied_sequences` (the newest sequence applied per entity, for
 * consumers that must never go back in time). Both are written in the consumer's own transaction,
 * together with its effect.
 */
import { and, eq, sql } from 'drizzle-orm';
import { type Database, type Db, normaliseRows as normalised } from '../db/client';
import { boundSql, insertRows } from '../db/insert-rows';
import { appliedSequences, processedEvents } from '../db/schema';
import type { TaskwireEvent } from '../events/define-event';

type EventKey = Pick<TaskwireEvent, 'source' | 'id'>;

/** The key `firstDeliveries` returns an event under. */
export function deliveryKey(event: EventKey): string {
  return `${event.source} ${event.id}`;
}

/** Records the event for `consumer`; false when it was recorded before (a duplicate delivery). */
export async function firstDelivery(tx: Db, consumer: string, event: EventKey): Promise<boolean> {
  return (await firstDeliveries(tx, consumer, [event])).size > 0;
}

/**
 * Records several events at once; returns the keys (`deliveryKey`) of those seen for the first time.
 * An event given twice comes back once.
 */
export async function firstDeliveries(
  tx: Db,
  consumer: string,
  events: readonly EventKey[],
  /** Runs the insert as a prepared statement in `tx` (see Database.query): the batch hot path. */
  database?: Pick<Database, 'query'>,
): Promise<Set<string>> {
  const { text, params } = insertRows(
    processedEvents,
    events.map((e) => ({ consumer, source: e.source, eventId: e.id })),
    { onConflict: 'nothing', returning: ['source', 'eventId'] },
  );
  type Row = { source: string; event_id: string };
  const rows = database
    ? await database.query<Row>(text, params, tx)
    : normalised<Row>(await tx.execute(boundSql(text, params)));
  return new Set(rows.map((r) => deliveryKey({ source: r.source, id: r.event_id })));
}

/**
 * True when `consumer` already applied this sequence (or a newer one) of the event's subject;
 * otherwise records the event's sequence as the newest applied and answers false.
 */
export async function isStale(tx: Db, consumer: string, event: TaskwireEvent): Promise<boolean> {
  const [row] = await tx
    .select({ sequence: appliedSequences.sequence })
    .from(appliedSequences)
    .where(and(eq(appliedSequences.consumer, consumer), eq(appliedSequences.entityId, event.subject)))
    .for('update');
  if (row && row.sequence >= event.sequence) return true;
  await tx
    .insert(appliedSequences)
    .values({ consumer, entityId: event.subject, sequence: event.sequence })
    .onConflictDoUpdate({
      target: [appliedSequences.consumer, appliedSequences.entityId],
      set: { sequence: sql`excluded.sequence` },
    });
  return false;
}
