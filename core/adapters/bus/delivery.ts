/**
 * The one delivery loop every bus adapter runs (memory, kafka, dapr; the Knative test broker too):
 * Knative's data-plane contract for one subscription. A 2xx acknowledges; retryable statuses
 * (5xx, 404, 408, 409, 429) and throws are retried with the subscription's backoff; any other
 * status, or the last failure, goes to the dead-letter sink. Metrics and log lines are the same
 * whatever the transport. Adapters differ only in how they wait between attempts (a timer, a
 * timer that keeps a Kafka group membership alive) or whether they wait at all (Dapr's sidecar
 * redelivers on its own schedule, so the Dapr adapter asks `judge` after each attempt).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskwireEvent } from '../../events/define-event';
import type { Logger } from '../../observability/logger';
import type { Metrics } from '../../observability/metrics';
import {
  backoffDelay,
  type DeadLetterSink,
  type DeliveryResult,
  isRetryableStatus,
  isSuccess,
  type Subscription,
} from '../../ports/bus';

/** The outcome of one attempt: an HTTP status, or null when the subscriber threw. */
export interface Verdict {
  status: number | null;
  reason: string;
}

export interface DeliveryOptions {
  log: Logger;
  metrics?: Metrics | undefined;
  deadLetters: DeadLetterSink;
  /** Multiplies every backoff delay (tests shrink it). */
  delayScale?: number | undefined;
}

export type DeliveryOutcome = 'delivered' | 'dead-lettered' | 'abandoned';

export interface RetryHooks {
  /** A failed batch attempt, counted as the first attempt. */
  first?: Verdict | undefined;
  /** Waits `ms` before the next attempt; false when the bus stopped meanwhile (the event is abandoned). */
  wait(ms: number): Promise<boolean>;
  /** Where the event came from, for log lines (topic, partition, offset). */
  logFields?: Record<string, unknown>;
  /** Runs before the dead-letter sink records the event (e.g. Kafka's dead-letter topic). */
  beforeDeadLetter?: (verdict: Verdict, attempts: number) => Promise<void>;
}

function verdictOf(result: DeliveryResult): Verdict {
  return { status: result.status, reason: result.detail ?? `status ${result.status}` };
}

/** A timer that ends early (answering false) when `signal` aborts. */
export function abortableWait(signal: AbortSignal): (ms: number) => Promise<boolean> {
  return async (ms) => {
    if (signal.aborted) return false;
    try {
      await sleep(ms, undefined, { signal });
      return true;
    } catch {
      return false;
    }
  };
}

/** Delivery to one subscription, with its retry policy, metrics, log lines and dead end. */
export class Delivery {
  constructor(
    readonly sub: Subscription,
    private readonly opts: DeliveryOptions,
  ) {}

  get maxAttempts(): number {
    return this.sub.delivery.retry + 1;
  }

  /** One attempt; a throw is a verdict without a status. */
  async attempt(event: TaskwireEvent): Promise<Verdict> {
    try {
      return verdictOf(await this.sub.deliver(event));
    } catch (err) {
      return { status: null, reason: (err as Error).message };
    }
  }

  /** One `deliverBatch` call: a verdict per event, in order; a throw is a 500 for each. */
  async attemptBatch(events: readonly TaskwireEvent[]): Promise<Verdict[]> {
    let results: DeliveryResult[];
    try {
      results = await this.sub.deliverBatch!(events);
    } catch (err) {
      return events.map(() => ({ status: 500, reason: (err as Error).message }));
    }
    return events.map((_, i) => {
      const r = results[i];
      return r ? verdictOf(r) : { status: 500, reason: 'no result for this event' };
    });
  }

  /** What comes after an attempt that was the `attempts`-th one. */
  judge(verdict: Verdict, attempts: number): 'delivered' | 'retry' | 'dead-letter' {
    if (verdict.status !== null && isSuccess(verdict.status)) return 'delivered';
    const retryable = verdict.status === null || isRetryableStatus(verdict.status);
    return retryable && attempts < this.maxAttempts ? 'retry' : 'dead-letter';
  }

