import { ValidationError } from '../../core/errors';
import { definitionOf, parseEvent } from '../../core/events/catalog';
import type { EventMeta, TaskwireEvent } from '../../core/events/define-event';
import { deliveryKey, firstDeliveries, firstDelivery, isStale } from '../../core/inbox/inbox';
import { currentContext, runWithContext } from '../../core/observability/context';
import {
  activeTraceHeaders,
  inConsumerSpan,
  runInContext,
  startConsumerSpans,
} from '../../core/observability/tracing';
import type { Written } from '../../core/outbox/writer';
import type { Deliver, DeliveryResult } from '../../core/ports/bus';
import type { InvocationContext } from './define-function';
import type { Deps } from './deps';
import type { FunctionInstance } from './instance';
import { problemFromError } from './problem';

export function sourceOf(fn: { id: string }): string {
  return `/taskwire/functions/${fn.id}`;
}

/** The context of one invocation: its logger, event metadata and the transact helper. */
export function invocationContext({ fn, deps }: FunctionInstance): InvocationContext {
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
      let written: Written | undefined;
      let after: (() => void) | undefined;
      const value = await deps.database.db.transaction(async (tx) => {
        const result = await work(tx);
        if (result.emit?.length) written = await deps.outbox.write(tx, result.emit);
        after = result.after;
        return result.value;
      });
      if (written) deps.outbox.committed(written);
      after?.();
      return value;
    },
    insertAtomically: (rows, emit) => deps.outbox.insert(rows, emit),
  };
}

export type EventOutcome = 'processed' | 'duplicate' | 'stale' | 'ignored';

/**
 * Runs an event function's handler for one delivery: validation against the catalog, then in one
 * transaction the dedupe record on (consumer, source, id), the optional sequence check, the
 * handler's effect and the events it emits. A thrown error rolls all of it back.
 */
export async function handleEvent(instance: FunctionInstance, raw: unknown): Promise<EventOutcome> {
  const { fn, deps } = instance;
  const event = parseEvent(raw);
  if (!fn.on.some((d) => d.type === event.type)) {
    throw new ValidationError(`${fn.id} is not triggered by ${event.type}`, [
      { field: 'type', message: 'not subscribed' },
    ]);
  }
  return inConsumerSpan(messageOf(event, deps), fn.id, (span) => {
    // Inside the consumer span (when tracing), events this handler emits continue its trace.
    const trace = activeTraceHeaders() ?? { traceparent: event.traceparent, tracestate: event.tracestate };
    return runWithContext({ correlationId: event.correlationid, ...trace }, async () => {
      const outcome = await handleInContext(instance, event as TaskwireEvent, trace);
      span?.setAttribute('taskwire.event.outcome', outcome);
      return outcome;
    });
  });
}

/** What a tracing span says about an event. */
function messageOf(event: TaskwireEvent, deps: Deps) {
  return {
    ...event,
    topic: definitionOf(event.type)?.topic ?? 'unknown',
    system: deps.env.BUS,
  };
}

async function handleInContext(
  { fn, deps, local }: FunctionInstance,
  event: TaskwireEvent,
  trace: { traceparent?: string | undefined; tracestate?: string | undefined },
): Promise<EventOutcome> {
  const log = deps.log.child({ fn: fn.id, eventId: event.id, type: event.type });
  if (fn.ignores?.(event)) return 'ignored';
  if (fn.ephemeral) {
    const meta: EventMeta = { source: sourceOf(fn), correlationId: event.correlationid, ...trace };
    await fn.handler!({ event, local, tx: deps.database.db, deps, log, meta });
    return 'processed';
  }

  const meta: EventMeta = {
    source: sourceOf(fn),
    correlationId: event.correlationid,
    traceparent: trace.traceparent,
    tracestate: trace.tracestate,
  };
  let written: Written | undefined;
  let after: (() => void) | undefined;
  const outcome = await deps.database.db.transaction(async (tx): Promise<EventOutcome> => {
    if (!(await firstDelivery(tx, fn.id, event))) return 'duplicate';
    if (fn.ordered && (await isStale(tx, fn.id, event))) return 'stale';
    const result = await fn.handler!({ event, local, tx, deps, log, meta });
    if (result?.emit?.length) written = await deps.outbox.write(tx, result.emit);
    after = result?.after;
    return 'processed';
  });
  if (written) deps.outbox.committed(written);
  after?.();
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
}

/**
 * In-process delivery for the embedded bus: the same outcome contract as the function's CloudEvent
 * endpoint (2xx, 4xx never retried, 5xx retried) without encoding the event as HTTP and back.
 */
