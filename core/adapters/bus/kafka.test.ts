import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CloudEvent, Kafka as CloudEventsKafka } from 'cloudevents';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deleteNamespaces } from '../../../test/support/kafka-namespace';
import { TaskCreated, TaskUpdated } from '../../events/catalog';
import type { TaskwireEvent } from '../../events/define-event';
import { createLogger } from '../../observability/logger';
import { createMetrics } from '../../observability/metrics';
import type { DeadLetter, DeadLetterSink, Subscription } from '../../ports/bus';
import { contractEvent, runBusContract } from './contract';
import {
  DEAD_LETTER_HEADERS,
  fromKafkaRecord,
  headerStrings,
  KafkaBus,
  type KafkaBusOptions,
  parseBrokers,
  toKafkaRecord,
} from './kafka';

const brokersEnv = process.env.KAFKA_BROKERS;
if (!brokersEnv) {
  throw new Error('KAFKA_BROKERS is not set: the global setup starts Kafka (scripts/kafka.sh) and sets it');
}
const brokers = parseBrokers(brokersEnv);
const log = createLogger({ level: process.env.KAFKA_TEST_LOG ?? 'silent' });
const kafka = new Kafka({ brokers, clientId: 'kafka-bus-test', logLevel: logLevel.NOTHING });
const admin = kafka.admin();

/** Every namespace this file used: its topics and consumer groups are deleted at the end. */
const namespaces = new Set<string>();

function makeBus(namespace: string, deadLetters: DeadLetterSink, extra: Partial<KafkaBusOptions> = {}) {
  namespaces.add(namespace);
  return new KafkaBus({
    brokers,
    clientId: 'kafka-bus-test',
    topicPrefix: `${namespace}.`,
    groupPrefix: `${namespace}.`,
    sessionTimeoutMs: 10_000,
    stopTimeoutMs: 10_000,
    deadLetters,
    log,
    ...extra,
  });
}

afterAll(
  () =>
    deleteNamespaces(
      brokersEnv,
      [...namespaces].map((n) => `${n}.`),
    ),
  60_000,
);

runBusContract('kafka', ({ namespace, deadLetters }) => makeBus(namespace, deadLetters), {
  capabilities: { durable: true, distributed: true, batching: true },
  timeoutMs: 90_000,
});

