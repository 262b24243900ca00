import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/harness';
import { parseEnv } from '../config/env';
import { type Database, openDatabase } from './client';

let db: Database | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

function url(params: string): Promise<string> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  return freshDatabase(base).then((u) => `${u}${u.includes('?') ? '&' : '?'}${params}`);
}

describe('PostgreSQL connection settings come from DATABASE_URL', () => {
  it('honours sslmode=require: a server without TLS is refused, not silently used in clear text', async () => {
    // The test server speaks no TLS, so requiring it must fail.
    await expect(openDatabase({ databaseUrl: await url('sslmode=require') })).rejects.toThrow(/ssl|tls/i);
  });

  it('connects with sslmode=disable and applies the migrations', async () => {
    db = await openDatabase({ databaseUrl: await url('sslmode=disable') });
    const rows = await db.rows<{ n: number }>(
      (await import('drizzle-orm'))
        .sql`select count(*)::int as n from information_schema.tables where table_name = 'tasks'`,
    );
    expect(Number(rows[0]?.n)).toBe(1);
  });

  it('migrates once when several processes start together (advisory lock)', async () => {
    const shared = await url('sslmode=disable');
    const opened = await Promise.all([1, 2, 3].map(() => openDatabase({ databaseUrl: shared })));
    for (const d of opened) await d.close();
  });

  it('opens an up-to-date database without waiting for the migration lock', async () => {
    const shared = await url('sslmode=disable');
    await (await openDatabase({ databaseUrl: shared })).close();
    // Another process holds the migration lock (it is migrating, or hung): a database that already
    // has every migration opens all the same.
    const holder = postgres(shared, { max: 1, onnotice: () => {} });
    try {
      await holder`select pg_advisory_lock(727104301)`;
      db = await Promise.race([
        openDatabase({ databaseUrl: shared }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('waited for the lock')), 10_000)),
      ]);
      expect(await db.rows(sql`select 1 as one`)).toEqual([{ one: 1 }]);
    } finally {
      await holder.end({ timeout: 5 });
    }
  });
});

describe('the pool size (DATABASE_POOL_MAX)', () => {
  /** Runs `n` overlapping queries and returns the server's view: its backends serving this database's pool. */
  async function backendsUnderLoad(databaseUrl: string, maxConnections: number | undefined, n: number) {
    db = await openDatabase({ databaseUrl, maxConnections });
    const open = db;
    const pids = await Promise.all(
      Array.from({ length: n }, () =>
        open.rows<{ pid: number }>(sql`select pg_backend_pid() as pid, pg_sleep(0.2)`).then((r) => r[0]!.pid),
      ),
    );
    const observer = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const name = new URL(databaseUrl).pathname.slice(1);
      const [row] = await observer<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity
        where datname = ${name} and application_name = 'taskwire'`;
      return { distinctPids: new Set(pids).size, serverSide: row!.n };
    } finally {
      await observer.end();
    }
  }

  it('parses as a positive integer and names the field when it is not one', () => {
    expect(parseEnv({ DATABASE_POOL_MAX: '3' }).DATABASE_POOL_MAX).toBe(3);
    expect(parseEnv({ DATABASE_POOL_MAX: '' }).DATABASE_POOL_MAX).toBeUndefined();
    expect(parseEnv({}).DATABASE_POOL_MAX).toBeUndefined();
    for (const bad of ['0', '-1', '2.5', 'ten'])
      expect(() => parseEnv({ DATABASE_POOL_MAX: bad }), bad).toThrow(/DATABASE_POOL_MAX/);
  });

  it('bounds the connections the PostgreSQL server sees, however many queries overlap', async () => {
    const pool = parseEnv({ DATABASE_POOL_MAX: '2' }).DATABASE_POOL_MAX;
    const small = await backendsUnderLoad(await url('sslmode=disable'), pool, 12);
    expect(small).toEqual({ distinctPids: 2, serverSide: 2 });
    await db?.close();
    db = undefined;
    // The same load with a larger pool opens more: the bound above is the setting, not the load.
    const larger = await backendsUnderLoad(await url('sslmode=disable'), 5, 12);
    expect(larger).toEqual({ distinctPids: 5, serverSide: 5 });
  });
});
