import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { definitionOf } from '../../events/catalog';
import type { TaskwireEvent } from '../../events/define-event';
import type { Logger } from '../../observability/logger';
import type { Metrics } from '../../observability/metrics';
import { type DeadLetterSink, inKeyOrder, isSuccess, type Subscription } from '../../ports/bus';
import { type DaprSidecar, daprError } from '../dapr/sidecar';
import { BatchQueue, Delivery } from './delivery';
import { PublishRefusedError, publishWithRetries, SimpleBus } from './lifecycle';

/** What the app answers a pub/sub delivery with (Dapr's `AppResponseStatus`). */
export type DaprStatus = 'SUCCESS' | 'RETRY' | 'DROP';

/** One entry of the programmatic subscription list (`GET /dapr/subscribe`). */
export interface DaprSubscription {
  pubsubname: string;
  topic: string;
  routes: { rules: { match: string; path: string }[] };
  metadata?: Record<string, string>;
}

export interface DaprBusOptions {
  sidecar: DaprSidecar;
  /** Pub/sub component of ordinary subscriptions: instances of one app share a consumer group. */
  pubsubName: string;
  /** Pub/sub component of broadcast subscriptions: its consumer group is per instance (`{uuid}`). */
  broadcastPubsubName?: string;
  deadLetters: DeadLetterSink;
  log: Logger;
  metrics?: Metrics;
  /** Topic of an event type; default: the catalog's. */
  topicOf?: (type: string) => string | undefined;
  /** When set, calls to the /dapr routes must carry it as `dapr-api-token` (Dapr's APP_API_TOKEN). */
  appToken?: string | undefined;
  /** Subscriptions are Subscription resources (declarative): GET /dapr/subscribe then lists none. */
  declarative?: boolean;
  /** Retries of one publish after the first attempt. Default 5. */
  publishRetries?: number;
  /** First publish backoff; doubles per retry. Default 100 ms. */
  backoffMs?: number;
}

/** Fields the sidecar adds to every CloudEvent it delivers; ours never use these names. */
const DAPR_FIELDS = ['topic', 'pubsubname', 'traceid', 'expiration'] as const;
/** Dapr overwrites `traceparent`/`tracestate` with its own span: ours travel in these extensions. */
const OWN_TRACEPARENT = 'twtraceparent';
const OWN_TRACESTATE = 'twtracestate';

/** The CloudEvent as published through Dapr: structured JSON, our trace context kept aside. */
export function toDaprCloudEvent(event: TaskwireEvent): Record<string, unknown> {
  return {
    ...event,
    [OWN_TRACEPARENT]: event.traceparent ?? '',
    [OWN_TRACESTATE]: event.tracestate ?? '',
  };
}

/** Undoes what Dapr did to a published CloudEvent: its own fields out, our trace context back. */
export function fromDaprCloudEvent(envelope: Record<string, unknown>): Record<string, unknown> {
  const event: Record<string, unknown> = { ...envelope };
  for (const field of DAPR_FIELDS) delete event[field];
  if (OWN_TRACEPARENT in event) {
    const parent = event[OWN_TRACEPARENT];
    const state = event[OWN_TRACESTATE];
    delete event.traceparent;
    delete event.tracestate;
    if (typeof parent === 'string' && parent) event.traceparent = parent;
    if (typeof state === 'string' && state) event.tracestate = state;
  }
  delete event[OWN_TRACEPARENT];
  delete event[OWN_TRACESTATE];
  return event;
}

/** A CEL expression matching any of these CloudEvent types (Dapr's routing rules). */
export function celMatchTypes(types: readonly string[]): string {
  return types.map((t) => `event.type == ${JSON.stringify(t)}`).join(' || ');
}

interface Progress {
  /** Failed attempts per consumer so far. */
  attempts: Map<string, number>;
  /** Consumers done with the event (acknowledged or dead-lettered): redeliveries skip them. */
  settled: Set<string>;
}

interface Subscriber {
  sub: Subscription;
  delivery: Delivery;
  queue: BatchQueue | undefined;
}

/** Events whose deliveries are being retried; bounded so that abandoned ones cannot pile up. */
const MAX_TRACKED = 10_000;

