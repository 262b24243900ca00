import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { type Env, parseEnv } from '../../core/config/env';
import { type Database, openDatabase } from '../../core/db/client';
import { createLogger, type Logger } from '../../core/observability/logger';
import { createMetrics } from '../../core/observability/metrics';
import type { Clock } from '../../core/ports/clock';
import { systemClock } from '../../core/ports/clock';
import { FUNCTIONS } from '../../functions';
import type { TaskwireFunction } from '../../functions/_runtime/define-function';
import { createHost, type Host } from '../../runtime/host';

export function testEnv(overrides: Record<string, string> = {}): Env {
  return parseEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATA_DIR: 'memory://',
    RETRY_DELAY_SCALE: '0.01',
    OUTBOX_POLL_MS: '200',
    SERVE_WEB: 'false',
    ...overrides,
  });
}

/** Collects log lines in memory so tests can assert on what was logged. */
export function memoryLogger(level = 'debug'): { log: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  const log = createLogger({ level, destination });
  return {
    log,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** PostgreSQL when TEST_DATABASE_URL is set (a fresh schema per call), else in-memory PGlite. */
export async function testDatabase(kind: 'pglite' | 'postgres' = 'pglite'): Promise<Database> {
  if (kind === 'postgres') {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('TEST_DATABASE_URL is not set: start PostgreSQL (scripts/postgres.sh) first');
    return openDatabase({ databaseUrl: await freshDatabase(url) });
  }
  template ??= openDatabase({ dataDir: 'memory://' }).then(async (db) => {
    const blob = await db.dump!();
    await db.close();
    return blob;
  });
  return openDatabase({ dataDir: 'memory://', template: await template });
}

/** A migrated PGlite data directory, made once per test worker: cloning it is 5x faster than initdb. */
let template: Promise<Blob> | undefined;

/** Creates an empty database on the server of `url` and returns its URL. */
export async function freshDatabase(url: string): Promise<string> {
  const { default: postgres } = await import('postgres');
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const name = `tw_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Both drivers, always: the global setup starts PostgreSQL or fails the run. */
export const DATABASE_KINDS = ['pglite', 'postgres'] as const;

export interface TestHost extends Host {
  request(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are asserted field by field
  json<T = any>(
    path: string,
    init?: RequestInit & { json?: unknown },
  ): Promise<{ status: number; body: T; headers: Headers }>;
  /** Publishes everything in the outbox and waits for the consumers. */
  settle(): Promise<void>;
}

export async function startTestHost(
  opts: {
    env?: Record<string, string>;
    database?: Database;
    clock?: Clock;
    functions?: readonly TaskwireFunction[];
    log?: Logger;
    runTicks?: boolean;
  } = {},
): Promise<TestHost> {
  const env = testEnv(opts.env);
  const host = await createHost({
    env,
    functions: opts.functions ?? FUNCTIONS,
    database: opts.database ?? (await testDatabase()),
    clock: opts.clock ?? systemClock,
    log: opts.log ?? createLogger({ level: 'silent' }),
    metrics: createMetrics(),
    runTicks: opts.runTicks ?? false,
  });
  const request = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (json !== undefined) headers.set('content-type', 'application/json');
    return Promise.resolve(
      host.app.request(path, {
        ...rest,
        headers,
        body: json !== undefined ? JSON.stringify(json) : rest.body,
      }),
    );
  };
  return {
    ...host,
    request,
    async json(path, init) {
      const res = await request(path, init);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
    },
    settle: () => host.relay.drain(),
  };
}
