/**
 * The Dapr mode end to end against a real daprd (`npm run test:dapr`, DAPRD from scripts/daprd.sh):
 * every function process with its own sidecar (`scripts/start-dapr.ts`), beside the real Kafka and
 * PostgreSQL. Events go through daprd's Kafka pub/sub, conversations through its PostgreSQL state
 * store, fire-reminders ticks on a cron binding, DATABASE_URL comes from the secret store, and a
 * consumer that keeps failing is retried by the Resiliency policy, then dead-lettered.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBrokers } from '../../core/adapters/bus/kafka';
import { counter, deleteNamespace, newDatabase, sharedBrokers, sqlClient, waitFor } from '../kafka/support';
import { openStream } from '../support/sse';
import {
  DaprMode,
  daprdBinary,
  daprdVersion,
  type RunResources,
  waitForConsumerGroups,
  writeResources,
} from './support';

/** The functions the flows below go through; task-stream twice (a broadcast subscription each). */
const FUNCTIONS = [
  'create-task',
  'list-tasks',
  'complete-task',
  'audit-sink',
  'on-task-completed',
  'schedule-reminders',
  'fire-reminders',
  'send-notification',
  'notifications',
  'task-stream',
  'chat',
  'dead-letters',
];
/** Consumer groups: one per subscribing function on taskwire-pubsub, one per task-stream replica. */
const SUBSCRIBERS = ['audit-sink', 'on-task-completed', 'schedule-reminders', 'send-notification'];
const TASK_STREAM_REPLICAS = 2;
const RETRY_INTERVAL_MS = 300;
/** audit-sink's delivery spec: retry 8, so 9 attempts. */
const AUDIT_ATTEMPTS = 9;

const brokers = sharedBrokers();
let daprd = '';
let databaseUrl = '';
let resources: RunResources;
let mode: DaprMode;
let db: ReturnType<typeof sqlClient>;

beforeAll(async () => {
  daprd = daprdBinary();
  databaseUrl = await newDatabase();
  db = sqlClient(databaseUrl);
  resources = writeResources({
    brokers,
    databaseUrl,
    tickSchedule: '@every 1s',
    retryInterval: `${RETRY_INTERVAL_MS}ms`,
    // More than audit-sink's bound: the function's delivery spec decides when to give up.
    maxRetries: AUDIT_ATTEMPTS + 2,
  });
  mode = new DaprMode(
    {
      DAPRD: daprd,
      KAFKA_BROKERS: brokers,
      DAPR_TOPIC_PREFIX: resources.prefix,
      DAPR_SECRET_STORE: 'taskwire-secrets',
      DAPR_SECRETS: 'DATABASE_URL=taskwire-database/url',
      // Both directions of Dapr's API tokens: app → sidecar and sidecar → app.
      DAPR_API_TOKEN: 'test-dapr-api-token',
      APP_API_TOKEN: 'test-app-api-token',
      REMINDER_SWEEP_MS: '600000',
    },
    [
      '--only',
      FUNCTIONS.join(','),
      '--replicas',
      `task-stream=${TASK_STREAM_REPLICAS}`,
      '--resources-path',
      resources.dir,
    ],
  );
  await mode.start();
  await waitForConsumerGroups(brokers, resources.prefix, SUBSCRIBERS.length + TASK_STREAM_REPLICAS, 90_000);
}, 360_000);

afterAll(async () => {
  const code = await mode?.stop();
  await db?.end({ timeout: 5 });
  if (resources) await deleteNamespace(brokers, resources.prefix);
  expect(code, `start-dapr exit code; log: ${mode?.logFile}`).toBe(0);
}, 120_000);

