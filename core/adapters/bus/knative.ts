import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskwireEvent } from '../../events/define-event';
import { toBinaryHttp } from '../../events/http-binding';
import type { Logger } from '../../observability/logger';
import { type EventBus, inKeyOrder, isRetryableStatus, isSuccess, type Subscription } from '../../ports/bus';

export interface KnativeBusOptions {
  /** The broker's ingress address (`K_SINK`, injected by the SinkBinding). */
  sink: string;
  log: Logger;
  /** Retries of one publish after the first attempt (5xx, 404/408/409/429, network errors). Default 5. */
  retries?: number;
  /** First backoff delay; doubles per retry. Default 100 ms. */
  backoffMs?: number;
  /** Per-attempt timeout. Default 10 s. */
  timeoutMs?: number;
}

/** The broker refused an event for good (a 4xx other than the retryable ones). */
export class BrokerRejectedError extends Error {
  override name = 'BrokerRejectedError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The event bus on Knative Eventing. Publishing is an HTTP POST of a binary-mode CloudEvent to the
 * broker (`K_SINK`), `partitionkey` included, so a KafkaBroker keys the record by task and ordered
 * Triggers keep per-task order. Receiving needs no code here: Triggers (generated from the
 * functions' declarations into knative/) deliver to the function's `POST /`, whose status answers
 * Knative's data-plane contract.
 */
export class KnativeBus implements EventBus {
  readonly kind = 'knative';
  #running = false;
  #abort = new AbortController();

  constructor(private readonly opts: KnativeBusOptions) {}

  /** Triggers deliver to `POST /`: nothing to consume here. */
  subscribe(_subscription: Subscription): void {}

  async start(): Promise<void> {
    this.#abort = new AbortController();
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
    await inKeyOrder(events, (event) => this.#send(event));
  }

  async #send(event: TaskwireEvent): Promise<void> {
    const { sink, log } = this.opts;
    const retries = this.opts.retries ?? 5;
    const backoffMs = this.opts.backoffMs ?? 100;
    const { headers, body } = toBinaryHttp(event);
    let last: Error = new Error('not attempted');
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1), undefined, { signal: this.#abort.signal });
      try {
        const res = await fetch(sink, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.opts.timeoutMs ?? 10_000)]),
        });
        if (isSuccess(res.status)) {
          await res.body?.cancel();
          return;
        }
        const text = await res.text();
        const reason = `broker answered ${res.status} for ${event.type} ${event.id}: ${text.slice(0, 300)}`;
        if (!isRetryableStatus(res.status)) throw new BrokerRejectedError(res.status, reason);
        last = new Error(reason);
      } catch (err) {
        if (err instanceof BrokerRejectedError || this.#abort.signal.aborted) throw err;
        last = err as Error;
      }
      log.warn(
        { eventId: event.id, type: event.type, attempt: attempt + 1 },
        `publish to broker failed: ${last.message}`,
      );
    }
    throw last;
  }
}
