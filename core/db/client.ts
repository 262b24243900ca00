import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, parse as pgliteParse, protocol } from '@electric-sql/pglite';
import type { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { boundSql } from './insert-rows';
import { takePreloadedPgliteAssets } from './pglite-assets';
import * as schema from './schema';

export type Schema = typeof schema;
/** A database or a transaction on it: both drivers' handles share this shape. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  /** Runs raw SQL and returns its rows, hiding the drivers' different result shapes. */
  rows<T = Record<string, unknown>>(query: ReturnType<typeof sql>, executor?: Db): Promise<T[]>;
  /**
   * Runs one hand-written statement with positional parameters ($1, $2, ...), prepared once per
   * connection and reused: for the hot paths, where building the query per call costs more than
   * running it. Inside a transaction pass it as `executor` (on PostgreSQL the statement then goes
   * through the transaction's connection unprepared).
   */
  query<T = Record<string, unknown>>(text: string, params: readonly unknown[], executor?: Db): Promise<T[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** PGlite only: the data directory as a tarball, to start other instances from. */
  dump?(): Promise<Blob>;
}

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Arbitrary constant for the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 727_104_301;

/** Rows of a query result, whichever driver ran it (postgres.js: an array; PGlite: `{ rows }`). */
export function normaliseRows<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory://` (or undefined) keeps it in memory. */
  dataDir?: string | undefined;
  /** Upper bound of the PostgreSQL pool (DATABASE_POOL_MAX); 20 when unset. */
  maxConnections?: number | undefined;
  migrationsDir?: string;
  /** PGlite only: start from a dump made by `dump()` (tests clone a migrated database this way). */
  template?: Blob;
}

/**
 * Whether the database already has the newest committed migration (drizzle's journal and its
 * `drizzle.__drizzle_migrations` table, compared as drizzle's migrator compares them): one read
 * on the pool, no lock. The twenty processes of the multi-process mode start together against a
 * database its supervisor has just migrated; each of them otherwise took the migration lock in
 * turn, with a connection of its own, only to find nothing to do. False when unsure: then the
 * migrator runs under the lock as before.
 */
async function migrated(client: postgres.Sql, migrationsFolder: string): Promise<boolean> {
  try {
    const journal = JSON.parse(
      readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8'),
    ) as {
      entries: { when: number }[];
    };
    const newest = Math.max(...journal.entries.map((e) => e.when));
    const [last] = await client<{ created_at: string | null }[]>`
      select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`;
    return last?.created_at != null && Number(last.created_at) >= newest;
  } catch {
    return false;
  }
}

/** Opens PostgreSQL when a URL is given, else PGlite, and applies the committed migrations. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const migrationsFolder = opts.migrationsDir ?? MIGRATIONS_DIR;
  if (opts.databaseUrl) {
    const client = postgres(opts.databaseUrl, {
      max: opts.maxConnections ?? 20,
      onnotice: () => {},
      connection: { application_name: 'taskwire' },
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    if (!(await migrated(client, migrationsFolder))) {
      // One connection, so the session-level advisory lock covers every migration statement.
      const migrator = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} });
      try {
        await migrator`select pg_advisory_lock(${MIGRATION_LOCK})`;
        await migratePostgres(drizzlePostgres(migrator), { migrationsFolder });
      } finally {
        await migrator.end({ timeout: 5 });
      }
    }
    return {
      kind: 'postgres',
      db,
      rows: async (query, executor) => normaliseRows(await (executor ?? db).execute(query)),
      query: async <T>(text: string, params: readonly unknown[], executor?: Db) =>
        executor && executor !== db
          ? normaliseRows<T>(await executor.execute(boundSql(text, params)))
          : ((await client.unsafe(text, params as postgres.ParameterOrJSON<never>[], {
              prepare: true,
            })) as unknown as T[]),
      ping: async () => {
        await client`select 1`;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dataDir = opts.dataDir && opts.dataDir !== 'memory://' ? path.resolve(opts.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const assets = await takePreloadedPgliteAssets();
  const client = new PGlite({
    ...(dataDir ? { dataDir } : opts.template ? { loadDataDir: opts.template } : {}),
    ...assets,
  });
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  if (!(await migrationsApplied(client, migrationsFolder)))
    await migratePglite(drizzlePglite(client), { migrationsFolder });
  return {
    kind: 'pglite',
    db,
    rows: async (query, executor) => normaliseRows(await (executor ?? db).execute(query)),
    query: preparedQuery(client, db),
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
    dump: () => client.dumpDataDir('none'),
  };
}

/**
 * True when the newest committed migration is already applied: a restart then skips the
 * migrator's DDL (`create schema/table if not exists`), which costs a catalog write on every start.
 * Drizzle applies a migration whose journal time is newer than the newest applied one; this is the
 * same test, read-only. Anything unexpected (no table yet) answers false, and the migrator runs.
 */
