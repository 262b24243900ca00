/**
 * Reminder lateness and recurring generation, end to end on a running Taskwire.
 *
 *   node --import tsx bench/reminders.ts [--reminders 10000] [--spread 60] [--only postgres|pglite]
 *
 * Lateness: N reminders whose triggers are spread over `spread` seconds; per reminder, the time
 * from its trigger to the in-app notification row (read from the database afterwards).
 * Generation: complete a daily task, poll until the next instance is listed; 200 rounds.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../core/db/client';
import { freshDatabase } from '../test/support/harness';
import { ServerProcess, tempDir } from '../test/support/server-process';
import { summarize } from './support/load';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt;
const N = arg('--reminders', 10_000);
const SPREAD_S = arg('--spread', 60);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

async function json(base: string, path: string, init?: RequestInit & { body?: string }) {
  const res = await fetch(base + path, { ...init, headers: { 'content-type': 'application/json' } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function createMany(base: string, bodies: unknown[], concurrency = 32) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const r = await json(base, '/api/tasks', { method: 'POST', body: JSON.stringify(body) });
        if (r.status !== 201) throw new Error(`create failed: ${r.status} ${JSON.stringify(r.body)}`);
      }
    }),
  );
}

const stats = (xs: number[]) => summarize(xs, 1);

async function lateness(server: ServerProcess, openDb: () => ReturnType<typeof openDatabase>) {
  // Triggers start after all tasks exist: estimate the creation time generously.
  const start = Date.now() + Math.max(30_000, N * 6);
  const bodies = Array.from({ length: N }, (_, i) => ({
    title: `Bench reminder ${i}`,
    due: new Date(start + 60_000 + Math.floor((i * SPREAD_S * 1000) / N)).toISOString(),
    reminders: [{ minutesBefore: 1 }],
  }));
  const t0 = Date.now();
  await createMany(server.base, bodies);
  const created = Date.now() - t0;
  if (Date.now() > start) throw new Error('creating took longer than the lead time; lower --reminders');
  const end = start + SPREAD_S * 1000 + 30_000;
  while (Date.now() < end) {
    const r = await json(server.base, '/api/notifications?limit=1');
    const total = await countNotified(server.base);
    if (total >= N) break;
    void r;
    await new Promise((res) => setTimeout(res, 1000));
  }
  await server.stop();
  const db = await openDb();
  const rows = await db.rows<{ late: number }>(sql`
    select extract(epoch from (n.created_at - r.trigger_at)) * 1000 as late
    from notifications n cross join lateral jsonb_array_elements_text(n.reminder_ids) rid
    join reminders r on r.id = rid::uuid`);
  const [{ digests, notifications }] = (await db.rows(
    sql`select count(*) filter (where kind = 'digest')::int as digests, count(*)::int as notifications from notifications`,
  )) as [{ digests: number; notifications: number }];
  await db.close();
  return { createdInMs: created, ...stats(rows.map((r) => Number(r.late))), notifications, digests };
}

async function countNotified(base: string): Promise<number> {
  let total = 0;
  let before = '';
  for (;;) {
    const r = await json(base, `/api/notifications?limit=200${before ? `&before=${before}` : ''}`);
    const list = r.body.notifications as { taskIds: string[]; createdAt: string }[];
    for (const n of list) total += n.taskIds.length;
    if (list.length < 200) return total;
    before = list.at(-1)!.createdAt;
  }
}

async function generation(server: ServerProcess, rounds = 200) {
  const r = await json(server.base, '/api/tasks', {
    method: 'POST',
    body: JSON.stringify({
      title: 'Bench daily',
      due: new Date(Date.now() + 86_400_000).toISOString(),
      recurrence: { frequency: 'daily', interval: 1 },
    }),
  });
  let current = r.body as { id: string; seriesId: string };
  const lat: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await json(server.base, `/api/tasks/${current.id}/complete`, { method: 'POST' });
    for (;;) {
      const list = await json(server.base, '/api/tasks?status=active&q=Bench%20daily&limit=5');
      const next = (list.body.tasks as { id: string; seriesId: string }[]).find(
        (t) => t.seriesId === current.seriesId && t.id !== current.id,
      );
      if (next) {
        lat.push(performance.now() - t0);
        current = next;
        break;
      }
    }
  }
  return stats(lat);
}

async function main() {
  console.log(
    `# ${os.cpus().length}× ${os.cpus()[0]?.model}, Node ${process.version}; ${N} reminders over ${SPREAD_S}s`,
  );
  const results: Record<string, unknown> = {};
  if (!only || only === 'postgres') {
    const admin = execFileSync('bash', ['scripts/postgres.sh', 'start'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .at(-1)!;
    const url = await freshDatabase(admin);
    const server = new ServerProcess({ DATABASE_URL: url, LOG_LEVEL: 'error' });
    await server.start();
    const gen = await generation(server);
    results.postgres = {
      generation: gen,
      lateness: await lateness(server, () => openDatabase({ databaseUrl: url })),
    };
    console.log(JSON.stringify({ postgres: results.postgres }));
  }
  if (!only || only === 'pglite') {
    const dataDir = tempDir('tw-bench-rem-');
    const server = new ServerProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'error' });
    await server.start();
    const gen = await generation(server);
    results.pglite = { generation: gen, lateness: await lateness(server, () => openDatabase({ dataDir })) };
    console.log(JSON.stringify({ pglite: results.pglite }));
  }
  console.log(
    '\n| database | generation p50/p99 ms | reminders | lateness p50 / p99 / max ms | notifications (digests) | tasks created in |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const [name, r] of Object.entries(results) as [
    string,
    { generation: ReturnType<typeof stats>; lateness: Awaited<ReturnType<typeof lateness>> },
  ][]) {
    const l = r.lateness;
    console.log(
      `| ${name} | ${r.generation.p50} / ${r.generation.p99} | ${l.n} | ${l.p50} / ${l.p99} / ${l.max} | ${l.notifications} (${l.digests}) | ${(l.createdInMs / 1000).toFixed(1)} s |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
