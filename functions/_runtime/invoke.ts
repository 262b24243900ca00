import { and, eq, sql } from 'drizzle-orm';
import { appliedSequences, processedEvents } from '../../core/db/schema';
import { ValidationError } from '../../core/errors';
import { parseEvent } from '../../core/events/catalog';
import type { EventMeta, TaskwireEvent } from '../../core/events/define-event';
import { currentContext, runWithContext } from '../../core/observability/context';
import { writeOutbox } from '../../core/outbox/outbox';
import type { InvocationContext, TaskwireFunction } from './define-function';
import type { Deps } from './deps';

export function sourceOf(fn: { id: string }): string {
  return `/taskwire/functions/${fn.id}`;
}

/** The context of one invocation: its logger, event metadata and the transact helper. */
export function invocationContext(fn: TaskwireFunction, deps: Deps): InvocationContext {
  const ctx = currentContext();
  const meta: EventMeta = {
    source: sourceOf(fn),
    correlationId: ctx?.correlationId ?? deps.newId(),
    traceparent: ctx?.traceparent,
    tracestate: ctx?.tracestate,
  };
  const log = deps.log.child({ fn: fn.id });
  return {
    deps,
    log,
    meta,
    async transact(work) {
      let wrote = false;
      const value = await deps.database.db.transaction(async (tx) => {
        const result = await work(tx);
        if (result.emit?.length) {
          await writeOutbox(tx, result.emit);
          wrote = true;
        }
        return result.value;
      });
      if (wrote) deps.afterCommit();
      return value;
    },
  };
}

export type EventOutcome = 'processed' | 'duplicate' | 'stale';

/**
 * Runs an event function's handler for one delivery: validation against the catalog, then in one
 * transaction the dedupe record on (consumer, source, id), the optional sequence check, the
 * handler's effect and the events it emits. A thrown error rolls all of it back.
 */
export async function handleEvent(fn: TaskwireFunction, deps: Deps, raw: unknown): Promise<EventOutcome> {
  const event = parseEvent(raw);
  if (!fn.on.some((d) => d.type === event.type)) {
    throw new ValidationError(`${fn.id} is not triggered by ${event.type}`, [
      { field: 'type', message: 'not subscribed' },
    ]);
  }
  return runWithContext({ correlationId: event.correlationid, traceparent: event.traceparent }, async () => {
    const log = deps.log.child({ fn: fn.id, eventId: event.id, type: event.type });
    const meta: EventMeta = {
      source: sourceOf(fn),
      correlationId: event.correlationid,
      traceparent: event.traceparent,
      tracestate: event.tracestate,
    };
    let wrote = false;
    const outcome = await deps.database.db.transaction(async (tx): Promise<EventOutcome> => {
      const fresh = await tx
        .insert(processedEvents)
        .values({ consumer: fn.id, source: event.source, eventId: event.id })
        .onConflictDoNothing()
        .returning({ id: processedEvents.eventId });
      if (fresh.length === 0) return 'duplicate';
      if (fn.ordered && (await isStale(tx, fn.id, event))) return 'stale';
      const result = await fn.handler!({ event: event as TaskwireEvent, tx, deps, log, meta });
      if (result?.emit?.length) {
        await writeOutbox(tx, result.emit);
        wrote = true;
      }
      return 'processed';
    });
    if (wrote) deps.afterCommit();
    if (outcome === 'duplicate') {
      deps.metrics.eventsDuplicate.inc({ type: event.type, consumer: fn.id });
      log.debug('duplicate delivery skipped');
    } else if (outcome === 'stale') {
      deps.metrics.eventsStale.inc({ type: event.type, consumer: fn.id });
      log.warn(
        { sequence: event.sequence, subject: event.subject },
        'stale event dropped: a newer sequence was applied',
      );
    }
    return outcome;
  });
}

async function isStale(
  tx: Parameters<typeof writeOutbox>[0],
  consumer: string,
  event: TaskwireEvent,
): Promise<boolean> {
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
