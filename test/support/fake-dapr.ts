/**
 * A stand-in for the Dapr sidecar (daprd) speaking its documented HTTP API, for tests of the Dapr
 * adapters: health (`/v1.0/healthz`), pub/sub publish with Dapr's CloudEvent handling, programmatic
 * subscriptions delivered like the Kafka pub/sub does (in order per partition, the app's
 * SUCCESS / RETRY / DROP honoured, a dead-letter topic after the retries), state with etags and
 * first-write concurrency, secrets, and input bindings (OPTIONS, then POST).
 * Everything lives in memory; nothing here is used outside tests.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';

export interface FakeDaprOptions {
  /** The app this sidecar serves (subscriptions, bindings). */
  appUrl?: string;
  pubsubs?: string[];
  stateStores?: string[];
  /** store → secret name → key → value. */
  secretStores?: Record<string, Record<string, Record<string, string>>>;
  /** Partitions per topic; deliveries of one partition are sequential. Default 4. */
  partitions?: number;
  /** Pause before a delivery is retried (the Resiliency policy's interval). Default 10 ms. */
  retryIntervalMs?: number;
  /** Retries before the message goes to the dead-letter topic. Default 20. */
  maxRetries?: number;
  /** The token the sidecar requires from the app (DAPR_API_TOKEN). */
  apiToken?: string;
  /** The token the sidecar sends to the app (APP_API_TOKEN). */
  appToken?: string;
  now?: () => number;
}

interface StoredState {
  value: string;
  etag: string;
  expiresAt?: number;
}

interface SubscriptionEntry {
  pubsubname: string;
  topic: string;
  route?: string;
  routes?: { rules?: { match: string; path: string }[]; default?: string };
  deadLetterTopic?: string;
}

export interface PublishedMessage {
  pubsub: string;
  topic: string;
  partitionKey: string | undefined;
  contentType: string;
  event: Record<string, unknown>;
}

interface Queued {
  sub: SubscriptionEntry;
  path: string;
  event: Record<string, unknown>;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** The subset of CEL Dapr routing rules use here: `event.type == "x"` joined by `||`. */
export function matchesCel(expr: string, event: Record<string, unknown>): boolean {
  return expr.split('||').some((clause) => {
    const m = /^\s*event\.(\w+)\s*==\s*("(?:[^"\\]|\\.)*")\s*$/.exec(clause);
    if (!m) throw new Error(`fake dapr: unsupported CEL expression ${expr}`);
    return event[m[1]!] === JSON.parse(m[2]!);
  });
}

export class FakeDapr {
  url = '';
  readonly published: PublishedMessage[] = [];
  readonly deadLettered: { topic: string; event: Record<string, unknown> }[] = [];
  readonly dropped: { path: string; event: Record<string, unknown>; why: string }[] = [];
  readonly deliveries: { path: string; status: string; eventId: unknown }[] = [];
  readonly requests: { method: string; path: string; headers: Record<string, string> }[] = [];
  readonly bindingCalls: { name: string; status: number }[] = [];
  healthy = true;
  #failPublishes: { count: number; status: number } = { count: 0, status: 500 };
  #subs: SubscriptionEntry[] | undefined;
  #discovering: Promise<SubscriptionEntry[]> | undefined;
  readonly #state = new Map<string, Map<string, StoredState>>();
  readonly #queues = new Map<string, { items: Queued[]; running: boolean }>();
  #server: ReturnType<typeof serve> | undefined;
  #stopped = false;

  constructor(private readonly opts: FakeDaprOptions = {}) {
    for (const s of opts.stateStores ?? ['taskwire-state']) this.#state.set(s, new Map());
  }

  get pubsubs(): string[] {
    return this.opts.pubsubs ?? ['taskwire-pubsub', 'taskwire-broadcast'];
  }

  #now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  /** The next `count` publishes fail with `status` (a broker outage). */
  failPublishes(count: number, status = 500): void {
    this.#failPublishes = { count, status };
  }

