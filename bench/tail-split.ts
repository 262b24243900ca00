/**
 * Where a creation's latency is spent under many connections, on PostgreSQL: wrk's latency next to
 * "inbound" — from the moment wrk wrote the request (the time in its title) to the handler's clock
 * (the task's created_at) — so the rest is the group commit and the answer's way back.
 *
 *   node --import tsx bench/tail-split.ts [connections, default 500]
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { freshDatabase } from '../test/support/harness';
import { ServerProcess } from '../test/support/server-process';
import { percentile } from './support/load';
import { runWrk } from './support/wrk';

async function main() {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin)
    throw new Error('TEST_DATABASE_URL must name a PostgreSQL server (scripts/postgres.sh start prints one)');
  const url = await freshDatabase(admin);
  const server = new ServerProcess({ DATABASE_URL: url, LOG_LEVEL: 'error' });
  await server.start();
  const conns = Number(process.argv[2] ?? 500);
  try {
    const body = (tag: string) => `{"title":"${tag} %s","priority":"medium","tags":["bench"]}`;
    await runWrk({
      url: `${server.base}/api/tasks`,
      body: body('warm'),
      connections: conns,
      seconds: 3,
      timestamped: true,
    });
    const tag = `tp-${randomUUID().slice(0, 8)}`;
    const r = await runWrk({
      url: `${server.base}/api/tasks`,
      body: body(tag),
      connections: conns,
      seconds: 10,
      timestamped: true,
    });
    console.log('wrk', r.perSecond, '/s', r.latencyMs);
    const db = postgres(url, { max: 1, onnotice: () => {} });
    const rows = await db<{ inbound: number }[]>`
      select extract(epoch from created_at) * 1000 - split_part(title, ' ', 2)::float8 as inbound
      from tasks where title like ${`${tag} %`}`;
    const xs = rows.map((x) => Number(x.inbound)).sort((a, b) => a - b);
    console.log(
      'inbound (sent → handler) ms: p50',
      percentile(xs, 50).toFixed(1),
      'p95',
      percentile(xs, 95).toFixed(1),
      'p99',
      percentile(xs, 99).toFixed(1),
      'max',
      xs.at(-1)!.toFixed(1),
      'n',
      xs.length,
    );
    await db.end();
  } finally {
    await server.stop();
  }
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