export function deliverInProcess(instance: FunctionInstance): Deliver {
  const { fn, deps } = instance;
  return async (event) => {
    try {
      await handleEvent(instance, event);
      return { status: 200 };
    } catch (err) {
      const p = problemFromError(err);
      if (p.status >= 500) deps.log.error({ err, fn: fn.id, eventId: event.id }, 'event handler failed');
      return { status: p.status, detail: p.detail };
    }
  };
}

/**
 * Several deliveries for one consumer in one transaction: a multi-row dedupe insert, the handler
 * for each fresh event in order, one outbox write. If anything fails the transaction rolls back
 * and each event is handled on its own, so a poison event never takes its neighbours down.
 */
export function deliverBatchInProcess(
  instance: FunctionInstance,
): (events: readonly TaskwireEvent[]) => Promise<DeliveryResult[]> {
  const { fn, deps, local } = instance;
  const single = deliverInProcess(instance);
  return async (raws) => {
    if (raws.length === 1) return [await single(raws[0]!)];
    let parsed: TaskwireEvent[];
    try {
      parsed = raws.map((raw) => parseEvent(raw));
    } catch {
      return Promise.all(raws.map(single));
    }
    const acknowledged = parsed.map(() => ({ status: 200 }));
    // What the handler would do nothing with needs no transaction and no dedupe record.
    const events = fn.ignores ? parsed.filter((e) => !fn.ignores!(e)) : parsed;
    if (events.length === 0) return acknowledged;
    const spans = startConsumerSpans(
      events.map((e) => messageOf(e, deps)),
      fn.id,
    );
    try {
      let written: Written | undefined;
      const afters: (() => void)[] = [];
      const outcomes = await deps.database.db.transaction(async (tx) => {
        const fresh = await firstDeliveries(tx, fn.id, events, deps.database);
        const emit: TaskwireEvent[] = [];
        const result: EventOutcome[] = [];
        const apply: TaskwireEvent[] = [];
        for (const event of events) {
          // `delete` so that the same event twice in one batch (a redelivery landing beside the
          // original) is applied once: the multi-row insert returns its key only once.
          if (!fresh.delete(deliveryKey(event))) result.push('duplicate');
          else if (fn.ordered && (await isStale(tx, fn.id, event))) result.push('stale');
          else {
            result.push('processed');
            apply.push(event);
          }
        }
        if (fn.handleBatch && apply.length > 0) {
          const r = await fn.handleBatch({
            events: apply,
            local,
            tx,
            deps,
            log: deps.log.child({ fn: fn.id }),
          });
          if (r?.emit?.length) emit.push(...r.emit);
          if (r?.after) afters.push(r.after);
        } else {
          for (const event of apply) {
            const r = await runInContext(spans.contexts[events.indexOf(event)], () => {
              const trace = activeTraceHeaders() ?? {
                traceparent: event.traceparent,
                tracestate: event.tracestate,
              };
              const meta: EventMeta = { source: sourceOf(fn), correlationId: event.correlationid, ...trace };
              const log = deps.log.child({ fn: fn.id, eventId: event.id, type: event.type });
              return runWithContext({ correlationId: event.correlationid, ...trace }, () =>
                fn.handler!({ event, local, tx, deps, log, meta }),
              );
            });
            if (r?.emit?.length) emit.push(...r.emit);
            if (r?.after) afters.push(r.after);
          }
        }
        if (emit.length) written = await deps.outbox.write(tx, emit);
        return result;
      });
      if (written) deps.outbox.committed(written);
      for (const after of afters) after();
      spans.end(undefined, outcomes);
      outcomes.forEach((o, i) => {
        const event = events[i]!;
        if (o === 'duplicate') deps.metrics.eventsDuplicate.inc({ type: event.type, consumer: fn.id });
        if (o === 'stale') {
          deps.metrics.eventsStale.inc({ type: event.type, consumer: fn.id });
          deps.log.warn(
            {
              fn: fn.id,
              eventId: event.id,
              type: event.type,
              sequence: event.sequence,
              subject: event.subject,
            },
            'stale event dropped: a newer sequence was applied',
          );
        }
      });
      return acknowledged;
    } catch (err) {
      spans.end(err);
      deps.log.debug({ err, fn: fn.id, size: raws.length }, 'batch failed; handling its events one by one');
      const results: DeliveryResult[] = [];
      for (const raw of raws) results.push(await single(raw));
      return results;
    }
  };
}
