import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskwireEvent } from '../../events/define-event';
import type { Logger } from '../../observability/logger';
import type { Metrics } from '../../observability/metrics';
import {
  backoffDelay,
  type DeadLetterSink,
  type EventBus,
  inKeyOrder,
  isRetryableStatus,
  isSuccess,
  type Subscription,
} from '../../ports/bus';

interface BatchQueue {
  waiting: { event: TaskwireEvent; resolve: () => void; reject: (err: Error) => void }[];
  draining: boolean;
}

export interface MemoryBusOptions {
  deadLetters: DeadLetterSink;
  log: Logger;
  metrics?: Metrics;
  /** Multiplies every backoff delay (tests shrink it). */
  delayScale?: number;
}

/**
 * An in-process broker with Knative's delivery semantics: each subscriber whose filter matches gets
 * the event; 2xx acknowledges, retryable statuses and throws are retried with backoff, anything else
 * (or the last failure) goes to the dead letter sink. Per partition key, events reach each
 * subscriber in publish order. `publish` resolves when every subscriber has acknowledged or
 * dead-lettered the events, so the outbox only marks an event published once it took effect.
 */
export class MemoryBus implements EventBus {
  readonly kind = 'memory';
  readonly #subs: Subscription[] = [];
  readonly #byType = new Map<string, Subscription[]>();
  readonly #abort = new AbortController();
  readonly #batches = new Map<Subscription, BatchQueue>();
  #running = false;

  constructor(private readonly opts: MemoryBusOptions) {}

  subscribe(subscription: Subscription): void {
    this.#subs.push(subscription);
    for (const type of subscription.types) {
      const list = this.#byType.get(type) ?? [];
      list.push(subscription);
      this.#byType.set(type, list);
    }
  }

  async start(): Promise<void> {
    this.#running = true;
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#abort.abort();
  }

  async healthy(): Promise<boolean> {
    return this.#running;
  }

  async publish(events: readonly TaskwireEvent[]): Promise<void> {
    if (!this.#running) throw new Error('bus is stopped');
    await inKeyOrder(events, async (event) => {
      const subs = this.#byType.get(event.type) ?? [];
      await Promise.all(
        subs.map((sub) => (sub.deliverBatch ? this.#enqueue(sub, event) : this.#deliver(sub, event))),
      );
    });
  }

  /** Queues an event for a batching subscriber; one batch at a time drains whatever has queued up. */
  #enqueue(sub: Subscription, event: TaskwireEvent): Promise<void> {
    let queue = this.#batches.get(sub);
    if (!queue) {
      queue = { waiting: [], draining: false };
      this.#batches.set(sub, queue);
    }
    const q = queue;
    return new Promise<void>((resolve, reject) => {
      q.waiting.push({ event, resolve, reject });
      if (!q.draining) {
        q.draining = true;
        setImmediate(() => void this.#drainBatches(sub, q));
      }
    });
  }

  async #drainBatches(sub: Subscription, q: BatchQueue): Promise<void> {
    try {
      while (q.waiting.length > 0 && this.#running) {
        const batch = q.waiting.splice(0, sub.maxBatch ?? 100);
        let results: { status: number; detail?: string }[];
        try {
          results = await sub.deliverBatch!(batch.map((b) => b.event));
        } catch (err) {
          results = batch.map(() => ({ status: 500, detail: (err as Error).message }));
        }
        batch.forEach((item, i) => {
          const result = results[i];
          if (result && isSuccess(result.status)) {
            this.opts.metrics?.eventsDelivered.inc({ type: item.event.type, consumer: sub.consumer });
            item.resolve();
          } else {
            // The batch attempt counts as the first; the event is retried on its own from here.
            this.#deliver(sub, item.event, result ?? { status: 500 }).then(item.resolve, item.reject);
          }
        });
      }
    } finally {
      q.draining = false;
      for (const item of q.waiting.splice(0)) item.reject(new Error('bus stopped during delivery'));
    }
  }

  async #deliver(
    sub: Subscription,
    event: TaskwireEvent,
    firstResult?: { status: number; detail?: string },
  ): Promise<void> {
    const { log, metrics, deadLetters } = this.opts;
    const maxAttempts = sub.delivery.retry + 1;
    let last: { status: number | null; reason: string } = { status: null, reason: 'not attempted' };
    let attempts = 0;
    if (firstResult) {
      attempts = 1;
      last = { status: firstResult.status, reason: firstResult.detail ?? `status ${firstResult.status}` };
      metrics?.eventsFailed.inc({ type: event.type, consumer: sub.consumer, outcome: 'retry' });
    }
    const retryable = !firstResult || isRetryableStatus(firstResult.status);
    for (let attempt = attempts; retryable && attempt < maxAttempts; attempt++) {
      if (attempt > 0) {
        await sleep(backoffDelay(sub.delivery, attempt - 1, this.opts.delayScale ?? 1), undefined, {
          signal: this.#abort.signal,
        });
      }
      if (this.#abort.signal.aborted) throw new Error('bus stopped during delivery');
      attempts++;
      try {
        const result = await sub.deliver(event);
        if (isSuccess(result.status)) {
          metrics?.eventsDelivered.inc({ type: event.type, consumer: sub.consumer });
          return;
        }
        last = { status: result.status, reason: result.detail ?? `status ${result.status}` };
        if (!isRetryableStatus(result.status)) break;
      } catch (err) {
        last = { status: null, reason: (err as Error).message };
      }
      metrics?.eventsFailed.inc({ type: event.type, consumer: sub.consumer, outcome: 'retry' });
      log.warn(
        {
          consumer: sub.consumer,
          eventId: event.id,
          type: event.type,
          attempt: attempt + 1,
          status: last.status,
        },
        `delivery failed: ${last.reason}`,
      );
    }
    metrics?.eventsFailed.inc({ type: event.type, consumer: sub.consumer, outcome: 'dead-letter' });
    log.error(
      {
        consumer: sub.consumer,
        eventId: event.id,
        type: event.type,
        status: last.status,
        correlationId: event.correlationid,
      },
      `event dead-lettered: ${last.reason}`,
    );
    await deadLetters.record({
      consumer: sub.consumer,
      event,
      status: last.status,
      reason: last.reason,
      attempts,
    });
  }
}