/**
 * The event bus over Dapr pub/sub, for clusters without Knative Eventing. Publishing goes through
 * the sidecar (`POST /v1.0/publish/{pubsub}/{topic}`) as a structured CloudEvent with the partition
 * key. Receiving is a programmatic subscription (`GET /dapr/subscribe`, one routing rule per topic
 * listing the subscribed types) and a delivery route answering Dapr's statuses: the function's
 * outcome maps to SUCCESS, RETRY (5xx and the other retryable statuses, or a throw) or DROP
 * (validation: never retried). The sidecar redelivers a RETRY per its Resiliency policy (inbound
 * retries of the pub/sub component, allowed a few more than the delivery spec); the subscription's
 * delivery spec bounds the attempts: the last failure is dead-lettered here and answered DROP, so
 * the dead end is the same one as on the other buses. Deliveries that arrive while a batch is in
 * flight are handed over together.
 *
 * The subscriptions name no `deadLetterTopic`, on purpose: daprd (1.16) publishes to it every
 * event of the topic that matches none of the subscription's rules (on a shared topic, most of
 * them), every event answered DROP (already recorded here), and, when that publish fails, keeps
 * redelivering the event. Without one, an event whose Resiliency retries run out goes back to the
 * Kafka component, which retries it: nothing is lost and nothing is recorded twice.
 */
export class DaprBus extends SimpleBus {
  readonly kind = 'dapr';
  readonly #subs: Subscriber[] = [];
  readonly #progress = new Map<string, Progress>();

  constructor(private readonly opts: DaprBusOptions) {
    super();
  }

