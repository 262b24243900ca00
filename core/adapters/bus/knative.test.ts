import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { defineFunction } from '../../../functions/_runtime/define-function';
import { createFunctionApp } from '../../../functions/_runtime/http-app';
import { instantiate } from '../../../functions/_runtime/instance';
import { mountKnativeDeadLetters } from '../../../runtime/profiles/knative';
import { startTestHost, type TestHost } from '../../../test/support/harness';
import { KnativeBrokerStandIn } from '../../../test/support/knative-broker';
import { newTask, toView } from '../../domain/task';
import { NonRetriableError, ValidationError } from '../../errors';
import { parseEvent, TaskCreated, TaskUpdated } from '../../events/catalog';
import type { TaskwireEvent } from '../../events/define-event';
import { fromHttp, toBinaryHttp, toStructuredHttp } from '../../events/http-binding';
import { createLogger } from '../../observability/logger';
import type { DeadLetterSink, EventBus, Subscription } from '../../ports/bus';
import { contractEvent, runBusContract } from './contract';
import { BrokerRejectedError, KnativeBus } from './knative';

const log = createLogger({ level: 'silent' });
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A stand-in for the broker's ingress: records binary-mode POSTs and answers `respond`. */
async function broker(
  respond: (r: Received, n: number, req: IncomingMessage) => number | 'reset' = () => 202,
) {
  const received: Received[] = [];
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      {
        fetch: async (req, env) => {
          const incoming = (env as { incoming: IncomingMessage }).incoming;
          const headers: Record<string, string> = {};
          req.headers.forEach((v, k) => {
            headers[k] = v;
          });
          const r = { headers, body: await req.text() };
          received.push(r);
          const answer = respond(r, received.length, incoming);
          if (answer === 'reset') {
            incoming.socket.destroy();
            return new Response(null, { status: 500 });
          }
          // Small random delays, as a real broker has, so that out-of-order sends would show.
          await new Promise((res) => setTimeout(res, Math.random() * 3));
          return new Response(null, { status: answer });
        },
        hostname: '127.0.0.1',
        port: 0,
      },
      () => resolve(s),
    );
  });
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, received };
}

const buses: KnativeBus[] = [];
afterEach(async () => {
  await Promise.all(buses.splice(0).map((b) => b.stop()));
});
async function knativeBus(sink: string, retries = 3) {
  const bus = new KnativeBus({ sink, log, retries, backoffMs: 5 });
  await bus.start();
  buses.push(bus);
  return bus;
}

