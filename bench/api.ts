/**
 * Task creations end to end (HTTP → validation → insert + outbox → audit applied) on PGlite and
 * PostgreSQL at 50 and 500 connections, next to the ceiling — a bare node:http JSON POST server —,
 * the same server with 64 acceptors (runtime/acceptors.ts) and a bare Hono JSON route with 64 (as
 * Taskwire listens), measured in the same run. Load from wrk (apt-get install wrk).
 *
 *   node --import tsx bench/api.ts [--seconds 10] [--only pglite|postgres|bare, or several: bare,pglite]
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../core/db/client';
import { freshDatabase } from '../test/support/harness';
import { freePort, ServerProcess, tempDir } from '../test/support/server-process';
import { percentile } from './support/load';
import { runWrk } from './support/wrk';

const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1]) || 10;
const only = args.includes('--only') ? new Set(args[args.indexOf('--only') + 1]?.split(',')) : undefined;
const CONNECTIONS = [50, 500];

/** wrk fills in %s with a token of its own per request. */
const BODY = '{"title":"Bench task %s","priority":"medium","tags":["bench"]}';

interface Row {
  target: string;
  connections: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  auditLagP50?: number;
  auditLagP99?: number;
  e2ePerSecond?: number;
  /** When the last task created under load was audited, after the load stopped. */
  auditedAfterStopMs?: number;
}
const rows: Row[] = [];

async function measure(
  target: string,
  server: ServerProcess,
  path: string,
  audit?: () => Promise<AuditStats>,
) {
  await server.start(120_000);
  await runWrk({ url: server.base + path, body: BODY, connections: 20, seconds: 2 }); // warm-up
  for (const connections of CONNECTIONS) {
    const before = audit ? await audit() : undefined;
    const t0 = Date.now();
    const r = await runWrk({ url: server.base + path, body: BODY, connections, seconds });
    const stopped = Date.now();
    const row: Row = { target, connections, perSecond: r.perSecond, ...r.latencyMs, errors: r.errors };
    if (audit && before) {
      let after = await audit();
      while (after.pending > 0) {
        await new Promise((res) => setTimeout(res, 100));
        after = await audit();
      }
      const lags = after.lagsSince(t0);
      row.auditLagP50 = Math.round(percentile(lags, 50));
      row.auditLagP99 = Math.round(percentile(lags, 99));
      row.e2ePerSecond = Math.round((after.audited - before.audited) / ((after.lastAuditAt - t0) / 1000));
      row.auditedAfterStopMs = Math.max(0, Math.round(after.lastAuditAt - stopped));
    }
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  await server.stop();
}

interface AuditStats {
  audited: number;
  pending: number;
  lastAuditAt: number;
  lagsSince(t0: number): number[];
}

/** Reads the audit consumer's progress straight from the database (after the server stopped writing, for PGlite). */
function auditProbe(databaseUrl: string): () => Promise<AuditStats> {
  return async () => {
    const db = await openDatabase({ databaseUrl, maxConnections: 1 });
    try {
      const [{ audited, pending, last }] = (await db.rows(sql`
        select (select count(*) from audit_log)::int as audited,
               (select count(*) from outbox where published_at is null)::int as pending,
               (select extract(epoch from max(processed_at)) * 1000 from processed_events where consumer = 'audit-sink')::float8 as last`)) as [
        { audited: number; pending: number; last: number },
      ];
      const lagRows = await db.rows<{ created: number; lag: number }>(sql`
        select extract(epoch from o.created_at) * 1000 as created,
               extract(epoch from (p.processed_at - o.created_at)) * 1000 as lag
        from processed_events p join outbox o on o.event_id = p.event_id
        where p.consumer = 'audit-sink'`);
      return {
        audited: Number(audited),
        pending: Number(pending),
        lastAuditAt: Number(last),
        lagsSince: (t0) =>
          lagRows
            .filter((r) => Number(r.created) >= t0)
            .map((r) => Number(r.lag))
            .sort((a, b) => a - b),
      };
    } finally {
      await db.close();
    }
  };
}

async function main() {
  console.log(
    `# ${os.cpus().length}× ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${seconds}s per step`,
  );
  if (!only || only.has('bare')) {
    const bare: [target: string, script: string, acceptors: string][] = [
      ['bare node:http (ceiling)', 'bench/support/bare-node-server.ts', '1'],
      ['bare node:http, 64 acceptors', 'bench/support/bare-node-server.ts', '64'],
      ['bare Hono route, 64 acceptors', 'bench/support/bare-server.ts', '64'],
    ];
    for (const [target, script, acceptors] of bare) {
      const env = { PORT: String(await freePort()), HTTP_ACCEPTORS: acceptors };
      await measure(target, new ServerProcess(env, script), '/bare');
    }
  }
  if (!only || only.has('postgres')) {
    const admin = execFileSync('bash', ['scripts/postgres.sh', 'start'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .at(-1)!;
    const url = await freshDatabase(admin);
    await measure(
      'Taskwire on PostgreSQL',
      new ServerProcess({ DATABASE_URL: url, LOG_LEVEL: 'error' }),
      '/api/tasks',
      auditProbe(url),
    );
  }
  if (!only || only.has('pglite')) {
    await measure(
      'Taskwire on PGlite',
      new ServerProcess({ DATA_DIR: tempDir('tw-bench-'), LOG_LEVEL: 'error' }),
      '/api/tasks',
    );
  }
  const ceiling = rows.filter((r) => r.target.startsWith('bare node'));
  console.log(
    '\n| target | connections | creations/s | p50 ms | p95 ms | p99 ms | errors | ratio to the ceiling | audit lag p50/p99 ms | audited/s | all audited after stop |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const base = ceiling.find((b) => b.connections === r.connections);
    const ratio = base ? `${(r.perSecond / base.perSecond).toFixed(3)}×` : '—';
    const lag = r.auditLagP50 === undefined ? '—' : `${r.auditLagP50} / ${r.auditLagP99}`;
    const after = r.auditedAfterStopMs === undefined ? '—' : `${r.auditedAfterStopMs} ms`;
    console.log(
      `| ${r.target} | ${r.connections} | ${r.perSecond} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.errors} | ${ratio} | ${lag} | ${r.e2ePerSecond ?? '—'} | ${after} |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
