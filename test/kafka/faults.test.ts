/**
 * Faults against the real broker: an out-of-order `sequence` delivered to an `ordered` consumer
 * process (on the shared broker, in a namespace of its own), and a broker restarted in the middle of
 * a run of the multi-process mode (on a dedicated broker of this run, so the shared one is not
 * disturbed). Also: spans exported over OTLP with the default protocol (http/protobuf).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBrokers, toKafkaRecord } from '../../core/adapters/bus/kafka';
import { TaskUpdated } from '../../core/events/catalog';
import { ServerProcess } from '../support/server-process';
import {
  counter,
  dedicatedBrokerPort,
  kafkaNamespace,
  kafkaScript,
  MultiProcess,
  newDatabase,
  sharedBrokers,
  sqlClient,
  startCollector,
  waitFor,
} from './support';

function taskUpdated(taskId: string, sequence: number) {
  const at = new Date().toISOString();
  return TaskUpdated.create(
    {
      data: {
        task: {
          id: taskId,
          title: `version ${sequence}`,
          description: null,
          due: null,
          timezone: 'UTC',
          priority: null,
          tags: [],
          status: 'active',
          completedAt: null,
          createdAt: at,
          updatedAt: at,
          deletedAt: null,
          version: sequence,
          reminders: [],
          seriesId: null,
          occurrenceAt: null,
          catchUp: false,
        },
        actor: 'test',
        changes: { title: { from: `version ${sequence - 1}`, to: `version ${sequence}` } },
        precondition: 'none',
      },
      subject: taskId,
      sequence,
    },
    { source: '/taskwire/tests/out-of-order', correlationId: randomUUID() },
  );
}

describe('an out-of-order sequence reaching an ordered consumer over Kafka', { timeout: 120_000 }, () => {
  const brokers = sharedBrokers();
  const ns = kafkaNamespace(brokers);
  let probe: ServerProcess;
  let db: ReturnType<typeof sqlClient>;
  beforeAll(async () => {
    const databaseUrl = await newDatabase();
    db = sqlClient(databaseUrl);
    probe = new ServerProcess(
      {
        FUNCTION: 'sequence-probe',
        BUS: 'kafka',
        KAFKA_BROKERS: brokers,
        DATABASE_URL: databaseUrl,
        ...ns.env,
        LOG_LEVEL: 'warn',
      },
      'test/kafka/fixtures/ordered-consumer.ts',
    );
    await probe.start(120_000);
  }, 180_000);
  afterAll(async () => {
    await probe?.stop();
    await db?.end({ timeout: 5 });
    await ns.cleanup();
  }, 60_000);

  it('seq 3 then seq 2 for one task: 3 is applied, 2 is dropped, counted and logged; 4 is applied after it', async () => {
    const taskId = randomUUID();
    const producer = new Kafka({ brokers: parseBrokers(brokers), logLevel: logLevel.NOTHING }).producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const send = (sequence: number) =>
      producer.send({
        topic: `${ns.prefix}task-events`,
        messages: [toKafkaRecord(taskUpdated(taskId, sequence))],
      });
    const applied = async () =>
      (
        await db<{ version: string }[]>`
          select details->>'version' as version from audit_log where entity_id = ${taskId} order by id`
      ).map((r) => Number(r.version));
    try {
      await send(3);
      await send(2);
      await waitFor(
        'the stale event counted',
        () => counter(probe.base, 'taskwire_events_stale_total', { consumer: 'sequence-probe' }),
        (n) => n === 1,
        30_000,
      );
      expect(await applied()).toEqual([3]);
      const [seq] = await db<{ sequence: string }[]>`
        select sequence from applied_sequences where consumer = 'sequence-probe' and entity_id = ${taskId}`;
      expect(Number(seq!.sequence)).toBe(3);
      const warned = readFileSync(probe.logFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('stale event dropped'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatchObject({ level: 'warn', sequence: 2, subject: taskId, fn: 'sequence-probe' });
      await send(4);
      await waitFor('seq 4 applied', applied, (vs) => vs.length === 2, 30_000);
      expect(await applied()).toEqual([3, 4]);
      expect(await counter(probe.base, 'taskwire_events_stale_total', { consumer: 'sequence-probe' })).toBe(
        1,
      );
    } finally {
      await producer.disconnect();
    }
  });
});

describe('the broker restarted in the middle of a run (a dedicated broker)', { timeout: 300_000 }, () => {
  const port = Number(process.env.KAFKA_FAULT_PORT ?? dedicatedBrokerPort());
  let multi: MultiProcess;
  let db: ReturnType<typeof sqlClient>;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  beforeAll(async () => {
    await kafkaScript('start', port);
    const databaseUrl = await newDatabase();
    db = sqlClient(databaseUrl);
    collector = await startCollector();
    multi = new MultiProcess(
      {
        KAFKA_BROKERS: `127.0.0.1:${port}`,
        DATABASE_URL: databaseUrl,
        // The default protocol (http/protobuf), to a local collector.
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
      ['--only', 'create-task,audit-sink'],
    );
    await multi.start();
  }, 420_000);
  afterAll(async () => {
    const code = await multi?.stop();
    await db?.end({ timeout: 5 });
    await collector?.close();
    await kafkaScript('reset', port);
    expect(code, `supervisor exit code; log: ${multi?.logFile}`).toBe(0);
  }, 180_000);

  const api = async (title: string): Promise<string | undefined> => {
    try {
      const res = await fetch(`${multi.base}/api/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title }),
      });
      return res.status === 201 ? ((await res.json()) as { id: string }).id : undefined;
    } catch {
      return undefined;
    }
  };

  it('exports spans over OTLP/HTTP with protobuf by default, from both processes, in one trace', async () => {
    const traceId = randomUUID().replace(/-/g, '');
    const res = await fetch(`${multi.base}/api/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${'cd'.repeat(8)}-01` },
      body: JSON.stringify({ title: 'traced over protobuf' }),
    });
    expect(res.status).toBe(201);
    const id = Buffer.from(traceId, 'hex');
    const services = await waitFor(
      'protobuf exports carrying the trace id',
      () =>
        collector.requests
          .filter((r) => r.path === '/v1/traces' && r.body.includes(id))
          .flatMap((r) => {
            expect(r.headers['content-type']).toBe('application/x-protobuf');
            return ['taskwire-gateway', 'taskwire-create-task', 'taskwire-audit-sink'].filter((s) =>
              r.body.includes(Buffer.from(s)),
            );
          }),
      (s) => new Set(s).size === 3,
      20_000,
    );
    expect(new Set(services).size).toBe(3);
  });

  it('producers and consumers recover without loss: every task acknowledged is audited exactly once', async () => {
    const tag = `restart-${randomUUID().slice(0, 8)}`;
    const acknowledged: string[] = [];
    let running = true;
    let n = 0;
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (running) {
          const id = await api(`${tag} ${n++}`);
          if (id) acknowledged.push(id);
          await new Promise((r) => setTimeout(r, 20));
        }
      }),
    );
    const audited = async () =>
      (
        await db<{ entity_id: string }[]>`
          select entity_id from audit_log where action = 'created' and details->>'title' like ${`${tag} %`}`
      ).map((r) => r.entity_id);
    try {
      await waitFor('traffic before the restart', audited, (a) => a.length >= 50, 60_000);
      const downAt = Date.now();
      await kafkaScript('restart', port);
      const upAt = Date.now();
      const pendingAtUp = acknowledged.slice();
      const auditedAtUp = (await audited()).length;
      await waitFor(
        'creations after the restart',
        () => acknowledged.length,
        (k) => k >= pendingAtUp.length + 100,
        60_000,
      );
      await waitFor(
        'everything acknowledged before the broker came back audited',
        audited,
        (a) => {
          const s = new Set(a);
          return pendingAtUp.every((id) => s.has(id));
        },
        120_000,
        100,
      );
      const recoveredMs = Date.now() - upAt;
      running = false;
      await load;
      const all = await waitFor(
        'every acknowledged task audited',
        audited,
        (a) => {
          const s = new Set(a);
          return acknowledged.every((id) => s.has(id));
        },
        120_000,
      );
      expect(all.length).toBe(new Set(all).size);
      expect(new Set(all)).toEqual(new Set(acknowledged));
      // The processes recovered by themselves: the supervisor restarted none.
      expect(multi.state()!.processes.map((p) => p.restarts)).toEqual([0, 0, 0]);
      for (const name of ['create-task', 'audit-sink']) {
        const ready = await waitFor(
          `${name} ready again`,
          async () => (await fetch(`${multi.process(name).url}/ready`)).status,
          (s) => s === 200,
          30_000,
        );
        expect(ready).toBe(200);
      }
      console.log(
        `broker restart: kafka.sh restart took ${Math.round((upAt - downAt) / 1000)} s; a backlog of ` +
          `${pendingAtUp.length - auditedAtUp} acknowledged tasks was fully audited ${recoveredMs} ms after the ` +
          `broker answered again; ${acknowledged.length} tasks in all, none lost, none twice`,
      );
    } finally {
      running = false;
      await load;
    }
  });
});
