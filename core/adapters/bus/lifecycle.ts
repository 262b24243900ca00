import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskwireEvent } from '../../events/define-event';
import type { Logger } from '../../observability/logger';
import type { EventBus, Subscription } from '../../ports/bus';

/** A bus's running state, and the signal that cuts its waits and requests short when it stops. */
class BusLifecycle {
  #running = false;
  #abort = new AbortController();

  get running(): boolean {
    return this.#running;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  start(): void {
    if (this.#abort.signal.aborted) this.#abort = new AbortController();
    this.#running = true;
  }

  stop(): void {
    this.#running = false;
    this.#abort.abort();
  }

  /** Publishing needs a running bus. */
  assertRunning(): void {
    if (!this.#running) throw new Error('bus is stopped');
  }
}

/**
 * What buses without connections of their own share: start and stop flip the running state (and
 * abort what waits), healthy is running, and publish checks it before the adapter's `send`.
 */
export abstract class SimpleBus implements EventBus {
  abstract readonly kind: string;
  protected readonly life = new BusLifecycle();

  abstract subscribe(subscription: Subscription): void;
  /** Sends the events of one publish, keeping each partition key's order. */
  protected abstract send(events: readonly TaskwireEvent[]): Promise<void>;

  async start(): Promise<void> {
    this.life.start();
  }

  async stop(): Promise<void> {
    this.life.stop();
  }

  async healthy(): Promise<boolean> {
    return this.life.running;
  }

  async publish(events: readonly TaskwireEvent[]): Promise<void> {
    this.life.assertRunning();
    await this.send(events);
  }
}

/** A refusal that retrying cannot change (a 400, a 403): publishing stops at once. */
export class PublishRefusedError extends Error {
  override name = 'PublishRefusedError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface PublishRetryOptions {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff delay; doubles per retry. */
  backoffMs: number;
  signal: AbortSignal;
  log: Logger;
  /** Names the target in log lines: `broker`, `dapr`. */
  target: string;
}

/**
 * Publishes one event over a request/response transport: `send` resolves once the event was
 * accepted, throws `PublishRefusedError` when it never will be, and throws anything else for a
 * failure worth retrying with exponential backoff. The last failure is thrown.
 */
export async function publishWithRetries(
  event: { id: string; type: string },
  send: () => Promise<void>,
  opts: PublishRetryOptions,
): Promise<void> {
  let last: Error = new Error('not attempted');
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    if (attempt > 0) await sleep(opts.backoffMs * 2 ** (attempt - 1), undefined, { signal: opts.signal });
    try {
      await send();
      return;
    } catch (err) {
      if (err instanceof PublishRefusedError || opts.signal.aborted) throw err;
      last = err as Error;
    }
    opts.log.warn(
      { eventId: event.id, type: event.type, attempt: attempt + 1 },
      `publish to ${opts.target} failed: ${last.message}`,
    );
  }
  throw last;
}
