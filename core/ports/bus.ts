import type { TaskwireEvent } from '../events/define-event';

/** Knative's delivery spec, as a Trigger or Subscription declares it. */
export interface DeliverySpec {
  /** Retries after the first attempt. */
  retry: number;
  backoffPolicy: 'exponential' | 'linear';
  /** First backoff delay in milliseconds (Knative's `backoffDelay`). */
  backoffDelayMs: number;
}

export const DEFAULT_DELIVERY: DeliverySpec = { retry: 5, backoffPolicy: 'exponential', backoffDelayMs: 200 };

/** The result of one delivery attempt, in HTTP terms whatever the transport. */
export interface DeliveryResult {
  status: number;
  detail?: string;
}

export type Deliver = (event: TaskwireEvent) => Promise<DeliveryResult>;

export interface Subscription {
  /** The consuming function's id; one consumer group per function. */
  consumer: string;
  /** Event types this subscriber is triggered by (exact match, like a Trigger filter). */
  types: readonly string[];
  deliver: Deliver;
  delivery: DeliverySpec;
  /**
   * Every running instance gets every event (SSE gateways, caches), instead of the instances of a
   * consumer sharing the work. On Kafka: a consumer group of this instance's own, starting at the
   * newest event when the bus starts and deleted when it stops. Default false.
   */
  broadcast?: boolean;
  /**
   * Optional: handles several events in one go (one transaction), answering one result per event
   * in the same order. Adapters use it when events queue up; a failed event is then retried alone
   * through `deliver`. Only for consumers whose effect is all-or-nothing in the database.
   */
  deliverBatch?: (events: readonly TaskwireEvent[]) => Promise<DeliveryResult[]>;
  /** Upper bound of a batch (default 100). */
  maxBatch?: number;
}

export interface EventBus {
  readonly kind: string;
  /**
   * Publishes events; resolves once they are durably accepted. Events sharing a partition key are
   * published in the given order.
   */
  publish(events: readonly TaskwireEvent[]): Promise<void>;
  subscribe(subscription: Subscription): void;
  start(): Promise<void>;
  /** Stops consuming; in-flight deliveries finish or are abandoned for redelivery later. */
  stop(): Promise<void>;
  healthy(): Promise<boolean>;
}

export interface DeadLetter {
  consumer: string;
  event: TaskwireEvent;
  status: number | null;
  reason: string;
  attempts: number;
}

export interface DeadLetterSink {
  record(entry: DeadLetter): Promise<void>;
}

/**
 * Knative's data-plane contract: these statuses (and network failures) are retried; every other
 * non-2xx is final and goes straight to the dead letter sink.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 404 || status === 408 || status === 409 || status === 429;
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

export function backoffDelay(spec: DeliverySpec, attempt: number, scale = 1): number {
  const base =
    spec.backoffPolicy === 'exponential'
      ? spec.backoffDelayMs * 2 ** attempt
      : spec.backoffDelayMs * (attempt + 1);
  return Math.min(base, 5 * 60_000) * scale;
}

/**
 * Sends events keeping each partition key's order: one key's events one after another, different
 * keys side by side. What every adapter's `publish` promises.
 */
export async function inKeyOrder(
  events: readonly TaskwireEvent[],
  send: (event: TaskwireEvent) => Promise<void>,
): Promise<void> {
  const byKey = new Map<string, TaskwireEvent[]>();
  for (const event of events) {
    const list = byKey.get(event.partitionkey) ?? [];
    list.push(event);
    byKey.set(event.partitionkey, list);
  }
  await Promise.all(
    [...byKey.values()].map(async (list) => {
      for (const event of list) await send(event);
    }),
  );
}
