import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/harness';
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
});
