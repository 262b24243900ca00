/**
 * Web Push latency, end to end on a running Taskwire: from a reminder's trigger time (and from the
 * moment fire-reminders claimed it) to a push service receiving the encrypted push.
 *
 *   npm run bench:push -- [--reminders 200] [--spread 40] [--subscriptions 1,3] [--only pglite|postgres] [--lead s]
 *
 * The push service is the tests' local HTTPS one (test/support/push-service.ts): every push is
 * decrypted and its VAPID token verified, so each one measured is one a browser could show. N tasks
 * get a 1-minute reminder with triggers spread evenly over `spread` seconds (one at a time, so no
 * digests); each run uses a fresh server process (`npm start`'s runtime) and database.
 */
import os from 'node:os';
import { freshDatabase } from '../test/support/harness';
import {
  makeTestCa,
  type PushService,
  startPushService,
  subscriptionJson,
  type TestCa,
} from '../test/support/push-service';
import { ServerProcess, tempDir } from '../test/support/server-process';
import { summarize } from './support/load';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : dflt);
const N = Number(arg('--reminders', '200'));
const SPREAD_S = Number(arg('--spread', '40'));
const SUBSCRIPTIONS = arg('--subscriptions', '1,3').split(',').map(Number);
const only = args.includes('--only') ? arg('--only', '') : undefined;
const LEAD_S = Number(arg('--lead', '0'));

const stats = (xs: number[]) => summarize(xs, 1);

async function post(base: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

async function run(ca: TestCa, push: PushService, database: 'pglite' | 'postgres', subscriptions: number) {
  const env: Record<string, string> = {
    NODE_EXTRA_CA_CERTS: ca.caFile,
    LOG_LEVEL: 'warn',
    ...(database === 'postgres'
      ? { DATABASE_URL: await freshDatabase(process.env.TEST_DATABASE_URL!) }
      : { DATA_DIR: tempDir('tw-push-bench-') }),
  };
  const server = new ServerProcess(env);
  await server.start(120_000);
  try {
    const subs = Array.from({ length: subscriptions }, () => push.subscribe());
    for (const s of subs) await post(server.base, '/api/push/subscriptions', subscriptionJson(s));
    const ids = new Set(subs.map((s) => s.id));
    const first = push.received.length;

    // Triggers start once every task exists (creation is the slow part on a loaded machine): four
    // creations in flight, and a lead time of --lead seconds (default: 150 ms a task, at least 20 s).
    const start = Date.now() + (LEAD_S ? LEAD_S * 1000 : Math.max(20_000, N * 150));
    const triggerOf = new Map<string, number>();
    let next = 0;
    const creator = async () => {
      while (next < N) {
        const i = next++;
        const trigger = start + Math.floor((i * SPREAD_S * 1000) / N);
        const task = await post(server.base, '/api/tasks', {
          title: `Bench push ${i}`,
          due: new Date(trigger + 60_000).toISOString(),
          reminders: [{ minutesBefore: 1 }],
        });
        triggerOf.set(task.id as string, trigger);
      }
    };
    await Promise.all([creator(), creator(), creator(), creator()]);
    if (Date.now() > start)
      throw new Error('creating took longer than the lead time; raise --lead or lower --reminders');
    const deadline = start + SPREAD_S * 1000 + 60_000;
    // Every (reminder, subscription) pair, once: reminders that fire together arrive as one digest.
    const expected = N * subscriptions;
    const mine = () => push.received.slice(first).filter((r) => ids.has(r.subscriptionId));
    const covered = () => mine().reduce((n, r) => n + (r.payload as { taskIds: string[] }).taskIds.length, 0);
    while (Date.now() < deadline && covered() < expected) await new Promise((r) => setTimeout(r, 250));

    const fromTrigger: number[] = [];
    const fromFiring: number[] = [];
    let digests = 0;
    for (const r of mine()) {
      const payload = r.payload as { taskIds: string[]; at: string };
      if (payload.taskIds.length > 1) digests++;
      for (const id of payload.taskIds) {
        const trigger = triggerOf.get(id);
        if (trigger === undefined) continue;
        fromTrigger.push(r.at - trigger);
        fromFiring.push(r.at - Date.parse(payload.at));
      }
    }
    const row = {
      database,
      subscriptions,
      reminders: N,
      remindersPushed: fromTrigger.length,
      remindersExpected: expected,
      pushes: mine().length,
      digests,
      rejected: push.rejected.length,
      fromTriggerMs: stats(fromTrigger),
      fromFiringMs: stats(fromFiring),
    };
    console.log(JSON.stringify(row));
    return row;
  } finally {
    await server.stop();
  }
}

async function main() {
  console.log(
    `# ${os.cpus().length}× ${os.cpus()[0]?.model}, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}, ${new Date().toISOString()}`,
  );
  const ca = makeTestCa();
  const push = await startPushService(ca);
  const rows = [];
  try {
    for (const database of ['pglite', 'postgres'] as const) {
      if (only && only !== database) continue;
      if (database === 'postgres' && !process.env.TEST_DATABASE_URL) {
        console.log('# postgres skipped: set TEST_DATABASE_URL');
        continue;
      }
      for (const subscriptions of SUBSCRIPTIONS) rows.push(await run(ca, push, database, subscriptions));
    }
  } finally {
    await push.close();
  }
  console.log(
    '\n| database | subscriptions | reminders pushed / expected | pushes (digests) | from trigger p50 ms | p99 ms | max ms | from firing p50 ms | p99 ms | max ms |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.database} | ${r.subscriptions} | ${r.remindersPushed} / ${r.remindersExpected} | ${r.pushes} (${r.digests}) | ${r.fromTriggerMs.p50} | ${r.fromTriggerMs.p99} | ${r.fromTriggerMs.max} | ${r.fromFiringMs.p50} | ${r.fromFiringMs.p99} | ${r.fromFiringMs.max} |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