  async start(): Promise<this> {
    const app = this.#app();
    await new Promise<void>((resolve) => {
      this.#server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve());
    });
    const port = (this.#server!.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await new Promise<void>((resolve) => {
      if (!this.#server) return resolve();
      this.#server.close(() => resolve());
      (this.#server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
  }

  /** Asks the app for its subscriptions, as daprd does once the app is up. */
  discover(): Promise<SubscriptionEntry[]> {
    if (this.#subs) return Promise.resolve(this.#subs);
    this.#discovering ??= (async () => {
      if (!this.opts.appUrl) return [];
      const res = await fetch(`${this.opts.appUrl}/dapr/subscribe`, { headers: this.#appHeaders() });
      const subs = res.status === 200 ? ((await res.json()) as SubscriptionEntry[]) : [];
      this.#subs = subs;
      return subs;
    })();
    return this.#discovering;
  }

  /** Fires an input binding the way daprd does: OPTIONS to learn whether the app listens, then POST. */
  async triggerBinding(name: string, data: unknown = {}): Promise<number> {
    const url = `${this.opts.appUrl}/${name}`;
    const probe = await fetch(url, { method: 'OPTIONS', headers: this.#appHeaders() });
    await probe.body?.cancel();
    if (!(probe.status === 405 || (probe.status >= 200 && probe.status < 300))) {
      this.bindingCalls.push({ name, status: probe.status });
      return probe.status;
    }
    const res = await fetch(url, {
      method: 'POST',
      headers: { ...this.#appHeaders(), 'content-type': 'application/json' },
      body: JSON.stringify(data),
    });
    await res.body?.cancel();
    this.bindingCalls.push({ name, status: res.status });
    return res.status;
  }

  /** Resolves once every queued delivery has been answered. */
  async idle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ([...this.#queues.values()].some((q) => q.items.length > 0 || q.running)) {
      if (Date.now() > deadline) throw new Error('fake dapr: deliveries still pending');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  #appHeaders(): Record<string, string> {
    return this.opts.appToken ? { 'dapr-api-token': this.opts.appToken } : {};
  }

  #error(c: Context, status: number, errorCode: string, message: string): Response {
    return c.json({ errorCode, message }, status as 400);
  }

  #app(): Hono {
    const app = new Hono();
    app.use('*', async (c, next) => {
      const headers: Record<string, string> = {};
      c.req.raw.headers.forEach((v, k) => {
        headers[k] = v;
      });
      this.requests.push({
        method: c.req.method,
        path: new URL(c.req.url).pathname + new URL(c.req.url).search,
        headers,
      });
      const isHealth = c.req.path.startsWith('/v1.0/healthz');
      if (this.opts.apiToken && !isHealth && c.req.header('dapr-api-token') !== this.opts.apiToken) {
        return this.#error(c, 401, 'ERR_UNAUTHORIZED', 'invalid api token');
      }
      await next();
    });
    const health = (c: Context) =>
      this.healthy ? c.body(null, 204) : this.#error(c, 500, 'ERR_HEALTH_NOT_READY', 'dapr is not ready');
    app.get('/v1.0/healthz', health);
    app.get('/v1.0/healthz/outbound', health);

    app.post('/v1.0/publish/:pubsub/:topic', (c) => this.#publish(c));

    app.get('/v1.0/state/:store/:key', (c) => {
      const store = this.#state.get(c.req.param('store'));
      if (!store)
        return this.#error(
          c,
          400,
          'ERR_STATE_STORE_NOT_FOUND',
          `state store ${c.req.param('store')} is not found`,
        );
      const entry = this.#live(store, c.req.param('key'));
      if (!entry) return c.body(null, 204);
      return c.body(entry.value, 200, { etag: entry.etag, 'content-type': 'application/json' });
    });
    app.post('/v1.0/state/:store', async (c) => {
      const store = this.#state.get(c.req.param('store'));
      if (!store)
        return this.#error(
          c,
          400,
          'ERR_STATE_STORE_NOT_FOUND',
          `state store ${c.req.param('store')} is not found`,
        );
      let items: {
        key: string;
        value: unknown;
        etag?: string;
        options?: { concurrency?: string };
        metadata?: Record<string, string>;
      }[];
      try {
        items = JSON.parse(await c.req.text());
        if (!Array.isArray(items)) throw new Error('not an array');
      } catch (err) {
        return this.#error(
          c,
          400,
          'ERR_MALFORMED_REQUEST',
          `failed deserializing HTTP body: ${(err as Error).message}`,
        );
      }
      for (const item of items) {
        if (typeof item.key !== 'string' || item.key.includes('||'))
          return this.#error(c, 400, 'ERR_MALFORMED_REQUEST', 'bad key');
        const current = this.#live(store, item.key);
        if (item.etag !== undefined && item.etag !== '') {
          if (!UUID_RE.test(item.etag))
            return this.#error(
              c,
              400,
              'ERR_STATE_SAVE',
              `failed saving state in state store: invalid etag value: ${item.etag}`,
            );
          if (!current || current.etag !== item.etag)
            return this.#error(
              c,
              409,
              'ERR_STATE_SAVE',
              'failed saving state in state store: possible etag mismatch',
            );
        } else if (item.options?.concurrency === 'first-write' && current) {
          return this.#error(
            c,
            409,
            'ERR_STATE_SAVE',
            'failed saving state in state store: possible etag mismatch',
          );
        }
        const ttl = Number(item.metadata?.ttlInSeconds ?? 0);
        store.set(item.key, {
          value: JSON.stringify(item.value),
          etag: randomUUID(),
          ...(ttl > 0 ? { expiresAt: this.#now() + ttl * 1000 } : {}),
        });
      }
      return c.body(null, 204);
    });
    app.delete('/v1.0/state/:store/:key', (c) => {
      const store = this.#state.get(c.req.param('store'));
      if (!store)
        return this.#error(
          c,
          400,
          'ERR_STATE_STORE_NOT_FOUND',
          `state store ${c.req.param('store')} is not found`,
        );
      const key = c.req.param('key');
      const etag = c.req.header('if-match');
      const current = this.#live(store, key);
      if (etag !== undefined) {
        if (!UUID_RE.test(etag))
          return this.#error(
            c,
            400,
            'ERR_STATE_DELETE',
            `failed deleting state: invalid etag value: ${etag}`,
          );
        if (!current || current.etag !== etag)
          return this.#error(c, 409, 'ERR_STATE_DELETE', 'failed deleting state: possible etag mismatch');
      }
      store.delete(key);
      return c.body(null, 204);
    });

    app.get('/v1.0/secrets/:store/:name', (c) => {
      const store = this.opts.secretStores?.[c.req.param('store')];
      if (!store)
        return this.#error(
          c,
          401,
          'ERR_SECRET_STORE_NOT_FOUND',
          `failed finding secret store with key ${c.req.param('store')}`,
        );
      const secret = store[c.req.param('name')];
      if (!secret)
        return this.#error(
          c,
          500,
          'ERR_SECRET_GET',
          `failed getting secret with key ${c.req.param('name')}: secret not found`,
        );
      return c.json(secret);
    });

