/**
 * Kafka bus benchmark: publish throughput and publish → deliver latency through KafkaBus against a
 * real broker (KAFKA_BROKERS, default 127.0.0.1:9092; `scripts/kafka.sh start` runs one).
 *
 *   node --import tsx bench/kafka-bus.ts [events=10000]
 *
 * Three runs, each on fresh topics, with one subscriber that acknowledges at once:
 *   batched    the events in publish() calls of 100 (what an outbox relay round does), back to back
 *   single     one event per publish(), 32 in flight at a time
 *   paced      one event per publish() at a steady 500 events/s: latency without a queue
 * Latency is from just before publish() to the start of deliver(), in one process (one clock), after a
 * warm-up of 500 events. Topics and the consumer group of each run are deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaBus, parseBrokers } from '../core/adapters/bus/kafka';
import { TaskUpdated } from '../core/events/catalog';
import type { TaskwireEvent } from '../core/events/define-event';
import { createLogger } from '../core/observability/logger';

const total = Number(process.argv[2] ?? 10_000);
const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? '127.0.0.1:9092');
const log = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
const now = () => performance.timeOrigin + performance.now();

function event(i: number, keys: number): TaskwireEvent<{ sentAt: number; n: number }> {
  const key = `task-${i % keys}`;
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: '/bench',
    type: TaskUpdated.type,
    subject: key,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    dataschema: TaskUpdated.dataschema,
    correlationid: randomUUID(),
    sequence: Math.floor(i / keys) + 1,
    partitionkey: key,
    schemaversion: 1,
    data: { sentAt: 0, n: i },
  };
}

/** Deletes the run's topics and consumer group. */
async function cleanup(ns: string) {
  const admin = new Kafka({ brokers, clientId: 'bench', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${ns}.`));
    await admin.deleteTopics({ topics });
    await admin.deleteGroups([`${ns}.bench`]).catch(() => {});
  } finally {
    await admin.disconnect();
  }
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

const stamp = (e: TaskwireEvent<{ sentAt: number; n: number }>) => {
  e.data.sentAt = now();
  return e;
};

async function run(
  name: string,
  count: number,
  publishAll: (bus: KafkaBus, events: TaskwireEvent<{ sentAt: number; n: number }>[]) => Promise<void>,
) {
  const ns = `bench-${Date.now()}-${name}`;
  const latencies: number[] = [];
  let lastDelivered = 0;
  const bus = new KafkaBus({
    brokers,
    clientId: 'bench',
    topicPrefix: `${ns}.`,
    groupPrefix: `${ns}.`,
    deadLetters: { record: async () => {} },
    log,
  });
  bus.subscribe({
    consumer: 'bench',
    types: [TaskUpdated.type],
    delivery: { retry: 0, backoffPolicy: 'linear', backoffDelayMs: 10 },
    deliver: async (e) => {
      const t = now();
      latencies.push(t - (e.data as { sentAt: number }).sentAt);
      lastDelivered = t;
      return { status: 200 };
    },
  });
  const t0 = now();
  await bus.start();
  const started = now() - t0;
  // Warm-up (connections, metadata, JIT): 500 events, delivered and then forgotten.
  const warmup = Array.from({ length: 500 }, (_, i) => event(i, 100));
  for (let i = 0; i < warmup.length; i += 50) await bus.publish(warmup.slice(i, i + 50).map(stamp));
  while (latencies.length < warmup.length) await new Promise((r) => setTimeout(r, 5));
  latencies.length = 0;
  const events = Array.from({ length: count }, (_, i) => event(i, 100));
  const p0 = now();
  await publishAll(bus, events);
  const published = now() - p0;
  const deadline = Date.now() + 120_000;
  while (latencies.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  if (latencies.length < count) throw new Error(`${name}: only ${latencies.length} of ${count} delivered`);
  const e2e = lastDelivered - p0;
  await bus.stop();
  await cleanup(ns);
  const sorted = [...latencies].sort((a, b) => a - b);
  const row = {
    run: name,
    events: count,
    'start ms': Math.round(started),
    'publish/s': Math.round((count / published) * 1000),
    'delivered/s': Math.round((count / e2e) * 1000),
    'p50 ms': +pct(sorted, 50).toFixed(1),
    'p99 ms': +pct(sorted, 99).toFixed(1),
    'max ms': +(sorted.at(-1) ?? 0).toFixed(1),
  };
  console.log(JSON.stringify(row));
  return row;
}

const rows = [];
rows.push(
  await run('batched', total, async (bus, events) => {
    for (let i = 0; i < events.length; i += 100) await bus.publish(events.slice(i, i + 100).map(stamp));
  }),
);
rows.push(
  await run('single', total, async (bus, events) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < events.length) await bus.publish([stamp(events[next++]!)]);
      }),
    );
  }),
);
rows.push(
  await run('paced', Math.min(total, 5000), async (bus, events) => {
    const start = now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < events.length; i++) {
      const due = start + i * 2; // 500 events/s
      const wait = due - now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      pending.push(bus.publish([stamp(events[i]!)]));
    }
    await Promise.all(pending);
  }),
);
console.table(rows);
