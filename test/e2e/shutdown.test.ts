import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { openDatabase } from '../../core/db/client';
import { ServerProcess, tempDir } from '../support/server-process';

it('SIGTERM drains in-flight requests and the outbox, then exits 0; data survives a restart', async () => {
  const dataDir = tempDir('tw-term-');
  const server = new ServerProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'info', OUTBOX_POLL_MS: '60000' });
  await server.start();
  const creates = Array.from({ length: 40 }, (_, i) =>
    fetch(`${server.base}/api/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: `before shutdown ${i}` }),
    }).then(
      (r) => r.status,
      () => 0, // connected but not yet received when the server stopped accepting: never acknowledged
    ),
  );
  await new Promise((r) => setTimeout(r, 20));
  const code = await server.kill('SIGTERM');
  const statuses = await Promise.all(creates);
  expect(code).toBe(0);
  const log = readFileSync(server.logFile, 'utf8');
  expect(log).toContain('"message":"stopped cleanly"');
  const acknowledged = statuses.filter((s) => s === 201).length;
  expect(statuses.every((s) => s === 201 || s === 0 || s === 503)).toBe(true);
  expect(acknowledged).toBeGreaterThan(0);

  const db = await openDatabase({ dataDir });
  const [pending] = await db.rows<{ n: number }>(
    sql`select count(*)::int as n from outbox where published_at is null`,
  );
  const [tasks] = await db.rows<{ n: number }>(sql`select count(*)::int as n from tasks`);
  const [audits] = await db.rows<{ n: number }>(sql`select count(*)::int as n from audit_log`);
  await db.close();
  expect(Number(pending?.n)).toBe(0);
  expect(Number(tasks?.n)).toBeGreaterThanOrEqual(acknowledged);
  expect(Number(audits?.n)).toBe(Number(tasks?.n));
}, 120_000);
