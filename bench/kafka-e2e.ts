/**
 * Task creations end to end (HTTP → database + outbox → event bus → audit applied) with every function
 * as its own process over a real Kafka (`npm run start:kafka`), next to the embedded runtime (one
 * process, in-process bus) and the embedded runtime on Kafka (one process, BUS=kafka), all on
 * PostgreSQL, measured in the same run.
 *
 *   node --import tsx bench/kafka-e2e.ts [--seconds 10] [--connections 10,50] [--only embedded|embedded-kafka|multi]
 *
 * Per step: creations/s and HTTP latency (bench/support/load.ts), then the end-to-end latency of
 * every created task: from the moment its request was sent (a timestamp in its title) to the moment
 * audit-sink applied its task.created (`processed_events.processed_at`), and the rate at which audits
 * were applied. Needs PostgreSQL and Kafka: scripts/postgres.sh and scripts/kafka.sh are started
 * unless TEST_DATABASE_URL / KAFKA_BROKERS point elsewhere.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import postgres from 'postgres';
import { kafkaNamespace, MultiProcess } from '../test/kafka/support';
import { freshDatabase } from '../test/support/harness';
import { ServerProcess } from '../test/support/server-process';
import { percentile, runLoad } from './support/load';
import { postgresAndKafka } from './support/services';

const args = process.argv.slice(2);
const arg = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const seconds = Number(arg('--seconds')) || 10;
const CONNECTIONS = (arg('--connections') ?? '10,50').split(',').map(Number);
const only = arg('--only');

interface Row {
  runtime: string;
  connections: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  e2eP50: number;
  e2eP99: number;
  auditedPerSecond: number;
}
const rows: Row[] = [];

interface Target {
  name: string;
  base: string;
  databaseUrl: string;
  stop(): Promise<unknown>;
}

async function measure(target: Target) {
  const db = postgres(target.databaseUrl, { max: 2, onnotice: () => {} });
  try {
    let n = 0;
    const bodyOf = (tag: string) => () =>
      JSON.stringify({ title: `${tag} ${Date.now()} ${n++}`, priority: 'medium', tags: ['bench'] });
    await runLoad({
      url: `${target.base}/api/tasks`,
      body: bodyOf('warmup'),
      connections: 20,
      seconds: 2,
      expectStatus: 201,
    });
    for (const connections of CONNECTIONS) {
      const tag = `kb-${randomUUID().slice(0, 8)}`;
      const t0 = Date.now();
      const r = await runLoad({
        url: `${target.base}/api/tasks`,
        body: bodyOf(tag),
        connections,
        seconds,
        expectStatus: 201,
      });
      // Every task that got its 201 is audited; wait for the last ones.
      const deadline = Date.now() + 180_000;
      let lags: { lag: number; at: number }[] = [];
      for (;;) {
        lags = (
          await db<{ lag: number; at: number }[]>`
            select extract(epoch from p.processed_at) * 1000 - split_part(a.details->>'title', ' ', 2)::float8 as lag,
                   extract(epoch from p.processed_at) * 1000 as at
            from audit_log a
            join processed_events p on p.consumer = 'audit-sink' and p.source = a.event_source and p.event_id = a.event_id
            where a.action = 'created' and a.details->>'title' like ${`${tag} %`}`
        ).map((x) => ({ lag: Number(x.lag), at: Number(x.at) }));
        if (lags.length >= r.requests || Date.now() > deadline) break;
        await new Promise((res) => setTimeout(res, 200));
      }
      if (lags.length < r.requests)
        console.error(`${target.name}: only ${lags.length}/${r.requests} audited`);
      const sorted = lags.map((x) => x.lag).sort((a, b) => a - b);
      const lastAudit = Math.max(...lags.map((x) => x.at));
      const row: Row = {
        runtime: target.name,
        connections,
        perSecond: r.perSecond,
        p50: r.latencyMs.p50,
        p99: r.latencyMs.p99,
        errors: r.errors,
        e2eP50: Math.round(percentile(sorted, 50) * 10) / 10,
        e2eP99: Math.round(percentile(sorted, 99) * 10) / 10,
        auditedPerSecond: Math.round(lags.length / ((lastAudit - t0) / 1000)),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  } finally {
    await db.end({ timeout: 5 });
    await target.stop();
  }
}

async function main() {
  console.log(
    `# ${os.cpus().length}× ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${seconds}s per step`,
  );
  const { pg, brokers } = postgresAndKafka();
  const quiet = { LOG_LEVEL: 'error' };

  if (!only || only === 'embedded') {
    const databaseUrl = await freshDatabase(pg);
    const server = new ServerProcess({ ...quiet, DATABASE_URL: databaseUrl });
    await server.start(120_000);
    await measure({
      name: 'embedded (npm start), in-process bus',
      base: server.base,
      databaseUrl,
      stop: () => server.stop(),
    });
  }
  if (!only || only === 'embedded-kafka') {
    const ns = kafkaNamespace(brokers);
    const databaseUrl = await freshDatabase(pg);
    const server = new ServerProcess({
      ...quiet,
      ...ns.env,
      DATABASE_URL: databaseUrl,
      BUS: 'kafka',
      KAFKA_BROKERS: brokers,
    });
    await server.start(120_000);
    await measure({
      name: 'embedded, BUS=kafka (one process)',
      base: server.base,
      databaseUrl,
      stop: async () => {
        await server.stop();
        await ns.cleanup();
      },
    });
  }
  if (!only || only === 'multi') {
    const ns = kafkaNamespace(brokers);
    const databaseUrl = await freshDatabase(pg);
    // The defaults of `npm run start:kafka` (MultiProcess shortens a few for tests: put them back).
    const multi = new MultiProcess({
      ...quiet,
      ...ns.env,
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: brokers,
      OUTBOX_POLL_MS: '1000',
      RETRY_DELAY_SCALE: '1',
      KAFKA_SESSION_TIMEOUT_MS: '30000',
    });
    await multi.start();
    await measure({
      name: 'multi-process over Kafka (start:kafka)',
      base: multi.base,
      databaseUrl,
      stop: async () => {
        await multi.stop();
        await ns.cleanup();
      },
    });
  }

  console.log(
    '\n| runtime | connections | creations/s | HTTP p50 ms | HTTP p99 ms | errors | e2e p50 ms | e2e p99 ms | audited/s |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.runtime} | ${r.connections} | ${r.perSecond} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.e2eP50} | ${r.e2eP99} | ${r.auditedPerSecond} |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
