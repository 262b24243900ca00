/**
 * Live updates with more than one task-stream replica on Knative: a Trigger would deliver each event
 * to one pod, so every replica follows the outbox's published rows instead (announced by the relays
 * on a PostgreSQL channel). Real processes (runtime/function-main.ts, BUS=knative), a local broker
 * speaking Knative Eventing's ingress protocol with no Trigger for task-stream, real PostgreSQL.
 */
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/harness';
import { KnativeBrokerStandIn } from '../support/knative-broker';
import { ServerProcess } from '../support/server-process';
import { openStream } from '../support/sse';

const ENTRY = 'runtime/function-main.ts';
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(stops.splice(0).map((s) => s()));
});

describe('task-stream with two replicas on Knative', () => {
  it('every replica delivers every change; a lost listener connection makes clients resync', async () => {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('TEST_DATABASE_URL is not set (the global setup starts PostgreSQL)');
    const databaseUrl = await freshDatabase(url);
    const broker = new KnativeBrokerStandIn();
    const sink = await broker.start();
    stops.push(() => broker.stop());
    const env = {
      BUS: 'knative',
      K_SINK: sink,
      TICKS: 'external',
      DATABASE_URL: databaseUrl,
      OUTBOX_POLL_MS: '200',
    };
    const create = new ServerProcess({ ...env, FUNCTION: 'create-task' }, ENTRY);
    const streams = [1, 2].map(() => new ServerProcess({ ...env, FUNCTION: 'task-stream' }, ENTRY));
    for (const p of [create, ...streams]) stops.push(() => p.stop());
    await Promise.all([create, ...streams].map((p) => p.start(120_000)));

    const clients = await Promise.all(streams.map((s) => openStream(`${s.base}/api/stream`)));
    for (const c of clients) await c.waitFor((e) => e.event === 'hello', 10_000);

    const res = await fetch(`${create.base}/api/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title":"Seen by every replica"}',
    });
    expect(res.status).toBe(201);
    const task = (await res.json()) as { id: string };
    for (const c of clients) {
      const update = await c.waitFor((e) => e.event === 'update' && (e.data ?? '').includes(task.id), 15_000);
      expect(JSON.parse(update.data!).updates).toEqual(
        expect.arrayContaining([expect.objectContaining({ kind: 'task', taskId: task.id })]),
      );
    }

    // The listening connection drops: what was announced meanwhile is unknown, so clients resync.
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const killed = await admin`
        select pg_terminate_backend(pid) as ok from pg_stat_activity
        where application_name = 'taskwire-published-feed' and datname = current_database()`;
      expect(killed.length).toBe(2);
    } finally {
      await admin.end();
    }
    for (const c of clients) await c.waitFor((e) => e.event === 'reset', 20_000);

    // And after the reconnection, changes flow again.
    const again = await fetch(`${create.base}/api/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title":"After the reconnection"}',
    });
    const second = (await again.json()) as { id: string };
    for (const c of clients) {
      await c.waitFor((e) => e.event === 'update' && (e.data ?? '').includes(second.id), 15_000);
      await c.close();
    }
  });
});