  subscribe(subscription: Subscription): void {
    const delivery = new Delivery(subscription, this.opts);
    this.#subs.push({
      sub: subscription,
      delivery,
      queue: subscription.deliverBatch ? new BatchQueue(delivery) : undefined,
    });
  }

  override async healthy(): Promise<boolean> {
    if (!this.life.running) return false;
    try {
      await this.opts.sidecar.healthz();
      return true;
    } catch {
      return false;
    }
  }

  #topicOf(type: string): string {
    const topic = this.opts.topicOf ? this.opts.topicOf(type) : definitionOf(type)?.topic;
    if (!topic) throw new Error(`no topic for event type ${type}`);
    return topic;
  }

  #pubsubOf(sub: Subscription): string {
    return sub.broadcast ? (this.opts.broadcastPubsubName ?? this.opts.pubsubName) : this.opts.pubsubName;
  }

  protected async send(events: readonly TaskwireEvent[]): Promise<void> {
    await inKeyOrder(events, (event) => this.#publishOne(event));
  }

  async #publishOne(event: TaskwireEvent): Promise<void> {
    const topic = this.#topicOf(event.type);
    // The broadcast component reads the same topics of the same brokers through consumer groups of
    // its own: publishing through one component reaches both.
    const path =
      `/v1.0/publish/${encodeURIComponent(this.opts.pubsubName)}/${encodeURIComponent(topic)}` +
      `?metadata.partitionKey=${encodeURIComponent(event.partitionkey)}`;
    const body = JSON.stringify(toDaprCloudEvent(event));
    const headers: Record<string, string> = { 'content-type': 'application/cloudevents+json' };
    if (event.traceparent) headers.traceparent = event.traceparent;
    if (event.tracestate) headers.tracestate = event.tracestate;
    const signal = this.life.signal;
    await publishWithRetries(
      event,
      async () => {
        const res = await this.opts.sidecar.request(path, { method: 'POST', headers, body, signal });
        if (isSuccess(res.status)) {
          await res.body?.cancel();
          return;
        }
        const err = await daprError(res, `publishing ${event.type} ${event.id} to ${topic}`);
        // 400 (malformed) and 403 (not allowed to publish) will not get better by retrying.
        if (res.status === 400 || res.status === 403) throw new PublishRefusedError(res.status, err.message);
        throw err;
      },
      {
        retries: this.opts.publishRetries ?? 5,
        backoffMs: this.opts.backoffMs ?? 100,
        signal,
        log: this.opts.log,
        target: 'dapr',
      },
    );
  }

  /** What `GET /dapr/subscribe` answers: one entry per component and topic, a rule per topic. */
  subscriptions(): DaprSubscription[] {
    const byTarget = new Map<string, { pubsub: string; topic: string; types: Set<string> }>();
    for (const { sub } of this.#subs) {
      const pubsub = this.#pubsubOf(sub);
      for (const type of sub.types) {
        const topic = this.#topicOf(type);
        const key = `${pubsub}\u0000${topic}`;
        const entry = byTarget.get(key) ?? { pubsub, topic, types: new Set<string>() };
        entry.types.add(type);
        byTarget.set(key, entry);
      }
    }
    return [...byTarget.values()].map(({ pubsub, topic, types }) => ({
      pubsubname: pubsub,
      topic,
      routes: { rules: [{ match: celMatchTypes([...types].sort()), path: deliveryPath(pubsub, topic) }] },
    }));
  }

  /** The routes the sidecar calls: subscription discovery and deliveries. */
  routes(): Hono {
    const app = new Hono();
    const token = this.opts.appToken;
    if (token) {
      app.use('/dapr/*', async (c, next) => {
        const given = c.req.header('dapr-api-token') ?? '';
        const a = Buffer.from(given);
        const b = Buffer.from(token);
        if (a.length !== b.length || !timingSafeEqual(a, b))
          return c.json({ error: 'bad dapr-api-token' }, 401);
        await next();
      });
    }
    app.get('/dapr/subscribe', (c) => c.json(this.opts.declarative ? [] : this.subscriptions()));
    app.post('/dapr/events/:pubsub/:topic', async (c) => {
      const status = await this.deliver(c.req.param('pubsub'), c.req.param('topic'), await c.req.text());
      return c.json({ status });
    });
    return app;
  }

  /** Handles one delivery from the sidecar and answers its status. */
  async deliver(pubsub: string, topic: string, body: string): Promise<DaprStatus> {
    const { log } = this.opts;
    let event: TaskwireEvent;
    try {
      event = fromDaprCloudEvent(JSON.parse(body) as Record<string, unknown>) as unknown as TaskwireEvent;
      if (typeof event !== 'object' || event === null || typeof event.type !== 'string') {
        throw new Error('not a CloudEvent');
      }
    } catch (err) {
      log.error({ pubsub, topic, err }, 'dropped an undecodable delivery');
      return 'DROP';
    }
    const consumers = this.#subs.filter(
      ({ sub }) =>
        this.#pubsubOf(sub) === pubsub &&
        sub.types.includes(event.type) &&
        this.#topicOf(event.type) === topic,
    );
    if (consumers.length === 0) {
      log.warn({ pubsub, topic, type: event.type }, 'no subscriber for a delivered event; dropped');
      return 'DROP';
    }
    const key = `${event.source}\u0000${event.id}`;
    let progress = this.#progress.get(key);
    if (!progress) {
      progress = { attempts: new Map(), settled: new Set() };
      this.#track(key, progress);
    }
    const p = progress;
    const statuses = await Promise.all(
      consumers.map((s) => (p.settled.has(s.sub.consumer) ? 'SUCCESS' : this.#deliverTo(s, event, p))),
    );
    if (statuses.includes('RETRY')) return 'RETRY';
    this.#progress.delete(key);
    return statuses.every((s) => s === 'DROP') ? 'DROP' : 'SUCCESS';
  }

  #track(key: string, progress: Progress): void {
    if (this.#progress.size >= MAX_TRACKED) {
      const oldest = this.#progress.keys().next().value;
      if (oldest !== undefined) this.#progress.delete(oldest);
    }
    this.#progress.set(key, progress);
  }

  /**
   * One attempt per delivery from the sidecar: the sidecar redelivers on RETRY (on its own schedule,
   * per the Resiliency policy), and the attempts counted here bound how often.
   */
  async #deliverTo({ sub, delivery, queue }: Subscriber, event: TaskwireEvent, progress: Progress) {
    const failed = progress.attempts.get(sub.consumer) ?? 0;
    // A first attempt may join a batch; a retry goes alone, so one poison event cannot hold back others.
    const verdict = failed === 0 && queue ? await queue.enqueue(event) : await delivery.attempt(event);
    const attempts = failed + 1;
    const next = delivery.judge(verdict, attempts);
    if (next === 'delivered') {
      progress.settled.add(sub.consumer);
      delivery.delivered(event);
      return 'SUCCESS' as const;
    }
    if (next === 'retry') {
      progress.attempts.set(sub.consumer, attempts);
      delivery.failed(event, verdict, attempts);
      return 'RETRY' as const;
    }
    progress.settled.add(sub.consumer);
    try {
      await delivery.deadLetter(event, verdict, attempts);
    } catch (err) {
      // Without a record the event must not vanish: let the sidecar try again.
      progress.settled.delete(sub.consumer);
      this.opts.log.error(
        { err, eventId: event.id },
        'recording a dead letter failed; asking for redelivery',
      );
      return 'RETRY' as const;
    }
    return 'DROP' as const;
  }
}

/** Where the sidecar delivers a topic's events. */
export function deliveryPath(pubsub: string, topic: string): string {
  return `/dapr/events/${encodeURIComponent(pubsub)}/${encodeURIComponent(topic)}`;
}