describe('KnativeBus: publishing to the broker', () => {
  it('POSTs binary-mode CloudEvents with every extension, partitionkey included', async () => {
    const b = await broker();
    const bus = await knativeBus(b.url);
    const event: TaskwireEvent = {
      ...contractEvent(TaskUpdated.type, 'task-9', 4, { title: 'Call mom ☎' }),
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    };
    await bus.publish([event]);
    expect(b.received).toHaveLength(1);
    const { headers, body } = b.received[0]!;
    expect(headers).toMatchObject({
      'ce-specversion': '1.0',
      'ce-id': event.id,
      'ce-type': TaskUpdated.type,
      'ce-source': event.source,
      'ce-partitionkey': 'task-9',
      'ce-sequence': '4',
      'ce-correlationid': event.correlationid,
      'ce-traceparent': event.traceparent,
    });
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(body)).toEqual(event.data);
    const back = fromHttp(headers, body);
    expect({ ...back, sequence: Number(back.sequence), schemaversion: Number(back.schemaversion) }).toEqual(
      event,
    );
  });

  it('keeps each partition key in order, keys in parallel', async () => {
    const b = await broker();
    const bus = await knativeBus(b.url);
    const events = Array.from({ length: 60 }, (_, i) =>
      contractEvent(TaskUpdated.type, `key-${i % 6}`, Math.floor(i / 6) + 1),
    );
    await bus.publish(events);
    for (let k = 0; k < 6; k++) {
      const seqs = b.received
        .filter((r) => r.headers['ce-partitionkey'] === `key-${k}`)
        .map((r) => Number(r.headers['ce-sequence']));
      expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    }
  });

  it('retries 5xx answers and dropped connections with backoff, then succeeds', async () => {
    const b = await broker((_r, n) => (n === 1 ? 503 : n === 2 ? 'reset' : 202));
    const bus = await knativeBus(b.url);
    await bus.publish([contractEvent(TaskCreated.type, 'k', 1)]);
    expect(b.received).toHaveLength(3);
    expect(new Set(b.received.map((r) => r.headers['ce-id'])).size).toBe(1);
  });

  it('does not retry a 400, and gives up after the retries on a broker that keeps failing', async () => {
    const refusing = await broker(() => 400);
    const bus = await knativeBus(refusing.url);
    await expect(bus.publish([contractEvent(TaskCreated.type, 'k', 1)])).rejects.toBeInstanceOf(
      BrokerRejectedError,
    );
    expect(refusing.received).toHaveLength(1);
    const failing = await broker(() => 500);
    const bus2 = await knativeBus(failing.url, 2);
    await expect(bus2.publish([contractEvent(TaskCreated.type, 'k', 1)])).rejects.toThrow(/500/);
    expect(failing.received).toHaveLength(3);
  });

  it('refuses to publish once stopped, and stop() cuts a backoff short', async () => {
    const failing = await broker(() => 503);
    const bus = new KnativeBus({ sink: failing.url, log, retries: 5, backoffMs: 60_000 });
    await bus.start();
    const pending = bus.publish([contractEvent(TaskCreated.type, 'k', 1)]);
    while (failing.received.length === 0) await new Promise((r) => setTimeout(r, 5));
    const t0 = Date.now();
    await bus.stop();
    await expect(pending).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(await bus.healthy()).toBe(false);
    await expect(bus.publish([contractEvent(TaskCreated.type, 'k', 2)])).rejects.toThrow(/stopped/);
  });
});

describe('a function receiving Trigger deliveries over real HTTP (binary and structured mode)', () => {
  let host: TestHost | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  const seen: string[] = [];
  const probe = defineFunction({
    id: 'knative-probe',
    description: 'answers per title: ok, invalid (ValidationError), poison (NonRetriableError), else throws',
    on: [TaskCreated],
    handler: async ({ event }) => {
      const title = (event.data as { task: { title: string } }).task.title;
      seen.push(event.id);
      if (title === 'invalid')
        throw new ValidationError('title: not allowed', [
          { field: 'data.task.title', message: 'not allowed' },
        ]);
      if (title === 'poison') throw new NonRetriableError('cannot ever process this');
      if (title !== 'ok') throw new Error('database unavailable');
      return {};
    },
  });

  async function serveProbe(): Promise<string> {
    host = await startTestHost({ functions: [probe] });
    const app = createFunctionApp(instantiate(probe, host.deps), []);
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  function created(title: string): TaskwireEvent {
    const task = newTask({ title }, { id: randomUUID(), now: new Date(), defaultTimezone: 'UTC' });
    return TaskCreated.create(
      { data: { task: toView(task), actor: 'api' }, subject: task.id, sequence: 1 },
      { source: '/test', correlationId: 'c-k' },
    );
  }

  it('2xx acknowledges (binary and structured), with a reply that is not a CloudEvent', async () => {
    const url = await serveProbe();
    for (const encode of [toBinaryHttp, toStructuredHttp]) {
      const { headers, body } = encode(created('ok'));
      const res = await fetch(url, { method: 'POST', headers, body });
      expect(res.status).toBe(200);
      expect([...res.headers.keys()].filter((k) => k.startsWith('ce-'))).toEqual([]);
      expect(res.headers.get('content-type')).not.toMatch(/cloudevents/);
      expect(await res.json()).toEqual({ outcome: 'processed' });
    }
    const again = toBinaryHttp(created('ok'));
    await fetch(url, { method: 'POST', ...again });
    expect(await (await fetch(url, { method: 'POST', ...again })).json()).toEqual({ outcome: 'duplicate' });
  });

  it('4xx for what must never be retried, 5xx for what may succeed later', async () => {
    const url = await serveProbe();
    const cases: [string, (e: TaskwireEvent) => { headers: Record<string, string>; body: string }, number][] =
      [
        ['invalid', toBinaryHttp, 400],
        ['poison', toStructuredHttp, 422],
        ['broken', toBinaryHttp, 500],
        ['broken', toStructuredHttp, 500],
      ];
    for (const [title, encode, status] of cases) {
      const res = await fetch(url, { method: 'POST', ...encode(created(title)) });
      expect(res.status, `${title} via ${encode.name}`).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    const notAnEvent = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"hello":1}',
    });
    expect(notAnEvent.status).toBe(400);
  });

  it('end to end: KnativeBus → broker stand-in → Trigger delivery to the function', async () => {
    const url = await serveProbe();
    // The stand-in forwards each accepted event to the subscriber as a Trigger would.
    const statuses: number[] = [];
    const forwarding = await broker((r) => {
      void fetch(url, { method: 'POST', headers: r.headers, body: r.body }).then((res) =>
        statuses.push(res.status),
      );
      return 202;
    });
    const bus = await knativeBus(forwarding.url);
    const event = created('ok');
    await bus.publish([event]);
    const deadline = Date.now() + 5_000;
    while (statuses.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(statuses).toEqual([200]);
    expect(seen).toContain(event.id);
    expect(parseEvent(fromHttp(forwarding.received[0]!.headers, forwarding.received[0]!.body))).toEqual(
      event,
    );
  });
});