/** Reads `count` raw records of a topic from the beginning. */
async function readRaw(topic: string, count: number, timeoutMs = 20_000) {
  const consumer = kafka.consumer({ groupId: `raw-${randomUUID()}`, maxWaitTimeInMs: 200 });
  const records: {
    partition: number;
    key: string | undefined;
    value: string | undefined;
    headers: Record<string, string>;
    raw: { key: Buffer | null; value: Buffer | null; headers: Record<string, string> };
  }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers = headerStrings(message.headers);
        records.push({
          partition,
          key: message.key?.toString(),
          value: message.value?.toString(),
          headers,
          raw: { key: message.key, value: message.value, headers },
        });
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (records.length < count) {
      if (Date.now() > deadline) throw new Error(`read ${records.length} of ${count} records from ${topic}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return records;
  } finally {
    await consumer.disconnect();
  }
}

function sink(): DeadLetterSink & { entries: DeadLetter[] } {
  const entries: DeadLetter[] = [];
  return { entries, record: async (e) => void entries.push(e) };
}

/** A subscription to task updates that records each event it gets and acknowledges it. */
function recording(consumer: string, got: TaskwireEvent[], retry = 1): Subscription {
  return {
    consumer,
    types: [TaskUpdated.type],
    delivery: { retry, backoffPolicy: 'linear', backoffDelayMs: 10 },
    deliver: async (e) => {
      got.push(e);
      return { status: 200 };
    },
  };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ns = () => `k${randomUUID().replace(/-/g, '').slice(0, 12)}`;

describe('KafkaBus on the wire', { timeout: 90_000 }, () => {
  const buses: KafkaBus[] = [];
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    await Promise.all(buses.splice(0).map((b) => b.stop()));
  });

  it('writes binary-mode CloudEvents keyed by partition key to the type’s topic', async () => {
    const namespace = ns();
    const bus = makeBus(namespace, sink());
    buses.push(bus);
    await bus.start();
    const events = [1, 2, 3].map((s) => ({
      ...contractEvent(TaskUpdated.type, 'task-7', s, { task: { id: 'task-7', title: `v${s}` } }),
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    }));
    await bus.publish(events);
    const records = await readRaw(`${namespace}.task-events`, 3);
    expect(new Set(records.map((r) => r.partition)).size, 'one key, one partition').toBe(1);
    expect(records.map((r) => r.headers.ce_id)).toEqual(events.map((e) => e.id));
    const [first] = records;
    expect(first!.key).toBe('task-7');
    expect(JSON.parse(first!.value!)).toEqual(events[0]!.data);
    expect(first!.headers).toMatchObject({
      'content-type': 'application/json',
      ce_specversion: '1.0',
      ce_type: TaskUpdated.type,
      ce_source: '/contract-test',
      ce_subject: 'task-7',
      ce_correlationid: events[0]!.correlationid,
      ce_sequence: '1',
      ce_schemaversion: '1',
      ce_partitionkey: 'task-7',
      ce_traceparent: events[0]!.traceparent,
    });
    // The data's content type travels once, as `content-type` (the binding's mapping).
    expect(first!.headers).not.toHaveProperty('ce_datacontenttype');
    expect(first!.headers).not.toHaveProperty('ce_data');
    expect(fromKafkaRecord(first!.raw)).toEqual(events[0]);
  });

  it('reads records written by another CloudEvents producer (Knative-style binary mode)', () => {
    const event = contractEvent(TaskCreated.type, 'task-9', 3, { title: 'x' });
    // The cloudevents package's own binary-mode message (it also writes ce_datacontenttype).
    const message = CloudEventsKafka.binary(
      new CloudEvent(event as unknown as Record<string, unknown>, false),
    );
    expect(message.headers).toHaveProperty('ce_datacontenttype', 'application/json');
    const asBuffers = {
      key: Buffer.from(String(message.key)),
      value: Buffer.from(JSON.stringify(message.value)),
      headers: Object.fromEntries(
        Object.entries(message.headers)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, Buffer.from(String(v))]),
      ),
    };
    expect(fromKafkaRecord(asBuffers)).toEqual(event);
    // And what this bus writes reads back the same.
    const record = toKafkaRecord(event);
    const ours = {
      key: Buffer.from(record.key),
      value: Buffer.from(record.value),
      headers: Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)])),
    };
    expect(fromKafkaRecord(ours)).toEqual(event);
  });

  it('writes dead letters to the dead-letter topic with consumer, status, reason and attempts', async () => {
    const namespace = ns();
    const dead = sink();
    const bus = makeBus(namespace, dead);
    bus.subscribe({
      consumer: 'rejecting',
      types: [TaskUpdated.type],
      delivery: { retry: 2, backoffPolicy: 'linear', backoffDelayMs: 10 },
      deliver: async (e) => (e.sequence === 1 ? { status: 400, detail: 'bad title' } : { status: 500 }),
    });
    buses.push(bus);
    await bus.start();
    const rejected = contractEvent(TaskUpdated.type, 'a', 1, { n: 1 });
    const failing = contractEvent(TaskUpdated.type, 'a', 2, { n: 2 });
    await bus.publish([rejected, failing]);
    const records = await readRaw(`${namespace}.dead-letters`, 2);
    expect(records.map((r) => r.headers.ce_id)).toEqual([rejected.id, failing.id]);
    expect(records[0]!.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.consumer]: 'rejecting',
      [DEAD_LETTER_HEADERS.status]: '400',
      [DEAD_LETTER_HEADERS.reason]: 'bad title',
      [DEAD_LETTER_HEADERS.attempts]: '1',
      [DEAD_LETTER_HEADERS.topic]: `${namespace}.task-events`,
    });
    expect(records[1]!.headers).toMatchObject({
      [DEAD_LETTER_HEADERS.status]: '500',
      [DEAD_LETTER_HEADERS.attempts]: '3',
    });
    expect(fromKafkaRecord(records[0]!.raw)).toEqual(rejected);
    expect(dead.entries.map((d) => d.event.id)).toEqual([rejected.id, failing.id]);
  });

  it('moves an undecodable record to the dead-letter topic and goes on with the next', async () => {
    const namespace = ns();
    const got: TaskwireEvent[] = [];
    const bus = makeBus(namespace, sink());
    bus.subscribe(recording('robust', got));
    buses.push(bus);
    await bus.start();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: `${namespace}.task-events`,
      messages: [{ key: 'p', value: 'not a cloudevent', headers: { ce_type: TaskUpdated.type } }],
    });
    await producer.disconnect();
    const next = contractEvent(TaskUpdated.type, 'p', 2);
    await bus.publish([next]);
    await waitFor('the next event', () => got.length === 1);
    expect(got[0]!.id).toBe(next.id);
    const [dl] = await readRaw(`${namespace}.dead-letters`, 1);
    expect(dl!.value).toBe('not a cloudevent');
    expect(dl!.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/^undecodable/);
  });

  it('commits the offsets handled within commitIntervalMs together, for every partition in one request', async () => {
    const namespace = ns();
    const metrics = createMetrics();
    const got: TaskwireEvent[] = [];
    const bus = makeBus(namespace, sink(), { metrics, commitIntervalMs: 200 });
    bus.subscribe(recording('counted', got));
    buses.push(bus);
    await bus.start();
    // Forty events one at a time, over three partitions: the consumer fetches most of them alone.
    const started = Date.now();
    const events = Array.from({ length: 40 }, (_, i) =>
      contractEvent(TaskUpdated.type, `key-${i % 6}`, i + 1),
    );
    for (const e of events) {
      await bus.publish([e]);
      await new Promise((r) => setTimeout(r, 10));
    }
    await waitFor('every event', () => got.length === events.length);
    await new Promise((r) => setTimeout(r, 400));
    const seconds = (Date.now() - started) / 1000;
    const commits = (await metrics.offsetCommits.get()).values.find((v) => v.labels.consumer === 'counted');
    // At most one commit per interval (plus the first and the last), not one per fetched batch.
    expect(commits?.value ?? 0).toBeGreaterThan(0);
    expect(commits!.value).toBeLessThanOrEqual(Math.ceil(seconds / 0.2) + 2);
    expect(commits!.value).toBeLessThan(events.length / 2);
    // And they cover everything handled: the group's committed offsets reach the end of each partition.
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({
        groupId: `${namespace}.counted`,
        topics: [`${namespace}.task-events`],
      });
      const total = committed!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
      expect(total).toBe(events.length);
    } finally {
      await admin.disconnect();
    }
  });

  it('lingers after a fetch with records, long-polls after an empty one: a quiet topic’s event arrives at once', async () => {
    const namespace = ns();
    const metrics = createMetrics();
    const got: { event: TaskwireEvent; at: number }[] = [];
    // A linger far above the broker's latency, so its wait shows; an idle wait far above both.
    const bus = makeBus(namespace, sink(), {
      metrics,
      fetchLingerMs: 1500,
      maxWaitMs: 7000,
      sessionTimeoutMs: 30_000,
    });
    bus.subscribe({
      ...recording('lingering', []),
      deliver: async (event) => {
        got.push({ event, at: Date.now() });
        return { status: 200 };
      },
    });
    buses.push(bus);
    await bus.start();
    const fetches = async () =>
      (await metrics.fetches.get()).values.find((v) => v.labels.consumer === 'lingering')?.value ?? 0;
    const deliver = async (sequence: number) => {
      const event = contractEvent(TaskUpdated.type, `key-${sequence}`, sequence);
      const sent = Date.now();
      await bus.publish([event]);
      await waitFor(`event ${sequence}`, () => got.some((g) => g.event.id === event.id));
      return got.find((g) => g.event.id === event.id)!.at - sent;
    };
    // The first event meets a long poll: the broker answers as soon as it arrives.
    expect(await deliver(1)).toBeLessThan(1000);
    // The fetch after one with records lingers: the next event waits for it to end.
    expect(await deliver(2)).toBeGreaterThanOrEqual(1000);
    // That fetch brought a record, so one more lingers and comes back empty; then the consumer is idle
    // again: one long poll at a time (7 s), not a fetch every 1.5 s.
    await new Promise((r) => setTimeout(r, 2000));
    const before = await fetches();
    await new Promise((r) => setTimeout(r, 4000));
    expect((await fetches()) - before).toBeLessThanOrEqual(1);
    expect(await deliver(3)).toBeLessThan(1000);
  });

  it('stop commits what was handled: the next instance gets none of it again', async () => {
    const namespace = ns();
    const first: TaskwireEvent[] = [];
    // A commit interval far longer than the test: only the stop can have committed.
    const bus = makeBus(namespace, sink(), { commitIntervalMs: 600_000 });
    bus.subscribe(recording('stopping', first));
    await bus.start();
    const events = Array.from({ length: 6 }, (_, i) => contractEvent(TaskUpdated.type, `key-${i}`, i + 1));
    await bus.publish(events);
    try {
      await waitFor('the events', () => first.length === events.length);
    } finally {
      await bus.stop();
    }
    const later = contractEvent(TaskUpdated.type, 'key-later', 1);
    const second: TaskwireEvent[] = [];
    const next = makeBus(namespace, sink());
    next.subscribe(recording('stopping', second));
    buses.push(next);
    await next.start();
    await next.publish([later]);
    await waitFor('the later event', () => second.some((e) => e.id === later.id));
    await new Promise((r) => setTimeout(r, 500));
    expect(second.map((e) => e.id)).toEqual([later.id]);
  });

  it('a process killed mid-delivery: the next instance gets that event again, and everything after it', async () => {
    const namespace = ns();
    namespaces.add(namespace);
    const publisher = makeBus(namespace, sink());
    buses.push(publisher);
    await publisher.start();

    const fixture = fileURLToPath(
      new URL('../../../test/kafka/fixtures/kafka-crash-consumer.ts', import.meta.url),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      env: {
        ...process.env,
        NS: namespace,
        CONSUMER: 'crashy',
        HANG_AT: '5',
        KAFKA_BROKERS: brokers.join(','),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const lines: string[] = [];
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
    });
    await waitFor('the consumer process', () => lines.includes('ready'), 60_000);

    const events = Array.from({ length: 8 }, (_, i) => contractEvent(TaskUpdated.type, 'one-key', i + 1));
    await publisher.publish(events.slice(0, 4));
    await waitFor('four acks', () => lines.filter((l) => l.startsWith('acked')).length === 4);
    await new Promise((r) => setTimeout(r, 500)); // their offsets are committed by now
    await publisher.publish(events.slice(4));
    await waitFor('the hanging delivery', () => lines.includes(`hanging ${events[4]!.id}`));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const got: TaskwireEvent[] = [];
    const next = makeBus(namespace, sink());
    next.subscribe(recording('crashy', got, 3));
    buses.push(next);
    await next.start();
    await waitFor('redelivery', () => got.length >= 4, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    // The killed delivery and the ones behind it arrive again, in order; acknowledged ones do not.
    expect(got.map((e) => e.sequence)).toEqual([5, 6, 7, 8]);
  });
});

/** Runs scripts/kafka.sh for a broker of this test's own, so restarting it disturbs no other test. */
function kafkaScript(command: string, port: number): Promise<string> {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['scripts/kafka.sh', command],
      { cwd: root, timeout: 240_000, env: { ...process.env, KAFKA_PORT: String(port) } },
      (err, stdout, stderr) => (err ? reject(new Error(`kafka.sh ${command}: ${stderr}`)) : resolve(stdout)),
    );
  });
}

describe('KafkaBus through a broker crash', { timeout: 300_000 }, () => {
  // A port of this run's own (runs in parallel checkouts must not kill each other's broker); the
  // broker's data and log are removed afterwards.
  const port = Number(process.env.KAFKA_FAULT_PORT ?? 20_000 + 2 * Math.floor(Math.random() * 10_000));
  const faultBrokers = [`127.0.0.1:${port}`];
  beforeAll(() => kafkaScript('start', port), 240_000);
  afterAll(() => kafkaScript('reset', port), 120_000);

  it('publishing and consuming carry on without loss when the broker is SIGKILLed and restarted', async () => {
    const namespace = ns();
    const got = new Set<string>();
    const bus = new KafkaBus({
      brokers: faultBrokers,
      clientId: 'kafka-fault-test',
      topicPrefix: `${namespace}.`,
      groupPrefix: `${namespace}.`,
      sessionTimeoutMs: 10_000,
      deadLetters: sink(),
      log,
    });
    bus.subscribe({
      consumer: 'survivor',
      types: [TaskUpdated.type],
      delivery: { retry: 5, backoffPolicy: 'exponential', backoffDelayMs: 100 },
      deliver: async (e) => {
        got.add(e.id);
        return { status: 200 };
      },
    });
    await bus.start();
    try {
      // A publisher that keeps going the way the outbox relay does: a failed publish is tried again.
      const sent: string[] = [];
      let running = true;
      const publisher = (async () => {
        for (let i = 0; running; i++) {
          const event = contractEvent(TaskUpdated.type, `task-${i % 10}`, i + 1);
          for (;;) {
            try {
              await bus.publish([event]);
              break;
            } catch {
              await new Promise((r) => setTimeout(r, 250));
            }
          }
          sent.push(event.id);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      await waitFor('traffic before the crash', () => got.size >= 50, 30_000);
      await kafkaScript('kill', port);
      await new Promise((r) => setTimeout(r, 1000));
      await kafkaScript('start', port);
      const before = sent.length;
      await waitFor('publishing after the restart', () => sent.length >= before + 50, 120_000);
      running = false;
      await publisher;
      await waitFor('every published event delivered', () => sent.every((id) => got.has(id)), 120_000);
      expect(sent.length).toBeGreaterThanOrEqual(before + 50);
      expect(await bus.healthy()).toBe(true);
    } finally {
      await bus.stop();
    }
  });
});