async function migrationsApplied(client: PGlite, migrationsFolder: string): Promise<boolean> {
  try {
    const journal = JSON.parse(
      readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8'),
    ) as {
      entries: { when: number }[];
    };
    const newest = Math.max(...journal.entries.map((e) => e.when));
    const { rows } = await client.query<{ at: string | number }>(
      'select max(created_at) as at from drizzle.__drizzle_migrations',
    );
    return rows[0]?.at != null && Number(rows[0].at) >= newest;
  } catch {
    return false;
  }
}

const JSONB_OID = 3802;
const JSONB_VERSION = Buffer.of(1);

/**
 * PGlite's `query` sends Parse, Describe, Bind, Describe, Execute and Sync as six calls into the
 * WebAssembly backend, and parses and plans the text anew each time (unnamed statements): on the
 * hot paths that cost more than the statement's work. Here each text is parsed once as a named
 * statement (so PostgreSQL can keep its plan), and every run is ONE call: Bind, Describe,
 * Execute, Sync. It takes the same two locks as `query`, so it never runs inside another caller's
 * transaction; given the caller's own transaction as `executor` (whose callback holds the
 * transaction lock), it runs in it, taking the statement lock only.
 */
function preparedQuery(client: PGlite, db: Db): Database['query'] {
  const { serialize } = protocol;
  const statements = new Map<string, { name: string; types: number[] }>();
  const concat = (parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const run = async <T>(text: string, params: readonly unknown[]): Promise<T[]> => {
    let statement = statements.get(text);
    if (!statement) {
      const name = `tw_${statements.size}`;
      const { messages } = await client.execProtocol(
        concat([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]),
        { syncToFs: false },
      );
      statement = { name, types: pgliteParse.parseDescribeStatementResults(messages) };
      statements.set(text, statement);
    }
    const { types } = statement;
    const values = params.map((v, i) => {
      if (v === null || v === undefined) return null;
      // A JSON parameter (the batches of rows and events) in jsonb's binary form: version 1, then
      // the text. PGlite's encoder measures a text parameter character by character in JavaScript,
      // twice; Buffer encodes it natively.
      if (types[i] === JSONB_OID && typeof v === 'string')
        return Buffer.concat([JSONB_VERSION, Buffer.from(v)]);
      const serializer = client.serializers[types[i]!];
      return serializer ? serializer(v) : String(v);
    });
    const { messages } = await client.execProtocol(
      concat([
        serialize.bind({ statement: statement.name, values }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
        serialize.sync(),
      ]),
    );
    return (pgliteParse.parseResults(messages, client.parsers)[0]?.rows ?? []) as T[];
  };
  return <T>(text: string, params: readonly unknown[], executor?: Db) =>
    executor && executor !== db
      ? client._runExclusiveQuery(() => run<T>(text, params))
      : client._runExclusiveTransaction(() => client._runExclusiveQuery(() => run<T>(text, params)));
}

export { schema };
