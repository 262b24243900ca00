import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/harness';
import { tempDir } from '../../test/support/server-process';
import { parseEnv } from '../config/env';
import { type Database, MIGRATIONS_DIR, openDatabase } from './client';
import { PGLITE_ASSETS } from './pglite-assets';

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

describe('query(): hand-written statements, prepared once (PGlite and PostgreSQL)', () => {
  for (const kind of ['pglite', 'postgres'] as const) {
    const open = async () =>
      openDatabase(kind === 'pglite' ? {} : { databaseUrl: await url('sslmode=disable') });

    it(`${kind}: runs one text with different parameters and types, and survives a failing run`, async () => {
      db = await open();
      const text = 'select $1::int + 1 as n, $2::jsonb as j, $3::text as t, $4::timestamptz as at';
      for (let i = 0; i < 8; i++) {
        const at = new Date(Date.UTC(2026, 0, 1 + i));
        const [row] = await db.query<{ n: number; j: unknown; t: string | null; at: Date }>(text, [
          i,
          JSON.stringify({ i }),
          i % 2 ? null : `t${i}`,
          at.toISOString(),
        ]);
        expect({ ...row, at: new Date(row!.at).toISOString() }).toEqual({
          n: i + 1,
          j: { i },
          t: i % 2 ? null : `t${i}`,
          at: at.toISOString(),
        });
      }
      await expect(db.query('select 1 / $1::int as n', [0])).rejects.toThrow(/division by zero/);
      await expect(db.query('select nonsense from', [])).rejects.toThrow(/syntax/);
      expect(await db.query('select 1 / $1::int as n', [1])).toEqual([{ n: 1 }]);
    });

    it(`${kind}: never runs inside another caller's open transaction`, async () => {
      db = await open();
      const d = db;
      await d.query('create table probe (v int)', []);
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const tx = d.db.transaction(async (t) => {
        await t.execute(sql`insert into probe values (1)`);
        entered();
        await held;
        throw new Error('roll back');
      });
      await inside;
      // Outside the transaction: it must not see (nor commit with) the uncommitted row.
      const counted = d.query<{ n: number }>('select count(*)::int as n from probe', []);
      await new Promise((r) => setTimeout(r, 50));
      release();
      await expect(tx).rejects.toThrow('roll back');
      expect(await counted).toEqual([{ n: 0 }]);
    });

    it(`${kind}: given the caller's transaction, runs in it and rolls back with it`, async () => {
      db = await open();
      const d = db;
      await d.query('create table probe (v int)', []);
      const seen = d.db.transaction(async (t) => {
        await t.execute(sql`insert into probe values (1)`);
        await d.query('insert into probe values ($1::int)', [2], t);
        const inside = await d.query<{ n: number }>('select count(*)::int as n from probe', [], t);
        throw Object.assign(new Error('roll back'), { inside });
      });
      await expect(seen).rejects.toMatchObject({ inside: [{ n: 2 }] });
      expect(await d.query('select count(*)::int as n from probe', [])).toEqual([{ n: 0 }]);
    });
  }
});

describe('PGlite migrations on restart', () => {
  it('skips the migrator when everything is applied, and still applies a migration added since', async () => {
    const migrationsDir = path.join(tempDir('tw-mig-'), 'migrations');
    cpSync(MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const dataDir = tempDir('tw-mig-data-');
    db = await openDatabase({ dataDir, migrationsDir });
    await db.close();
    db = await openDatabase({ dataDir, migrationsDir }); // all applied: nothing to do
    const applied = await db.query<{ n: number }>(
      'select count(*)::int as n from drizzle.__drizzle_migrations',
      [],
    );
    await db.close();
    // A new migration, as drizzle-kit writes one: a file and a journal entry with a later time.
    const journalPath = path.join(migrationsDir, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Record<string, unknown>[] };
    const last = journal.entries.at(-1) as { idx: number; when: number };
    journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1, tag: '9999_probe' });
    writeFileSync(journalPath, JSON.stringify(journal));
    writeFileSync(
      path.join(migrationsDir, '9999_probe.sql'),
      'CREATE TABLE "probe_after_restart" ("v" integer);',
    );
    db = await openDatabase({ dataDir, migrationsDir });
    expect(await db.query('select count(*)::int as n from probe_after_restart', [])).toEqual([{ n: 0 }]);
    expect(await db.query('select count(*)::int as n from drizzle.__drizzle_migrations', [])).toEqual([
      { n: applied[0]!.n + 1 },
    ]);
  });
});

describe('PGlite from assets preloaded by the start script', () => {
  const dist = path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  const holder = globalThis as Record<symbol, unknown>;
  // The global exists at run time; the node types declare only its type namespace.
  const wasm = (
    globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<WebAssembly.Module> } }
  ).WebAssembly;
  afterEach(() => {
    delete holder[PGLITE_ASSETS];
  });

  it('opens with the compiled module and file bundle it is handed, and takes them once', async () => {
    const taken: string[] = [];
    const recorded = <T>(name: string, value: Promise<T>) => ({
      // biome-ignore lint/suspicious/noThenProperty: a thenable that records being awaited
      then: (ok: (v: T) => unknown, fail: (e: unknown) => unknown) => {
        taken.push(name);
        return value.then(ok, fail);
      },
    });
    holder[PGLITE_ASSETS] = {
      wasm: recorded('wasm', wasm.compile(readFileSync(path.join(dist, 'pglite.wasm')))),
      data: recorded('data', Promise.resolve(readFileSync(path.join(dist, 'pglite.data')))),
    };
    db = await openDatabase({ dataDir: tempDir('tw-preload-') });
    expect(taken.sort()).toEqual(['data', 'wasm']);
    expect(holder[PGLITE_ASSETS]).toBeUndefined();
    expect(await db.query('select count(*)::int as n from tasks', [])).toEqual([{ n: 0 }]);
  });

  it('loads its own files when the preload failed', async () => {
    holder[PGLITE_ASSETS] = {
      wasm: Promise.reject(new Error('no such file')),
      data: Promise.reject(new Error('no such file')),
    };
    db = await openDatabase({ dataDir: tempDir('tw-preload-') });
    expect(await db.query('select 1 as one', [])).toEqual([{ one: 1 }]);
  });
});