    return app;
  }

  #live(store: Map<string, StoredState>, key: string): StoredState | undefined {
    const entry = store.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.#now()) {
      store.delete(key);
      return undefined;
    }
    return entry;
  }

  async #publish(c: Context): Promise<Response> {
    const pubsub = c.req.param('pubsub')!;
    const topic = c.req.param('topic')!;
    if (!this.pubsubs.includes(pubsub))
      return this.#error(c, 404, 'ERR_PUBSUB_NOT_FOUND', `pubsub ${pubsub} not found`);
    if (this.#failPublishes.count > 0) {
      this.#failPublishes.count--;
      return this.#error(
        c,
        this.#failPublishes.status,
        'ERR_PUBSUB_PUBLISH_MESSAGE',
        'error when publish to topic: broker unavailable',
      );
    }
    const contentType = c.req.header('content-type') ?? 'text/plain';
    const body = await c.req.text();
    const traceparent =
      c.req.header('traceparent') ??
      `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
    const tracestate = c.req.header('tracestate') ?? '';
    let event: Record<string, unknown>;
    if (contentType.startsWith('application/cloudevents+json')) {
      try {
        event = JSON.parse(body);
      } catch {
        return this.#error(c, 400, 'ERR_PUBSUB_CLOUD_EVENTS_SER', 'cloudevent is not valid JSON');
      }
      for (const field of ['specversion', 'id', 'source', 'type']) {
        if (typeof event[field] !== 'string')
          return this.#error(c, 400, 'ERR_PUBSUB_CLOUD_EVENTS_SER', `cloudevent is missing ${field}`);
      }
    } else {
      let data: unknown = body;
      if (contentType.includes('json')) {
        try {
          data = JSON.parse(body);
        } catch {
          data = body;
        }
      }
      event = {
        id: randomUUID(),
        specversion: '1.0',
        source: 'Dapr',
        type: 'com.dapr.event.sent',
        datacontenttype: contentType,
        data,
      };
    }
    // What Dapr's FromCloudEvent does: trace context, topic and component name are the sidecar's.
    Object.assign(event, { traceid: traceparent, traceparent, tracestate, topic, pubsubname: pubsub });
    const url = new URL(c.req.url);
    const partitionKey =
      url.searchParams.get('metadata.partitionKey') ?? url.searchParams.get('metadata.__key') ?? undefined;
    this.published.push({ pubsub, topic, partitionKey, contentType, event });
    const subs = await this.discover();
    // The components share one Kafka: every component's subscriptions to this topic get the message.
    for (const sub of subs.filter((s) => s.topic === topic && this.pubsubs.includes(s.pubsubname))) {
      const path = this.#route(sub, event);
      if (!path) {
        this.dropped.push({ path: '', event, why: 'no route matched' });
        continue;
      }
      const partition = hash(partitionKey ?? String(event.id)) % (this.opts.partitions ?? 4);
      this.#enqueue(`${sub.pubsubname}|${sub.topic}|${partition}`, { sub, path, event });
    }
    return c.body(null, 204);
  }

  #route(sub: SubscriptionEntry, event: Record<string, unknown>): string | undefined {
    if (sub.route) return sub.route;
    for (const rule of sub.routes?.rules ?? []) if (matchesCel(rule.match, event)) return rule.path;
    return sub.routes?.default;
  }

  #enqueue(key: string, item: Queued): void {
    let q = this.#queues.get(key);
    if (!q) {
      q = { items: [], running: false };
      this.#queues.set(key, q);
    }
    q.items.push(item);
    if (!q.running) void this.#run(q);
  }

  async #run(q: { items: Queued[]; running: boolean }): Promise<void> {
    q.running = true;
    try {
      while (q.items.length > 0 && !this.#stopped) {
        const item = q.items[0]!;
        await this.#deliver(item);
        q.items.shift();
      }
    } finally {
      q.running = false;
    }
  }

  async #deliver({ sub, path, event }: Queued): Promise<void> {
    const maxRetries = this.opts.maxRetries ?? 20;
    for (let attempt = 0; !this.#stopped; attempt++) {
      let verdict: 'SUCCESS' | 'RETRY' | 'DROP';
      try {
        const res = await fetch(`${this.opts.appUrl}${path}`, {
          method: 'POST',
          headers: { ...this.#appHeaders(), 'content-type': 'application/cloudevents+json' },
          body: JSON.stringify(event),
        });
        const text = await res.text();
        if (res.status === 404) verdict = 'DROP';
        else if (res.status >= 200 && res.status < 300) {
          const status = text ? ((JSON.parse(text) as { status?: string }).status ?? 'SUCCESS') : 'SUCCESS';
          verdict = status === 'SUCCESS' || status === 'DROP' ? status : 'RETRY';
        } else verdict = 'RETRY';
      } catch {
        if (this.#stopped) return;
        verdict = 'RETRY';
      }
      this.deliveries.push({ path, status: verdict, eventId: event.id });
      if (verdict === 'SUCCESS') return;
      if (verdict === 'DROP') {
        this.dropped.push({ path, event, why: 'app answered DROP' });
        return;
      }
      if (attempt >= maxRetries) {
        this.deadLettered.push({ topic: sub.deadLetterTopic ?? '', event });
        return;
      }
      await new Promise((r) => setTimeout(r, this.opts.retryIntervalMs ?? 10));
    }
  }
}