  delivered(event: TaskwireEvent): void {
    this.opts.metrics?.eventsDelivered.inc({ type: event.type, consumer: this.sub.consumer });
  }

  /** Counts and logs a failed attempt that will be retried. */
  failed(
    event: TaskwireEvent,
    verdict: Verdict,
    attempt: number,
    fields: Record<string, unknown> = {},
  ): void {
    this.opts.metrics?.eventsFailed.inc({ type: event.type, consumer: this.sub.consumer, outcome: 'retry' });
    this.opts.log.warn(
      {
        consumer: this.sub.consumer,
        eventId: event.id,
        type: event.type,
        attempt,
        status: verdict.status,
        ...fields,
      },
      `delivery failed: ${verdict.reason}`,
    );
  }

  /** Counts, logs and records an event given up on. Throws when the sink could not record it. */
  async deadLetter(event: TaskwireEvent, verdict: Verdict, attempts: number): Promise<void> {
    this.opts.metrics?.eventsFailed.inc({
      type: event.type,
      consumer: this.sub.consumer,
      outcome: 'dead-letter',
    });
    this.opts.log.error(
      {
        consumer: this.sub.consumer,
        eventId: event.id,
        type: event.type,
        status: verdict.status,
        correlationId: event.correlationid,
      },
      `event dead-lettered: ${verdict.reason}`,
    );
    await this.opts.deadLetters.record({
      consumer: this.sub.consumer,
      event,
      status: verdict.status,
      reason: verdict.reason,
      attempts,
    });
  }

  /**
   * Attempts until the subscriber acknowledges, refuses for good or runs out of retries, waiting the
   * backoff in between; then dead-letters what never succeeded.
   */
  async deliverWithRetries(event: TaskwireEvent, hooks: RetryHooks): Promise<DeliveryOutcome> {
    let attempts = 0;
    let verdict: Verdict | undefined = hooks.first;
    if (verdict) attempts = 1;
    for (;;) {
      if (!verdict) {
        verdict = await this.attempt(event);
        attempts++;
      }
      const next = this.judge(verdict, attempts);
      if (next === 'delivered') {
        this.delivered(event);
        return 'delivered';
      }
      if (next === 'dead-letter') break;
      this.failed(event, verdict, attempts, hooks.logFields);
      const delay = backoffDelay(this.sub.delivery, attempts - 1, this.opts.delayScale ?? 1);
      if (!(await hooks.wait(delay))) return 'abandoned';
      verdict = undefined;
    }
    await hooks.beforeDeadLetter?.(verdict, attempts);
    await this.deadLetter(event, verdict, attempts);
    return 'dead-lettered';
  }
}

/**
 * Events for a batching subscriber, queued while a batch is in flight and handed over together
 * (at most `maxBatch` at a time); each caller gets its own event's verdict.
 */
export class BatchQueue {
  readonly #waiting: { event: TaskwireEvent; resolve: (v: Verdict) => void }[] = [];
  #draining = false;

  constructor(private readonly delivery: Delivery) {}

  enqueue(event: TaskwireEvent): Promise<Verdict> {
    return new Promise<Verdict>((resolve) => {
      this.#waiting.push({ event, resolve });
      if (!this.#draining) {
        this.#draining = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  /** Answers every queued event with `verdict` without delivering it (the bus stopped). */
  cancel(verdict: Verdict): void {
    for (const item of this.#waiting.splice(0)) item.resolve(verdict);
  }

  async #drain(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0, this.delivery.sub.maxBatch ?? 100);
        const verdicts = await this.delivery.attemptBatch(batch.map((b) => b.event));
        batch.forEach((item, i) => {
          item.resolve(verdicts[i]!);
        });
      }
    } finally {
      this.#draining = false;
    }
  }
}