async function api<T = Record<string, unknown>>(
  path: string,
  init: { method?: string; json?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${mode.base}${path}`, {
    method: init.method ?? 'GET',
    headers: init.json !== undefined ? { 'content-type': 'application/json' } : {},
    body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function auditOf(entityId: string): Promise<{ action: string; details: Record<string, unknown> }[]> {
  return (
    await api<{ entries: { action: string; details: Record<string, unknown> }[] }>(
      `/api/audit?entityId=${entityId}&limit=200`,
    )
  ).body.entries;
}

/** The sidecar's own HTTP API, with the token it requires. */
async function sidecar(name: string, path: string): Promise<Response> {
  return fetch(`${mode.process(name).sidecar.url}${path}`, {
    headers: { 'dapr-api-token': 'test-dapr-api-token' },
  });
}

describe('the Dapr mode against a real daprd', { timeout: 120_000 }, () => {
  it('runs every function beside its own daprd 1.16.5, with the components of this run loaded', async () => {
    expect(daprdVersion(daprd)).toBe('1.16.5');
    const processes = mode.state()!.processes;
    expect(processes.map((p) => p.function).sort()).toEqual(
      [...FUNCTIONS, ...Array(TASK_STREAM_REPLICAS - 1).fill('task-stream')].sort(),
    );
    for (const p of processes) {
      expect(p.status, p.name).toBe('ready');
      expect(p.sidecar.status, `${p.name} sidecar`).toBe('ready');
      expect(readFileSync(`/proc/${p.sidecar.pid}/cmdline`, 'utf8').split('\0')[0]).toBe(daprd);
    }
    const meta = (await (await sidecar('fire-reminders', '/v1.0/metadata')).json()) as {
      id: string;
      runtimeVersion: string;
      components: { name: string; type: string }[];
    };
    expect(meta.id).toBe('fire-reminders');
    expect(meta.runtimeVersion).toBe('1.16.5');
    expect(meta.components.map((c) => `${c.name}=${c.type}`).sort()).toEqual([
      'fire-reminders-tick=bindings.cron',
      'taskwire-broadcast=pubsub.kafka',
      'taskwire-pubsub=pubsub.kafka',
      'taskwire-secrets=secretstores.local.file',
      'taskwire-state=state.postgresql',
    ]);
  });

  it('DATABASE_URL reaches the functions only through the secret store', async () => {
    for (const p of mode.state()!.processes) {
      const environ = readFileSync(`/proc/${p.pid}/environ`, 'utf8').split('\0');
      expect(
        environ.some((v) => v.startsWith('DATABASE_URL=')),
        p.name,
      ).toBe(false);
    }
    const res = await sidecar('create-task', '/v1.0/secrets/taskwire-secrets/taskwire-database');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ url: databaseUrl });
    // Without the API token the sidecar refuses the app.
    const refused = await fetch(
      `${mode.process('create-task').sidecar.url}/v1.0/secrets/taskwire-secrets/taskwire-database`,
    );
    expect(refused.status).toBe(401);
  });

  it('create → audited: the event travels through daprd and Kafka to audit-sink, recorded once', async () => {
    const created = await api<{ id: string }>('/api/tasks', { method: 'POST', json: { title: 'Buy milk' } });
    expect(created.status).toBe(201);
    const entries = await waitFor(
      'the audit entry',
      () => auditOf(created.body.id),
      (e) => e.length > 0,
      30_000,
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'created', details: { title: 'Buy milk' } });
    // On the topic: the structured CloudEvent daprd wrote, keyed by the task.
    const record = await findOnTopic(`${resources.prefix}task-events`, (v) => v.subject === created.body.id);
    expect(record.key).toBe(created.body.id);
    expect(record.value).toMatchObject({
      type: 'dev.taskwire.task.created.v1',
      pubsubname: 'taskwire-pubsub',
      topic: `${resources.prefix}task-events`,
      partitionkey: created.body.id,
    });
  });

  it('completing a recurring task → on-task-completed creates the next instance', async () => {
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

  it('a reminder: scheduled from an event, fired by the cron binding, notified by another function', async () => {
    const triggerAt = Date.now() + 3000;
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
          await api<{ notifications: { kind: string; taskIds: string[] }[] }>('/api/notifications')
        ).body.notifications.filter((n) => n.taskIds.includes(task.body.id)),
      (ns) => ns.length > 0,
      40_000,
      100,
    );
    expect(found).toHaveLength(1);
    expect(found[0]!.kind).toBe('reminder');
    // fire-reminders has no timer here (TICKS=external) and its sweep is off: only the binding's
    // ticks (every second) fire reminders, so the notification came at most a tick or two late.
    const [row] = await db<{ late_ms: number }[]>`
      select extract(epoch from n.created_at - r.trigger_at) * 1000 as late_ms
      from reminders r join notifications n on n.task_ids @> to_jsonb(array[r.task_id::text])
      where r.task_id = ${task.body.id}`;
    expect(Number(row!.late_ms)).toBeGreaterThanOrEqual(0);
    expect(Number(row!.late_ms)).toBeLessThan(5000);
    // The sidecar counts what its cron binding delivered and the app accepted.
    const ticks = await counter(
      mode.process('fire-reminders').sidecar.metrics.replace(/\/metrics$/, ''),
      'dapr_component_input_binding_count',
      { component: 'fire-reminders-tick', success: 'true' },
    );
    expect(ticks).toBeGreaterThan(0);
  });

  it('a change reaches the SSE clients of both task-stream instances (a broadcast consumer group each)', async () => {
    const streams = await Promise.all(
      ['task-stream#1', 'task-stream#2'].map((name) => openStream(`${mode.process(name).url}/api/stream`)),
    );
    try {
      for (const s of streams) await s.waitFor((e) => e.event === 'hello');
      const created = await api<{ id: string }>('/api/tasks', {
        method: 'POST',
        json: { title: 'Seen everywhere' },
      });
      for (const s of streams) {
        await s.waitFor((e) => e.event === 'update' && (e.data ?? '').includes(created.body.id), 20_000);
      }
    } finally {
      for (const s of streams) await s.close();
    }
  });

  it('chat keeps its conversation in the Dapr state store, on PostgreSQL', async () => {
    const reply = await api<{ conversationId: string }>('/api/chat', {
      method: 'POST',
      json: { message: 'buy bread tomorrow at 9am' },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const id = reply.body.conversationId;
    const again = await api<{ conversationId: string }>('/api/chat', {
      method: 'POST',
      json: { message: 'show my tasks', conversationId: id },
    });
    expect(again.status).toBe(200);
    const conversation = await api<{ id: string; messages: { role: string; text?: string }[] }>(
      `/api/conversations/${id}`,
    );
    expect(conversation.status).toBe(200);
    expect(conversation.body.messages.length).toBeGreaterThanOrEqual(4);
    // Written by the state.postgresql component (its table, its key scheme: store name || key).
    const rows = await db<{ key: string; value: string; expires_at: Date | null }[]>`
      select key, convert_from(value, 'UTF8') as value, expires_at from dapr_state where key like ${`%${id}`}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key).toBe(`taskwire-state||conversation:${id}`);
    expect(JSON.parse(rows[0]!.value).messages.length).toBe(conversation.body.messages.length);
    // Kept 30 days after its last message: the TTL went to the component (ttlInSeconds).
    const days = (rows[0]!.expires_at!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
  });

  it('a consumer that keeps failing is retried by the Resiliency policy, then dead-lettered; the topic moves on', async () => {
    // audit-sink fails on this task's entry for real: PostgreSQL refuses the insert. A sequence
    // (not rolled back with the failed transaction) counts the attempts.
    await db.unsafe(`
      create sequence if not exists poison_attempts;
      create or replace function refuse_poison() returns trigger language plpgsql as $$
      begin
        if new.details->>'title' = 'Poison pill' then
          perform nextval('poison_attempts');
          raise exception 'audit_log refuses the poison pill';
        end if;
        return new;
      end $$;
      create trigger refuse_poison before insert on audit_log for each row execute function refuse_poison();
    `);
    const started = Date.now();
    const poison = await api<{ id: string }>('/api/tasks', {
      method: 'POST',
      json: { title: 'Poison pill' },
    });
    expect(poison.status).toBe(201);
    const dead = await waitFor(
      'the dead letter',
      async () =>
        (
          await api<{
            deadLetters: {
              consumer: string;
              eventType: string;
              attempts: number;
              event: { subject: string };
            }[];
          }>('/api/dead-letters')
        ).body.deadLetters.filter((d) => d.event.subject === poison.body.id),
      (ds) => ds.length > 0,
      60_000,
    );
    const elapsed = Date.now() - started;
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      consumer: 'audit-sink',
      eventType: 'dev.taskwire.task.created.v1',
      attempts: AUDIT_ATTEMPTS,
    });
    const [counted] = await db<{ last_value: string }[]>`select last_value from poison_attempts`;
    expect(Number(counted!.last_value)).toBe(AUDIT_ATTEMPTS);
    // The sidecar waited the policy's interval between attempts.
    expect(elapsed).toBeGreaterThanOrEqual((AUDIT_ATTEMPTS - 1) * RETRY_INTERVAL_MS);
    // ...and no more: without the policy the Kafka component's own backoff (5 s) paces them.
    expect(elapsed).toBeLessThan((AUDIT_ATTEMPTS - 1) * 5000);
    // The retries were the sidecar's, by this run's Resiliency policy.
    const metrics = mode.process('audit-sink').sidecar.metrics.replace(/\/metrics$/, '');
    expect(await counter(metrics, 'dapr_resiliency_loaded', { name: 'taskwire-resiliency' })).toBe(1);
    const activations = await counter(metrics, 'dapr_resiliency_activations_total', {
      name: 'taskwire-resiliency',
      policy: 'retry',
      flow_direction: 'inbound',
    });
    expect(activations).toBeGreaterThanOrEqual(1);
    // Dropped once the dead letter was recorded here, and published nowhere else: no sidecar sends
    // anything to a dead-letter topic (not this event, nor the events no route of theirs matches).
    for (const p of mode.state()!.processes) {
      expect(
        mode.logOf(`${p.name}.daprd`).filter((e) => String(e.msg ?? '').includes('dead letter')),
        p.name,
      ).toEqual([]);
    }
    // The event after it on the same topic is audited.
    const after = await api<{ id: string }>('/api/tasks', {
      method: 'POST',
      json: { title: 'After the pill' },
    });
    await waitFor(
      'the next task audited',
      () => auditOf(after.body.id),
      (e) => e.length > 0,
      30_000,
    );
    expect(await auditOf(poison.body.id)).toEqual([]);
  });
});

