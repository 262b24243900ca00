/**
 * Function processes on the cluster profiles, as Knative or Dapr run them: `function-main.ts` with
 * BUS=knative (publishing to a broker stand-in) and BUS=dapr (behind a fake sidecar speaking Dapr's
 * HTTP API: secrets at start-up, subscriptions, deliveries, cron binding, health).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import postgres from 'postgres';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { toDaprCloudEvent } from '../../core/adapters/bus/dapr';
import { newTask, toView } from '../../core/domain/task';
import { TaskCreated } from '../../core/events/catalog';
import { fromHttp, toBinaryHttp } from '../../core/events/http-binding';
import { FakeDapr } from '../support/fake-dapr';
import { freshDatabase } from '../support/harness';
import { freePort, ServerProcess } from '../support/server-process';

const ENTRY = 'runtime/function-main.ts';
const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

async function database(): Promise<string> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set (the global setup starts PostgreSQL)');
  return freshDatabase(url);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function taskCreated(title: string) {
  const task = newTask({ title }, { id: randomUUID(), now: new Date(), defaultTimezone: 'UTC' });
  return TaskCreated.create(
    { data: { task: toView(task), actor: 'api' }, subject: task.id, sequence: 1 },
    { source: '/test', correlationId: `c-${task.id}` },
  );
}

describe('BUS=knative: a function process publishes to K_SINK', () => {
  const received: { headers: Record<string, string>; body: string }[] = [];
  let brokerServer: ReturnType<typeof serve> | undefined;
  afterAll(() => new Promise<void>((r) => (brokerServer ? brokerServer.close(() => r()) : r())));

  it('create-task writes the task and its event reaches the broker in binary mode, keyed by task', async () => {
    brokerServer = await new Promise((resolve) => {
      const s = serve(
        {
          fetch: async (req) => {
            const headers: Record<string, string> = {};
            req.headers.forEach((v, k) => {
              headers[k] = v;
            });
            received.push({ headers, body: await req.text() });
            return new Response(null, { status: 202 });
          },
          hostname: '127.0.0.1',
          port: 0,
        },
        () => resolve(s),
      );
    });
    const sink = `http://127.0.0.1:${(brokerServer!.address() as AddressInfo).port}/`;
    const databaseUrl = await database();
    const proc = new ServerProcess(
      {
        FUNCTION: 'create-task',
        BUS: 'knative',
        K_SINK: sink,
        TICKS: 'external',
        DATABASE_URL: databaseUrl,
        OUTBOX_POLL_MS: '200',
      },
      ENTRY,
    );
    running.push(proc);
    await proc.start();
    const res = await fetch(`${proc.base}/api/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title":"Buy milk"}',
    });
    expect(res.status).toBe(201);
    const task = (await res.json()) as { id: string };
    const delivered = await waitFor('the event at the broker', async () =>
      received.find((r) => r.headers['ce-subject'] === task.id),
    );
    expect(delivered.headers).toMatchObject({
      'ce-type': TaskCreated.type,
      'ce-partitionkey': task.id,
      'ce-specversion': '1.0',
    });
    expect(fromHttp(delivered.headers, delivered.body)).toMatchObject({
      type: TaskCreated.type,
      subject: task.id,
    });

    // What a Trigger gives up on arrives at the dead-letter sink with Knative's error extensions.
    const failed = taskCreated('never processed');
    const { headers, body } = toBinaryHttp(failed);
    const dl = await fetch(`${proc.base}/knative/dead-letters`, {
      method: 'POST',
      headers: {
        ...headers,
        'ce-knativeerrorcode': '503',
        'ce-knativeerrordest': 'http://audit-sink.taskwire.svc.cluster.local/',
        'ce-knativeerrordata': Buffer.from('database unavailable').toString('base64'),
      },
      body,
    });
    expect(dl.status).toBe(202);
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const rows =
        await sql`select consumer, status, reason, attempts, event_type from dead_letters where event_id = ${failed.id}`;
      expect(rows).toEqual([
        {
          consumer: 'audit-sink',
          status: 503,
          reason: 'database unavailable',
          attempts: 9,
          event_type: TaskCreated.type,
        },
      ]);
    } finally {
      await sql.end();
    }
  });
});

describe('DATABASE_POOL_MAX: what a function instance costs the database', () => {
  it('a function process holds no more connections than its pool allows, however many requests overlap', async () => {
    const databaseUrl = await database();
    const proc = new ServerProcess(
      {
        FUNCTION: 'list-tasks',
        BUS: 'knative',
        // list-tasks publishes nothing; the address is only required by BUS=knative.
        K_SINK: 'http://127.0.0.1:9/',
        TICKS: 'external',
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_MAX: '2',
      },
      ENTRY,
    );
    running.push(proc);
    await proc.start();
    const observer = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const name = new URL(databaseUrl).pathname.slice(1);
      const poolConnections = async () =>
        (
          await observer<{ n: number }[]>`
            select count(*)::int as n from pg_stat_activity
            where datname = ${name} and application_name = 'taskwire'`
        )[0]!.n;
      let peak = 0;
      const sampling = (async () => {
        for (let i = 0; i < 40; i++) {
          peak = Math.max(peak, await poolConnections());
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      const statuses = await Promise.all(
        Array.from({ length: 40 }, () => fetch(`${proc.base}/api/tasks`).then((r) => r.status)),
      );
      await sampling;
      expect(new Set(statuses)).toEqual(new Set([200]));
      peak = Math.max(peak, await poolConnections());
      expect(peak).toBeGreaterThanOrEqual(1);
      expect(peak).toBeLessThanOrEqual(2);
    } finally {
      await observer.end();
    }
  });
});

describe('BUS=dapr: a function process behind its sidecar', () => {
  async function start(fn: string, extra: Record<string, string> = {}) {
    const port = await freePort();
    const databaseUrl = await database();
    const sidecar = await new FakeDapr({
      appUrl: `http://127.0.0.1:${port}`,
      retryIntervalMs: 20,
      apiToken: 'sidecar-token-for-tests',
      secretStores: { kubernetes: { 'taskwire-database': { url: databaseUrl } } },
    }).start();
    running.push(sidecar);
    // DATABASE_URL is not in the environment: the process reads it from the secret store at start-up.
    const proc = new ServerProcess(
      {
        FUNCTION: fn,
        BUS: 'dapr',
        PORT: String(port),
        DAPR_HTTP_ENDPOINT: sidecar.url,
        DAPR_API_TOKEN: 'sidecar-token-for-tests',
        DAPR_SECRET_STORE: 'kubernetes',
        DAPR_SECRETS: 'DATABASE_URL=taskwire-database/url',
        TICKS: 'external',
        ...extra,
      },
      ENTRY,
    );
    running.push(proc);
    await proc.start();
    return { proc, sidecar, databaseUrl };
  }

  async function publish(sidecar: FakeDapr, event: object) {
    const res = await fetch(`${sidecar.url}/v1.0/publish/taskwire-pubsub/task-events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/cloudevents+json',
        'dapr-api-token': 'sidecar-token-for-tests',
      },
      body: JSON.stringify(event),
    });
    expect(res.status).toBe(204);
  }

  it('subscribes programmatically, applies deliveries once, and drops (dead-letters) invalid ones', async () => {
    const { proc, sidecar, databaseUrl } = await start('audit-sink');
    const subs = await sidecar.discover();
    expect(subs.map((s) => s.topic).sort()).toContain('task-events');
    expect(JSON.stringify(subs)).toContain(TaskCreated.type);

    const event = taskCreated('Call mom');
    await publish(sidecar, toDaprCloudEvent(event));
    await publish(sidecar, toDaprCloudEvent(event));
    const entries = await waitFor('the audit entry', async () => {
      const body = (await (await fetch(`${proc.base}/api/audit?entityId=${event.subject}`)).json()) as {
        entries: unknown[];
      };
      return body.entries.length > 0 ? body.entries : undefined;
    });
    await sidecar.idle();
    expect(entries).toHaveLength(1);
    expect(sidecar.deliveries.filter((d) => d.eventId === event.id).map((d) => d.status)).toEqual([
      'SUCCESS',
      'SUCCESS',
    ]);

    const bad = { ...taskCreated('x'), data: { task: { title: 42 } } };
    await publish(sidecar, toDaprCloudEvent(bad as never));
    await sidecar.idle();
    expect(sidecar.deliveries.find((d) => d.eventId === bad.id)?.status).toBe('DROP');
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql`select consumer, status, attempts from dead_letters where event_id = ${bad.id}`;
      expect(rows).toEqual([{ consumer: 'audit-sink', status: 400, attempts: 1 }]);
    } finally {
      await sql.end();
    }
  });

  it('ticks on the cron binding, and /ready follows the sidecar', async () => {
    const { proc, sidecar } = await start('purge-trash');
    expect(await sidecar.triggerBinding('purge-trash-tick')).toBe(200);
    expect(sidecar.bindingCalls).toEqual([{ name: 'purge-trash-tick', status: 200 }]);
    sidecar.healthy = false;
    const down = await fetch(`${proc.base}/ready`);
    expect(down.status).toBe(503);
    expect(((await down.json()) as { checks: Record<string, string> }).checks.dapr).toMatch(/failing/);
    sidecar.healthy = true;
    expect((await fetch(`${proc.base}/ready`)).status).toBe(200);
  });
});
