import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
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
   * running it.
   */
  query<T = Record<string, unknown>>(text: string, params: readonly unknown[]): Promise<T[]>;
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
      query: async <T>(text: string, params: readonly unknown[]) =>
        (await client.unsafe(text, params as postgres.ParameterOrJSON<never>[], {
          prepare: true,
        })) as unknown as T[],
      ping: async () => {
        await client`select 1`;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dataDir = opts.dataDir && opts.dataDir !== 'memory://' ? path.resolve(opts.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = dataDir
    ? new PGlite(dataDir)
    : new PGlite(opts.template ? { loadDataDir: opts.template } : undefined);
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(drizzlePglite(client), { migrationsFolder });
  return {
    kind: 'pglite',
    db,
    rows: async (query, executor) => normaliseRows(await (executor ?? db).execute(query)),
    query: async <T>(text: string, params: readonly unknown[]) =>
      (await client.query<T>(text, params as unknown[])).rows,
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
    dump: () => client.dumpDataDir('none'),
  };
}

export { schema };