describe('a rejected event on the real sidecar', { timeout: 60_000 }, () => {
  it('an event the consumer rejects (4xx) is answered DROP: dead-lettered after one attempt, not retried', async () => {
    const subject = randomUUID();
    // Published as any producer would, through a sidecar's publish API: a task.created without its task.
    const res = await fetch(
      `${mode.process('create-task').sidecar.url}/v1.0/publish/taskwire-pubsub/${resources.prefix}task-events?metadata.partitionKey=${subject}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json', 'dapr-api-token': 'test-dapr-api-token' },
        body: JSON.stringify({
          specversion: '1.0',
          id: randomUUID(),
          source: '/taskwire/tests/malformed',
          type: 'dev.taskwire.task.created.v1',
          subject,
          datacontenttype: 'application/json',
          data: { actor: 'test' },
        }),
      },
    );
    expect(res.status).toBe(204);
    const dead = await waitFor(
      'the dead letter of the malformed event',
      async () =>
        (
          await api<{
            deadLetters: {
              consumer: string;
              attempts: number;
              status: number | null;
              event: { subject: string };
            }[];
          }>('/api/dead-letters')
        ).body.deadLetters.filter((d) => d.event.subject === subject),
      (ds) => ds.some((d) => d.consumer === 'audit-sink'),
      30_000,
    );
    expect(dead.find((d) => d.consumer === 'audit-sink')).toMatchObject({ attempts: 1 });
    expect(dead.every((d) => d.status !== null && d.status >= 400 && d.status < 500)).toBe(true);
  });
});

/** Reads a topic of this run from the start until a record's JSON value matches. */
async function findOnTopic(
  topic: string,
  match: (value: Record<string, unknown>) => boolean,
): Promise<{ key: string; value: Record<string, unknown> }> {
  const kafka = new Kafka({ brokers: parseBrokers(brokers), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${resources.prefix}reader-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching record on ${topic}`)), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const value = JSON.parse(message.value?.toString('utf8') ?? 'null') as Record<string, unknown>;
          if (value && match(value)) {
            clearTimeout(timer);
            resolve({ key: message.key?.toString('utf8') ?? '', value });
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}
