import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FakeDapr } from '../../../test/support/fake-dapr';
import { TaskCompleted, TaskCreated, TaskUpdated } from '../../events/catalog';
import { createLogger } from '../../observability/logger';
import type { DeadLetter, DeadLetterSink, Subscription } from '../../ports/bus';
import { DaprSidecar } from '../dapr/sidecar';
import { contractEvent, runBusContract } from './contract';
import { DaprBus, type DaprBusOptions, fromDaprCloudEvent, toDaprCloudEvent } from './dapr';

const log = createLogger({ level: 'silent' });
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** A DaprBus whose routes are served over real HTTP, behind a fake sidecar that delivers to them. */
async function daprBus(
  deadLetters: DeadLetterSink,
  extra: Partial<DaprBusOptions> = {},
  sidecarOpts: ConstructorParameters<typeof FakeDapr>[0] = {},
) {
  let handler: (req: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: (req) => handler(req), hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sidecar = await new FakeDapr({ appUrl, retryIntervalMs: 5, ...sidecarOpts }).start();
  const bus = new DaprBus({
    sidecar: new DaprSidecar({ baseUrl: sidecar.url, apiToken: sidecarOpts.apiToken }),
    pubsubName: 'taskwire-pubsub',
    broadcastPubsubName: 'taskwire-broadcast',
    deadLetters,
    log,
    backoffMs: 5,
    appToken: sidecarOpts.appToken,
    ...extra,
  });
  handler = bus.routes().fetch;
  cleanups.push(async () => {
    await sidecar.stop();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return { bus, sidecar, appUrl };
}

runBusContract(
  'dapr (fake sidecar, Kafka-like delivery)',
  async ({ deadLetters }) => (await daprBus(deadLetters)).bus,
  {
    capabilities: { durable: false, distributed: false, batching: true },
  },
);

function sink(): DeadLetterSink & { entries: DeadLetter[] } {
  const entries: DeadLetter[] = [];
  return { entries, record: async (e) => void entries.push(e) };
}

const FAST = { retry: 2, backoffPolicy: 'linear' as const, backoffDelayMs: 5 };

describe('DaprBus against the sidecar API', () => {
  const running: DaprBus[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((b) => b.stop()));
  });

  async function started(
    subs: Omit<Subscription, 'delivery'>[],
    extra: Partial<DaprBusOptions> = {},
    sidecarOpts = {},
  ) {
    const dead = sink();
    const made = await daprBus(dead, extra, sidecarOpts);
    for (const s of subs) made.bus.subscribe({ ...s, delivery: FAST });
    await made.bus.start();
    running.push(made.bus);
    return { ...made, dead };
  }

  it('publishes a structured CloudEvent with the partition key, keeping our trace context', async () => {
    const { bus, sidecar } = await started([]);
    const event = {
      ...contractEvent(TaskUpdated.type, 'task-7', 3, { x: 1 }),
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    };
    await bus.publish([event]);
    expect(sidecar.published).toHaveLength(1);
    const sent = sidecar.published[0]!;
    expect(sent).toMatchObject({ pubsub: 'taskwire-pubsub', topic: 'task-events', partitionKey: 'task-7' });
    expect(sent.contentType).toMatch(/^application\/cloudevents\+json/);
    // Dapr rewrote the trace fields and added its own: reading it back restores the event exactly.
    expect(sent.event.pubsubname).toBe('taskwire-pubsub');
    expect(fromDaprCloudEvent(sent.event)).toEqual(event);
    const publishCall = sidecar.requests.find((r) => r.path.startsWith('/v1.0/publish/'));
    expect(publishCall?.headers.traceparent).toBe(event.traceparent);
    expect(fromDaprCloudEvent(toDaprCloudEvent(contractEvent(TaskCreated.type, 'k', 1)))).not.toHaveProperty(
      'traceparent',
    );
  });

  it('answers GET /dapr/subscribe with one rule per topic listing the subscribed types', async () => {
    const noop = async () => ({ status: 200 });
    const { appUrl } = await started([
      { consumer: 'audit', types: [TaskCreated.type, TaskCompleted.type], deliver: noop },
      { consumer: 'stream', types: [TaskUpdated.type], deliver: noop, broadcast: true },
    ]);
    const res = await fetch(`${appUrl}/dapr/subscribe`);
    expect(await res.json()).toEqual([
      {
        pubsubname: 'taskwire-pubsub',
        topic: 'task-events',
        routes: {
          rules: [
            {
              match: `event.type == "${TaskCompleted.type}" || event.type == "${TaskCreated.type}"`,
              path: '/dapr/events/taskwire-pubsub/task-events',
            },
          ],
        },
      },
      {
        pubsubname: 'taskwire-broadcast',
        topic: 'task-events',
        routes: {
          rules: [
            {
              match: `event.type == "${TaskUpdated.type}"`,
              path: '/dapr/events/taskwire-broadcast/task-events',
            },
          ],
        },
      },
    ]);
  });

  it('maps outcomes to SUCCESS, RETRY and DROP; a rejected event is dead-lettered at once', async () => {
    let calls = 0;
    const { bus, sidecar, dead } = await started([
      {
        consumer: 'mapper',
        types: [TaskUpdated.type],
        deliver: async (e) => {
          calls++;
          if (e.sequence === 1) return { status: 200 };
          if (e.sequence === 2) return { status: 400, detail: 'data.task.title: required' };
          return calls < 5 ? { status: 503 } : { status: 200 };
        },
      },
    ]);
    await bus.publish([contractEvent(TaskUpdated.type, 'a', 1), contractEvent(TaskUpdated.type, 'b', 2)]);
    await sidecar.idle();
    expect(sidecar.deliveries.map((d) => d.status).sort()).toEqual(['DROP', 'SUCCESS']);
    expect(dead.entries).toMatchObject([{ consumer: 'mapper', status: 400, attempts: 1 }]);
    await bus.publish([contractEvent(TaskUpdated.type, 'c', 3)]);
    await sidecar.idle();
    expect(sidecar.deliveries.slice(2).map((d) => d.status)).toEqual(['RETRY', 'RETRY', 'SUCCESS']);
  });

  it('drops what the app cannot decode, and refuses the sidecar without the app token', async () => {
    const { appUrl } = await started(
      [{ consumer: 'x', types: [TaskUpdated.type], deliver: async () => ({ status: 200 }) }],
      {},
      { appToken: 's3cret-app' },
    );
    const bad = await fetch(`${appUrl}/dapr/events/taskwire-pubsub/task-events`, {
      method: 'POST',
      body: 'not json',
      headers: { 'dapr-api-token': 's3cret-app' },
    });
    expect(await bad.json()).toEqual({ status: 'DROP' });
    expect((await fetch(`${appUrl}/dapr/subscribe`)).status).toBe(401);
    expect(
      (await fetch(`${appUrl}/dapr/subscribe`, { headers: { 'dapr-api-token': 's3cret-app' } })).status,
    ).toBe(200);
  });

  it('retries a publish the sidecar failed, gives up on a 400, and sends the API token', async () => {
    const { bus, sidecar } = await started([], {}, { apiToken: 'sidecar-token' });
    sidecar.failPublishes(2, 500);
    await bus.publish([contractEvent(TaskUpdated.type, 'k', 1)]);
    expect(sidecar.published).toHaveLength(1);
    expect(sidecar.requests.filter((r) => r.path.startsWith('/v1.0/publish/'))).toHaveLength(3);
    expect(sidecar.requests.every((r) => r.headers['dapr-api-token'] === 'sidecar-token')).toBe(true);
    sidecar.failPublishes(1, 400);
    await expect(bus.publish([contractEvent(TaskUpdated.type, 'k', 2)])).rejects.toThrow(/400/);
    sidecar.failPublishes(10, 500);
    await expect(bus.publish([contractEvent(TaskUpdated.type, 'k', 3)])).rejects.toThrow(/500/);
  });

  it('is unhealthy while the sidecar is', async () => {
    const { bus, sidecar } = await started([]);
    expect(await bus.healthy()).toBe(true);
    sidecar.healthy = false;
    expect(await bus.healthy()).toBe(false);
  });
});
