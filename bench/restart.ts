/**
 * Crash recovery of the default embedded runtime (PGlite): a burst of creations, SIGKILL in the
 * middle of it, then the time from spawning the process again to `/ready` answering 200 — as
 * `npm start` runs it (`bundle`: scripts/start-embedded.mjs, the compiled bundle) and from the
 * sources through tsx (`source`), on the same data directory. Afterwards every acknowledged task
 * must exist and every task must be audited exactly once (read from the data directory).
 *
 *   node --import tsx bench/restart.ts [--runs 3] [--modes bundle,source]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../core/db/client';
import { freePort, tempDir } from '../test/support/server-process';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const runs = Number(arg('--runs') ?? 3);
const modes = (arg('--modes') ?? 'bundle,source').split(',') as ('bundle' | 'source')[];

const COMMAND = {
  bundle: ['scripts/start-embedded.mjs'],
  source: ['--import', 'tsx', 'runtime/main.ts'],
};

/** With `startLine`, the server logs at info and its start-up line (loadedMs, startupMs) is kept. */
function start(
  mode: 'bundle' | 'source',
  dataDir: string,
  port: number,
  startLine?: { loadedMs?: number; startupMs?: number },
): ChildProcess {
  const proc = spawn(process.execPath, COMMAND[mode], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: startLine ? 'info' : 'warn',
      SERVE_WEB: 'false',
    },
    stdio: ['ignore', startLine ? 'pipe' : 'ignore', 'ignore'],
  });
  if (startLine) {
    let out = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      // Whole lines only: a chunk can end in the middle of the start-up line.
      const lines = (out + chunk.toString()).split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) if (line.includes('"startupMs"')) Object.assign(startLine, JSON.parse(line));
    });
  }
  return proc;
}

async function untilReady(base: string, proc: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`${base}/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('not ready in time');
}

function killed(proc: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill(signal);
  });
}

/** 16 closed-loop clients creating tasks until the server dies; the ids that got a 201. */
async function burstUntilKilled(base: string, proc: ChildProcess, killAfterMs: number): Promise<string[]> {
  const acknowledged: string[] = [];
  let stop = false;
  const worker = async (w: number) => {
    for (let i = 0; !stop; i++) {
      try {
        const res = await fetch(`${base}/api/tasks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: `restart bench ${w}-${i}`, tags: ['bench'] }),
        });
        if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
        else await res.arrayBuffer();
      } catch {
        return; // the server died: what got no 201 was never promised
      }
    }
  };
  const workers = Array.from({ length: 16 }, (_, w) => worker(w));
  await new Promise((r) => setTimeout(r, killAfterMs));
  await killed(proc, 'SIGKILL');
  stop = true;
  await Promise.all(workers);
  return acknowledged;
}

interface Row {
  mode: string;
  run: number;
  firstStartMs?: number;
  restartToReadyMs: number;
  /** From the restarted process's start-up line: loading the code; then opening the database and the host. */
  loadedMs?: number;
  startupMs?: number;
  acknowledged: number;
  lost: number;
  tasks: number;
  auditedOnce: boolean;
}

async function main() {
  console.log(
    `# ${os.cpus().length}× ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const rows: Row[] = [];
  for (let run = 1; run <= runs; run++) {
    for (const mode of modes) {
      const dataDir = tempDir('tw-restart-');
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const t0 = performance.now();
      const first = start(mode, dataDir, port);
      await untilReady(base, first);
      const firstStartMs = Math.round(performance.now() - t0);
      const acknowledged = await burstUntilKilled(base, first, 1500);
      const t1 = performance.now();
      const startLine: { loadedMs?: number; startupMs?: number } = {};
      const second = start(mode, dataDir, port, startLine);
      await untilReady(base, second);
      const restartToReadyMs = Math.round(performance.now() - t1);
      // SIGTERM drains the outbox (the audit included) before it exits.
      await killed(second, 'SIGTERM');
      const db = await openDatabase({ dataDir });
      try {
        const ids = (await db.rows<{ id: string }>(sql`select id::text as id from tasks`)).map((r) => r.id);
        const present = new Set(ids);
        const [audit] = await db.rows<{ entities: number; entries: number }>(sql`
          select count(distinct entity_id)::int as entities, count(*)::int as entries
          from audit_log where event_type = 'dev.taskwire.task.created.v1'`);
        rows.push({
          mode,
          run,
          firstStartMs,
          restartToReadyMs,
          loadedMs: startLine.loadedMs,
          startupMs: startLine.startupMs,
          acknowledged: acknowledged.length,
          lost: acknowledged.filter((id) => !present.has(id)).length,
          tasks: ids.length,
          auditedOnce: Number(audit?.entities) === ids.length && Number(audit?.entries) === ids.length,
        });
        console.log(JSON.stringify(rows.at(-1)));
      } finally {
        await db.close();
      }
    }
  }
  console.log(
    '\n| mode | run | first start (fresh data dir) ms | SIGKILL → ready ms | of which: code loaded at ms | database + host open, listening ms | acknowledged | lost | tasks | audited exactly once |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.mode} | ${r.run} | ${r.firstStartMs} | ${r.restartToReadyMs} | ${r.loadedMs ?? '—'} | ${r.startupMs ?? '—'} | ${r.acknowledged} | ${r.lost} | ${r.tasks} | ${r.auditedOnce ? 'yes' : 'NO'} |`,
    );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
