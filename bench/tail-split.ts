/**
 * Where a creation's latency is spent under many connections: wrk's latency next to "inbound" —
 * from the moment wrk wrote the request (the time in its title) to the handler's clock (the task's
 * created_at) — so the rest is the group commit and the answer's way back. Inbound is also printed
 * per second of the run, to tell a start-up transient from a steady tail.
 *
 *   node --import tsx bench/tail-split.ts [connections, default 500] [--pglite]
 *
 * On PostgreSQL it needs TEST_DATABASE_URL (scripts/postgres.sh start prints one); with --pglite the
 * server runs the default embedded PGlite in a fresh data directory, read after the server stopped.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../core/db/client';
import { freshDatabase } from '../test/support/harness';
import { ServerProcess, tempDir } from '../test/support/server-process';
import { percentile } from './support/load';
import { runWrk } from './support/wrk';

const args = process.argv.slice(2);
const pglite = args.includes('--pglite');
const conns = Number(args.find((a) => /^\d+$/.test(a)) ?? 500);

async function main() {
  let open: Parameters<typeof openDatabase>[0];
  let env: Record<string, string>;
  if (pglite) {
    const dataDir = tempDir('tw-bench-');
    open = { dataDir };
    env = { DATA_DIR: dataDir, LOG_LEVEL: 'error' };
  } else {
    const admin = process.env.TEST_DATABASE_URL;
    if (!admin)
      throw new Error(
        'TEST_DATABASE_URL must name a PostgreSQL server (scripts/postgres.sh start prints one)',
      );
    const url = await freshDatabase(admin);
    open = { databaseUrl: url, maxConnections: 1 };
    env = { DATABASE_URL: url, LOG_LEVEL: 'error' };
  }
  const server = new ServerProcess(env);
  await server.start(120_000);
  const tag = `tp-${randomUUID().slice(0, 8)}`;
  try {
    const body = (t: string) => `{"title":"${t} %s","priority":"medium","tags":["bench"]}`;
    const url = `${server.base}/api/tasks`;
    await runWrk({ url, body: body('warm'), connections: conns, seconds: 3, timestamped: true });
    const r = await runWrk({ url, body: body(tag), connections: conns, seconds: 10, timestamped: true });
    console.log('wrk', r.perSecond, '/s', r.latencyMs);
  } finally {
    await server.stop();
  }
  const db = await openDatabase(open);
  try {
    const rows = await db.rows<{ sent: number; inbound: number }>(sql`
      select split_part(title, ' ', 2)::float8 as sent,
             extract(epoch from created_at) * 1000 - split_part(title, ' ', 2)::float8 as inbound
      from tasks where title like ${`${tag} %`}`);
    const all = rows.map((x) => ({ sent: Number(x.sent), inbound: Number(x.inbound) }));
    const line = (xs: number[]) =>
      `p50 ${percentile(xs, 50).toFixed(1)} p95 ${percentile(xs, 95).toFixed(1)} p99 ${percentile(xs, 99).toFixed(1)} max ${xs.at(-1)!.toFixed(1)} n ${xs.length}`;
    const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
    console.log('inbound (sent → handler) ms:', line(sorted(all.map((x) => x.inbound))));
    const t0 = Math.min(...all.map((x) => x.sent));
    for (let s = 0; s * 1000 < Math.max(...all.map((x) => x.sent)) - t0 + 1; s++) {
      const xs = sorted(all.filter((x) => Math.floor((x.sent - t0) / 1000) === s).map((x) => x.inbound));
      if (xs.length) console.log(`  sent in second ${s}:`, line(xs));
    }
  } finally {
    await db.close();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
