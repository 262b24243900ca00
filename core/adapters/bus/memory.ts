import type { TaskwireEvent } from '../../events/define-event';
import type { Logger } from '../../observability/logger';
import type { Metrics } from '../../observability/metrics';
import { type DeadLetterSink, inKeyOrder, type Subscription } from '../../ports/bus';
import { abortableWait, BatchQueue, Delivery } from './delivery';
import { SimpleBus } from './lifecycle';

interface Subscriber {
  delivery: Delivery;
  /** For a batching subscriber: events queued while a batch is in flight go out together. */
  queue: BatchQueue | undefined;
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
export class MemoryBus extends SimpleBus {
  readonly kind = 'memory';
  readonly #byType = new Map<string, Subscriber[]>();

  constructor(private readonly opts: MemoryBusOptions) {
    super();
  }

  subscribe(subscription: Subscription): void {
    const delivery = new Delivery(subscription, this.opts);
    const subscriber = { delivery, queue: subscription.deliverBatch ? new BatchQueue(delivery) : undefined };
    for (const type of subscription.types) {
      const list = this.#byType.get(type) ?? [];
      list.push(subscriber);
      this.#byType.set(type, list);
    }
  }

  protected async send(events: readonly TaskwireEvent[]): Promise<void> {
    await inKeyOrder(events, async (event) => {
      await Promise.all((this.#byType.get(event.type) ?? []).map((s) => this.#deliver(s, event)));
    });
  }

  /** A batching subscriber's first attempt joins a batch; failed events are retried alone. */
  async #deliver({ delivery, queue }: Subscriber, event: TaskwireEvent): Promise<void> {
    const first = queue ? await queue.enqueue(event) : undefined;
    const { signal } = this.life;
    const outcome = signal.aborted
      ? 'abandoned'
      : await delivery.deliverWithRetries(event, { first, wait: abortableWait(signal) });
    if (outcome === 'abandoned') throw new Error('bus stopped during delivery');
  }
}