/**
 * KnativeBus as a function sees it in a cluster: it publishes to the broker's ingress, and Triggers
 * (here registered from the subscriptions, as gen-knative generates them from the declarations)
 * deliver to each subscriber's HTTP endpoint; what a Trigger gives up on reaches the dead-letter
 * route every function serves.
 */
class TriggeredKnativeBus implements EventBus {
  readonly kind = 'knative';
  readonly #subs: Subscription[] = [];
  readonly #servers: ReturnType<typeof serve>[] = [];
  readonly #broker = new KnativeBrokerStandIn();
  #bus: KnativeBus | undefined;

  constructor(
    private readonly namespace: string,
    private readonly deadLetters: DeadLetterSink,
  ) {}

  subscribe(sub: Subscription): void {
    this.#subs.push(sub);
  }

  async start(): Promise<void> {
    for (const sub of this.#subs) {
      const app = new Hono();
      app.post('/', async (c) => {
        const headers: Record<string, string> = {};
        c.req.raw.headers.forEach((v, k) => {
          headers[k] = v;
        });
        const event = fromHttp(headers, await c.req.text()) as unknown as TaskwireEvent;
        try {
          const { status, detail } = await sub.deliver(event);
          return c.text(detail ?? '', status as 200);
        } catch (err) {
          return c.text((err as Error).message, 500);
        }
      });
      mountKnativeDeadLetters(app, this.deadLetters, () => sub.delivery.retry + 1);
      const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
        const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
      });
      this.#servers.push(server);
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      this.#broker.addTrigger({
        name: sub.consumer,
        types: sub.types,
        subscriber: `${base}/`,
        destination: `http://${sub.consumer}.${this.namespace}.svc.cluster.local/`,
        deadLetterSink: `${base}/knative/dead-letters`,
        delivery: sub.delivery,
      });
    }
    const sink = await this.#broker.start();
    this.#bus = new KnativeBus({ sink, log, backoffMs: 5 });
    await this.#bus.start();
  }

  async stop(): Promise<void> {
    await this.#bus?.stop();
    await this.#broker.stop();
    await Promise.all(this.#servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }

  healthy(): Promise<boolean> {
    return this.#bus?.healthy() ?? Promise.resolve(false);
  }

  publish(events: readonly TaskwireEvent[]): Promise<void> {
    if (!this.#bus) return Promise.reject(new Error('bus is not started'));
    return this.#bus.publish(events);
  }
}

runBusContract(
  "knative (KnativeBus, a local broker speaking Knative Eventing's data plane, Triggers over HTTP)",
  ({ namespace, deadLetters }) => new TriggeredKnativeBus(namespace, deadLetters),
  { capabilities: { durable: false, distributed: false, batching: false, thrownStatus: 500 } },
);
