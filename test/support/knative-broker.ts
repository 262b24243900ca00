/**
 * A local stand-in for a Knative Eventing broker (we cannot run Knative here), speaking its
 * documented data plane so that our real KnativeBus and our real receivers run against it:
 *
 * - ingress: `POST /` takes a CloudEvent over HTTP (binary or structured mode), 202 Accepted;
 * - Triggers: each matching Trigger gets the event as a binary-mode `POST` to its subscriber, in
 *   order per partition key (the KafkaBroker's ordered delivery); the subscriber's status decides
 *   between acknowledgement, retry with the Trigger's backoff (5xx, 404, 408, 409, 429, network
 *   errors) and the dead-letter sink, which gets the event with the `knativeerrordest`,
 *   `knativeerrorcode` and `knativeerrordata` extensions Knative adds.
 *
 * The retry policy is our shared delivery loop (core/adapters/bus/delivery.ts) configured with the
 * Trigger's delivery spec: the same table Knative documents.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { abortableWait, Delivery } from '../../core/adapters/bus/delivery';
import type { TaskwireEvent } from '../../core/events/define-event';
import { fromHttp, toBinaryHttp } from '../../core/events/http-binding';
import { createLogger } from '../../core/observability/logger';
import { type DeliverySpec, inKeyOrder } from '../../core/ports/bus';

export interface Trigger {
  name: string;
  /** CloudEvent types it passes (a Trigger filter on `type`). */
  types: readonly string[];
  /** Where events go, e.g. `http://127.0.0.1:4001/`. */
  subscriber: string;
  /** What the dead letters name as the destination (the subscriber's service address in a cluster). */
  destination?: string;
  deadLetterSink?: string;
  delivery: DeliverySpec;
}

const log = createLogger({ level: 'silent' });

async function post(url: string, event: TaskwireEvent, signal: AbortSignal) {
  const { headers, body } = toBinaryHttp(event);
  const res = await fetch(url, { method: 'POST', headers, body, signal });
  const detail = res.status >= 300 ? (await res.text()).slice(0, 1000) : undefined;
  if (res.status < 300) await res.body?.cancel();
  return detail === undefined ? { status: res.status } : { status: res.status, detail };
}

export class KnativeBrokerStandIn {
  readonly #triggers: { trigger: Trigger; delivery: Delivery }[] = [];
  readonly #abort = new AbortController();
  /** Per trigger and key: the tail of its ordered delivery chain. */
  readonly #chains = new Map<string, Promise<void>>();
  #server: ReturnType<typeof serve> | undefined;
  url = '';

  addTrigger(trigger: Trigger): void {
    const dest = trigger.destination ?? trigger.subscriber;
    const delivery = new Delivery(
      {
        consumer: trigger.name,
        types: trigger.types,
        delivery: trigger.delivery,
        // A network error throws: a retryable failure without a status, as Knative treats it.
        deliver: (event) => post(trigger.subscriber, event, this.#abort.signal),
      },
      {
        log,
        deadLetters: {
          record: async ({ event, status, reason }) => {
            if (!trigger.deadLetterSink) return;
            const extended = {
              ...event,
              knativeerrordest: dest,
              ...(status !== null ? { knativeerrorcode: String(status) } : {}),
              knativeerrordata: Buffer.from(reason).toString('base64'),
            } as TaskwireEvent;
            const res = await post(trigger.deadLetterSink, extended, this.#abort.signal);
            if (res.status >= 300) throw new Error(`dead-letter sink answered ${res.status}`);
          },
        },
      },
    );
    this.#triggers.push({ trigger, delivery });
  }

  async start(): Promise<string> {
    const app = new Hono();
    app.post('/', async (c) => {
      const headers: Record<string, string> = {};
      c.req.raw.headers.forEach((v, k) => {
        headers[k.toLowerCase()] = v;
      });
      let event: TaskwireEvent;
      try {
        event = fromHttp(headers, await c.req.text()) as unknown as TaskwireEvent;
      } catch (err) {
        return c.text((err as Error).message, 400);
      }
      await inKeyOrder([event], async (e) => this.#dispatch(e));
      return c.body(null, 202);
    });
    this.#server = await new Promise((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    this.url = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}/`;
    return this.url;
  }

  /** Queues the event behind the earlier ones of its key, for every matching Trigger. */
  #dispatch(event: TaskwireEvent): void {
    for (const { trigger, delivery } of this.#triggers) {
      if (!trigger.types.includes(event.type)) continue;
      const chain = `${trigger.name}\u0000${event.partitionkey}`;
      const previous = this.#chains.get(chain) ?? Promise.resolve();
      const next = previous
        .then(() => delivery.deliverWithRetries(event, { wait: abortableWait(this.#abort.signal) }))
        .then(
          () => undefined,
          () => undefined,
        );
      this.#chains.set(chain, next);
    }
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    const server = this.#server;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
