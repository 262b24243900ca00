import type { TaskwireEvent } from '../../events/define-event';
import { toBinaryHttp } from '../../events/http-binding';
import type { Logger } from '../../observability/logger';
import { inKeyOrder, isRetryableStatus, isSuccess, type Subscription } from '../../ports/bus';
import { PublishRefusedError, publishWithRetries, SimpleBus } from './lifecycle';

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
export class BrokerRejectedError extends PublishRefusedError {
  override name = 'BrokerRejectedError';
}

/**
 * The event bus on Knative Eventing. Publishing is an HTTP POST of a binary-mode CloudEvent to the
 * broker (`K_SINK`), `partitionkey` included, so a KafkaBroker keys the record by task and ordered
 * Triggers keep per-task order. Receiving needs no code here: Triggers (generated from the
 * functions' declarations into knative/) deliver to the function's `POST /`, whose status answers
 * Knative's data-plane contract.
 */
export class KnativeBus extends SimpleBus {
  readonly kind = 'knative';

  constructor(private readonly opts: KnativeBusOptions) {
    super();
  }

  /** Triggers deliver to `POST /`: nothing to consume here. */
  subscribe(_subscription: Subscription): void {}

  protected async send(events: readonly TaskwireEvent[]): Promise<void> {
    await inKeyOrder(events, (event) => this.#sendOne(event));
  }

  async #sendOne(event: TaskwireEvent): Promise<void> {
    const { sink } = this.opts;
    const { headers, body } = toBinaryHttp(event);
    const signal = this.life.signal;
    await publishWithRetries(
      event,
      async () => {
        const res = await fetch(sink, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.opts.timeoutMs ?? 10_000)]),
        });
        if (isSuccess(res.status)) {
          await res.body?.cancel();
          return;
        }
        const text = await res.text();
        const reason = `broker answered ${res.status} for ${event.type} ${event.id}: ${text.slice(0, 300)}`;
        if (!isRetryableStatus(res.status)) throw new BrokerRejectedError(res.status, reason);
        throw new Error(reason);
      },
      {
        retries: this.opts.retries ?? 5,
        backoffMs: this.opts.backoffMs ?? 100,
        signal,
        log: this.opts.log,
        target: 'broker',
      },
    );
  }
}
