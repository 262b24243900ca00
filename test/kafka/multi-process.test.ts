/**
 * The multi-process mode end to end (`runtime/supervisor.ts`): every function as its own process,
 * two task-stream instances, the gateway, a real Kafka and PostgreSQL, tracing exported to a local
 * OTLP/HTTP collector. One launch serves the whole file; the SIGKILL test runs last.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBrokers, toKafkaRecord } from '../../core/adapters/bus/kafka';
import { TaskCreated } from '../../core/events/catalog';
import { makeTestCa, type PushService, startPushService, subscriptionJson } from '../support/push-service';
import { openStream } from '../support/sse';
import {
  counter,
  kafkaNamespace,
  MultiProcess,
  newDatabase,
  sharedBrokers,
  sqlClient,
  startCollector,
  waitFor,
} from './support';

const brokers = sharedBrokers();
const ns = kafkaNamespace(brokers);
let databaseUrl = '';
let multi: MultiProcess;
let collector: Awaited<ReturnType<typeof startCollector>>;
let db: ReturnType<typeof sqlClient>;
let push: PushService;

beforeAll(async () => {
  databaseUrl = await newDatabase();
  db = sqlClient(databaseUrl);
  collector = await startCollector();
  const ca = makeTestCa();
  push = await startPushService(ca);
  multi = new MultiProcess(
    {
      NODE_EXTRA_CA_CERTS: ca.caFile,
      KAFKA_BROKERS: brokers,
      DATABASE_URL: databaseUrl,
      ...ns.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      // No sweep during the run: a reminder fires on time only if fire-reminders is woken.
      REMINDER_SWEEP_MS: '600000',
    },
    ['--replicas', 'task-stream=2'],
  );
  await multi.start();
}, 300_000);

afterAll(async () => {
  const code = await multi?.stop();
  await db?.end({ timeout: 5 });
  await collector?.close();
  await push?.close();
  await ns.cleanup();
  expect(code, `supervisor exit code; log: ${multi?.logFile}`).toBe(0);
}, 120_000);

async function api<T = Record<string, unknown>>(
  path: string,
  init: { method?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(`${multi.base}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

async function auditOf(entityId: string): Promise<{ action: string; details: Record<string, unknown> }[]> {
  return (
    await api<{ entries: { action: string; details: Record<string, unknown> }[] }>(
      `/api/audit?entityId=${entityId}&limit=200`,
    )
  ).body.entries;
}

describe('multi-process mode over Kafka', { timeout: 120_000 }, () => {
  it('runs every function as its own process, plus two task-stream instances and the gateway', () => {
    const state = multi.state()!;
    const pids = state.processes.map((p) => p.pid);
    expect(new Set(pids).size).toBe(pids.length);
    // Each process on a port of its own (bound by the supervisor and handed over, never guessed).
    const urls = state.processes.map((p) => p.url);
    expect(new Set(urls).size).toBe(urls.length);
    expect(state.processes.filter((p) => p.function === 'task-stream')).toHaveLength(2);
    expect(state.processes.find((p) => p.name === 'gateway')?.url).toBe(multi.base);
    expect(state.processes.every((p) => p.status === 'ready' && p.restarts === 0)).toBe(true);
  });

  it('create → audited: the create-task process writes, audit-sink (another process) records it once', async () => {
    const created = await api<{ id: string }>('/api/tasks', { method: 'POST', json: { title: 'Buy milk' } });
    expect(created.status).toBe(201);
    const entries = await waitFor(
      'the audit entry',
      () => auditOf(created.body.id),
      (e) => e.length > 0,
      20_000,
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'created', details: { title: 'Buy milk' } });
  });

  it('completing a recurring task → on-task-completed (its own process) creates the next instance', async () => {
    const due = new Date(Date.now() + 3_600_000);
    due.setUTCSeconds(0, 0);
    const first = await api<{ id: string; seriesId: string }>('/api/tasks', {
      method: 'POST',
      json: {
        title: 'Water plants',
        due: due.toISOString(),
        recurrence: { frequency: 'daily', interval: 1 },
      },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect((await api(`/api/tasks/${first.body.id}/complete`, { method: 'POST' })).status).toBe(200);
    const next = await waitFor(
      'the next occurrence',
      async () =>
        (
          await api<{ tasks: { id: string; seriesId: string; due: string }[] }>(
            '/api/tasks?status=active&limit=200',
          )
        ).body.tasks.filter((t) => t.seriesId === first.body.seriesId),
      (ts) => ts.length > 0,
      30_000,
    );
    expect(next).toHaveLength(1);
    expect(next[0]!.id).not.toBe(first.body.id);
    expect(new Date(next[0]!.due).getTime()).toBe(due.getTime() + 86_400_000);
  });

  it('a reminder: schedule-reminders, fire-reminders and send-notification (three processes) → an in-app notification, on time', async () => {
    const triggerAt = Date.now() + 4000;
    const task = await api<{ id: string }>('/api/tasks', {
      method: 'POST',
      json: {
        title: 'Call mom',
        due: new Date(triggerAt + 60_000).toISOString(),
        reminders: [{ minutesBefore: 1 }],
      },
    });
    expect(task.status).toBe(201);
    const found = await waitFor(
      'the reminder notification',
      async () =>
        (
          await api<{ notifications: { kind: string; taskIds: string[]; createdAt: string }[] }>(
            '/api/notifications',
          )
        ).body.notifications.filter((n) => n.taskIds.includes(task.body.id)),
      (ns) => ns.length > 0,
      40_000,
      50,
    );
    expect(found).toHaveLength(1);
    expect(found[0]!.kind).toBe('reminder');
    // fire-reminders learnt of the new reminder from another process (a wake over PostgreSQL), so it
    // fired at its trigger time (its sweep is off here): typically tens of ms late, with room for a
    // loaded CI machine.
    const [row] = await db<{ late_ms: number }[]>`
      select extract(epoch from n.created_at - r.trigger_at) * 1000 as late_ms
      from reminders r join notifications n on n.task_ids @> to_jsonb(array[r.task_id::text])
      where r.task_id = ${task.body.id}`;
    expect(Number(row!.late_ms)).toBeGreaterThanOrEqual(0);
    expect(Number(row!.late_ms)).toBeLessThan(5000);
  });

  it('a reminder is pushed too: send-push (its own process and consumer group) → a web push, decrypted and verified', async () => {
    const subscription = push.subscribe();
    const subscribed = await api('/api/push/subscriptions', {
      method: 'POST',
      json: subscriptionJson(subscription),
    });
    expect(subscribed.status).toBe(201);
    const triggerAt = Date.now() + 4000;
    const task = await api<{ id: string }>('/api/tasks', {
      method: 'POST',
      json: {
        title: 'Feed the cat',
        due: new Date(triggerAt + 60_000).toISOString(),
        reminders: [{ minutesBefore: 1 }],
      },
    });
    expect(task.status).toBe(201);
    const [received] = await waitFor(
      'the push',
      () => push.received.filter((r) => r.subscriptionId === subscription.id),
      (list) => list.length > 0,
      40_000,
      50,
    );
    expect(push.rejected).toEqual([]);
    expect(received!.payload).toMatchObject({ title: 'Feed the cat', taskIds: [task.body.id] });
    // Woken by its own handler (the sweep is off here): it left soon after the trigger.
    expect(received!.at - triggerAt).toBeLessThan(5000);
  });

  it('two SSE gateway instances (each its own consumer group) both deliver a change to their clients', async () => {
    // Through the gateway, which hands event streams to the instances in turn, and straight to each.
    const viaGateway = [
      await openStream(`${multi.base}/api/stream`),
      await openStream(`${multi.base}/api/stream`),
    ];
    const replicas = viaGateway.map((s) => s.headers.get('x-taskwire-replica')).sort();
    expect(replicas).toEqual(['1', '2']);
    const direct = await Promise.all(
      ['task-stream#1', 'task-stream#2'].map((name) => openStream(`${multi.process(name).url}/api/stream`)),
    );
    const streams = [...viaGateway, ...direct];
    try {
      for (const s of streams) await s.waitFor((e) => e.event === 'hello');
      const created = await api<{ id: string }>('/api/tasks', {
        method: 'POST',
        json: { title: 'Seen everywhere' },
      });
      for (const s of streams) {
        await s.waitFor((e) => e.event === 'update' && (e.data ?? '').includes(created.body.id), 15_000);
      }
    } finally {
      for (const s of streams) await s.close();
    }
  });

  it('one user action is one trace across processes: gateway → create-task → Kafka → audit-sink', async () => {
    const traceId = randomUUID().replace(/-/g, '');
    const created = await api<{ id: string }>('/api/tasks', {
      method: 'POST',
      json: { title: 'Traced' },
      headers: { traceparent: `00-${traceId}-${'ab'.repeat(8)}-01` },
    });
    expect(created.status).toBe(201);
    await waitFor(
      'the audit entry',
      () => auditOf(created.body.id),
      (e) => e.length > 0,
      20_000,
    );
    const spans = await waitFor(
      'spans of gateway, create-task and audit-sink',
      () => collector.spans().filter((s) => s.traceId === traceId),
      (ss) =>
        ['taskwire-gateway', 'taskwire-create-task', 'taskwire-audit-sink'].every((svc) =>
          ss.some((s) => s.service === svc),
        ),
      20_000,
    );
    const find = (service: string, kind: number) =>
      spans.find((s) => s.service === service && s.kind === kind);
    // Kinds: 2 server, 3 client, 4 producer, 5 consumer.
    const gatewayServer = find('taskwire-gateway', 2)!;
    const gatewayClient = find('taskwire-gateway', 3)!;
    const server = find('taskwire-create-task', 2)!;
    const producer = find('taskwire-create-task', 4)!;
    const consumer = spans.find(
      (s) =>
        s.service === 'taskwire-audit-sink' &&
        s.kind === 5 &&
        s.attributes['cloudevents.event_subject'] === created.body.id,
    )!;
    expect(gatewayServer.parentSpanId).toBe('ab'.repeat(8));
    expect(gatewayClient.parentSpanId).toBe(gatewayServer.spanId);
    expect(server.parentSpanId).toBe(gatewayClient.spanId);
    expect(server.name).toBe('POST /api/tasks');
    expect(producer.parentSpanId).toBe(server.spanId);
    expect(producer.name).toBe('create task-events');
    expect(consumer.parentSpanId).toBe(producer.spanId);
    expect(consumer.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.consumer.group.name': 'audit-sink',
      'cloudevents.event_type': 'dev.taskwire.task.created.v1',
    });
    // The event on the wire carries the producer span's context.
    const [row] = await db<{ traceparent: string }[]>`
      select event->>'traceparent' as traceparent from outbox where partition_key = ${created.body.id}`;
    expect(row!.traceparent).toBe(`00-${traceId}-${producer.spanId}-01`);
  });

  it('100 rapid updates of one task: the stored task is the last one, and consumers saw them in order', async () => {
    const created = await api<{ id: string }>('/api/tasks', { method: 'POST', json: { title: 'v0' } });
    const id = created.body.id;
    const stream = await openStream(`${multi.base}/api/stream`);
    try {
      await stream.waitFor((e) => e.event === 'hello');
      for (let i = 1; i <= 100; i++) {
        const res = await api(`/api/tasks/${id}`, { method: 'PATCH', json: { title: `v${i}` } });
        expect(res.status).toBe(200);
      }
      const stored = await api<{ title: string; version: number }>(`/api/tasks/${id}`);
      expect(stored.body).toMatchObject({ title: 'v100', version: 101 });
      // audit-sink recorded every update once, in sequence order.
      const rows = await waitFor(
        'the 100 updates audited',
        () => db<{ version: string }[]>`
          select details->>'version' as version from audit_log
          where entity_id = ${id} and action = 'updated' order by id`,
        (rs) => rs.length >= 100,
        30_000,
      );
      expect(rows.map((r) => Number(r.version))).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
      // A stream client got the changes in increasing sequence, ending with the last one.
      await stream.waitFor((e) => e.event === 'update' && (e.data ?? '').includes('"sequence":101'), 15_000);
      const seen = stream
        .updates()
        .filter((u) => u.taskId === id && u.kind === 'task')
        .map((u) => u.sequence!);
      expect(seen.at(-1)).toBe(101);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(new Set(seen).size).toBe(seen.length);
    } finally {
      await stream.close();
    }
  });

  it('an injected duplicate delivery (the same CloudEvent record twice on the topic) has one effect', async () => {
    const auditSink = multi.process('audit-sink').url;
    const before = await counter(auditSink, 'taskwire_events_duplicate_total', { consumer: 'audit-sink' });
    const subject = randomUUID();
    const event = TaskCreated.create(
      {
        data: {
          task: {
            id: subject,
            title: 'Injected twice',
            description: null,
            due: null,
            timezone: 'UTC',
            priority: null,
            tags: [],
            status: 'active',
            completedAt: null,
            createdAt: new Date().toISOString(),
            updatedAt: new Date().toISOString(),
            deletedAt: null,
            version: 1,
            reminders: [],
            seriesId: null,
            occurrenceAt: null,
            catchUp: false,
            recurrence: null,
            recurrenceMode: null,
          },
          actor: 'test',
        },
        subject,
        sequence: 1,
      },
      { source: '/taskwire/tests/duplicate', correlationId: randomUUID() },
    );
    const record = toKafkaRecord(event);
    const producer = new Kafka({ brokers: parseBrokers(brokers), logLevel: logLevel.NOTHING }).producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      await producer.send({ topic: `${ns.prefix}task-events`, messages: [record] });
      await producer.send({ topic: `${ns.prefix}task-events`, messages: [record] });
    } finally {
      await producer.disconnect();
    }
    await waitFor(
      'the second delivery counted as a duplicate',
      () => counter(auditSink, 'taskwire_events_duplicate_total', { consumer: 'audit-sink' }),
      (n) => n >= before + 1,
      20_000,
    );
    const rows = await db`select 1 from audit_log where entity_id = ${subject}`;
    expect(rows).toHaveLength(1);
    const processed =
      await db`select 1 from processed_events where consumer = 'audit-sink' and event_id = ${event.id}`;
    expect(processed).toHaveLength(1);
  });

  it('SIGKILL of audit-sink in the middle of 1,000 events: restarted by the supervisor, every effect applied once, none lost', async () => {
    const victim = multi.process('audit-sink');
    const tag = `kill-${randomUUID().slice(0, 8)}`;
    const audited = async () =>
      Number(
        (
          await db<{ n: string }[]>`
          select count(*) as n from audit_log where action = 'created' and details->>'title' like ${`${tag} %`}`
        )[0]!.n,
      );
    const ids: string[] = [];
    let next = 0;
    const creating = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 1000) {
          const i = next++;
          const res = await api<{ id: string }>('/api/tasks', {
            method: 'POST',
            json: { title: `${tag} ${i}` },
          });
          expect(res.status).toBe(201);
          ids.push(res.body.id);
        }
      }),
    );
    const atKill = await waitFor('audit-sink under way', audited, (n) => n >= 100, 60_000, 10);
    process.kill(victim.pid!, 'SIGKILL');
    const killedAt = Date.now();
    expect(atKill, 'killed in the middle, not after the end').toBeLessThan(1000);
    await creating;
    expect(ids).toHaveLength(1000);
    const restarted = await waitFor(
      'the supervisor restarting audit-sink',
      () => multi.process('audit-sink'),
      (p) => p.restarts === 1 && p.status === 'ready' && p.pid !== victim.pid,
      60_000,
    );
    expect(restarted.pid).not.toBe(victim.pid);
    await waitFor('all 1,000 audited', audited, (n) => n >= 1000, 120_000, 100);
    const recoveredMs = Date.now() - killedAt;
    const [counts] = await db<{ rows: string; tasks: string }[]>`
      select count(*) as rows, count(distinct entity_id) as tasks from audit_log
      where action = 'created' and details->>'title' like ${`${tag} %`}`;
    expect(Number(counts!.rows)).toBe(1000);
    expect(Number(counts!.tasks)).toBe(1000);
    const auditedIds = new Set(
      (
        await db<{ entity_id: string }[]>`
        select entity_id from audit_log where action = 'created' and details->>'title' like ${`${tag} %`}`
      ).map((r) => r.entity_id),
    );
    expect(ids.every((id) => auditedIds.has(id))).toBe(true);
    const [dedupe] = await db<{ n: string }[]>`
      select count(*) as n from processed_events p join outbox o on o.event_id = p.event_id
      where p.consumer = 'audit-sink' and o.type = 'dev.taskwire.task.created.v1'
        and o.event->'data'->'task'->>'title' like ${`${tag} %`}`;
    expect(Number(dedupe!.n)).toBe(1000);
    const redelivered = await counter(restarted.url, 'taskwire_events_duplicate_total', {
      consumer: 'audit-sink',
    });
    console.log(
      `SIGKILL recovery: killed at ${atKill}/1000 audited; all 1000 audited ${recoveredMs} ms after the kill; ` +
        `${redelivered} redelivered events skipped as duplicates by the new process`,
    );
    const supervisorSaw = multi.logOf('supervisor').map((e) => String(e.message));
    expect(supervisorSaw.some((m) => m.startsWith('audit-sink killed by SIGKILL'))).toBe(true);
  }, 300_000);
});
