import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { mailerFromEnv } from '../core/adapters/mail';
import { DatabaseStateStore } from '../core/adapters/state/database';
import type { Env } from '../core/config/env';
import { type Database, openDatabase } from '../core/db/client';
import { databaseDeadLetters } from '../core/dead-letters/repository';
import { expireEmailLeases } from '../core/email/queue';
import { createLogger, type Logger } from '../core/observability/logger';
import { createMetrics, type Metrics } from '../core/observability/metrics';
import { OutboxRelay, releaseOutboxClaims } from '../core/outbox/outbox';
import { OutboxWriter } from '../core/outbox/writer';
import type { EventBus } from '../core/ports/bus';
import { type Clock, systemClock } from '../core/ports/clock';
import type { Mailer } from '../core/ports/mail';
import type { StateStore } from '../core/ports/state';
import { expirePushLeases } from '../core/push/queue';

import { SettingsStore } from '../core/settings/settings';
import type { TaskwireFunction } from '../functions/_runtime/define-function';
import type { Deps } from '../functions/_runtime/deps';
import { createBaseApp, mountRoutes } from '../functions/_runtime/http-app';
import { instantiate } from '../functions/_runtime/instance';
import { deliverBatchInProcess, deliverInProcess } from '../functions/_runtime/invoke';
import { type Acceptors, addAcceptors } from './acceptors';
import { createBus } from './profiles/bus';
import { openSseHub } from './sse-hub';
import { TickScheduler } from './tick-scheduler';
import { mountWeb } from './web';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_DIST = path.join(ROOT, 'web', 'dist');

export interface HostOptions {
  env: Env;
  functions: readonly TaskwireFunction[];
  clock?: Clock;
  log?: Logger;
  metrics?: Metrics;
  database?: Database;
  bus?: EventBus;
  /** Run tick functions on timers (the embedded runtime's cron). Default true. */
  runTicks?: boolean;
  webDir?: string;
  mailer?: Mailer;
  state?: StateStore;
}

export interface Host {
  app: Hono;
  deps: Deps;
  bus: EventBus;
  relay: OutboxRelay;
  /** Runs one tick function now, as its timer would. */
  tick(id: string): Promise<unknown>;
  /**
   * Listens on HOST:PORT. The extra acceptors (HTTP_ACCEPTORS) join in the background: `acceptors.ready`
   * says when.
   */
  listen(): Promise<{ url: string; port: number; server: Server; acceptors: Acceptors }>;
  stop(): Promise<void>;
}

/**
 * The embedded runtime: every function in one process, routes on one Hono app, event triggers
 * subscribed to an in-process bus that delivers through each function's own CloudEvent endpoint.
 */
export async function createHost(opts: HostOptions): Promise<Host> {
  const { env } = opts;
  const log = opts.log ?? createLogger({ level: env.LOG_LEVEL });
  const metrics = opts.metrics ?? createMetrics({ defaultMetrics: true });
  const database =
    opts.database ??
    (await openDatabase({
      databaseUrl: env.DATABASE_URL,
      dataDir: env.DATA_DIR,
      maxConnections: env.DATABASE_POOL_MAX,
    }));
  const clock = opts.clock ?? systemClock;
  const closers: (() => void)[] = [];
  let relay: OutboxRelay | undefined;
  const relayOwner = randomUUID();
  let scheduler: TickScheduler | undefined;
  const deps: Deps = {
    env,
    database,
    clock,
    log,
    metrics,
    newId: randomUUID,
    settings: new SettingsStore(database.db),
    outbox: new OutboxWriter({ database, owner: relayOwner, onCommitted: (w) => relay?.handoff(w) }),
    wake: (id) => scheduler?.wake(id),
    mailer: opts.mailer ?? mailerFromEnv(env),
    state: opts.state ?? new DatabaseStateStore(database, clock),
    openLiveStream: () => openSseHub(deps),
    onClose: (cleanup) => closers.push(cleanup),
  };
  const bus = opts.bus ?? createBus({ env, log, metrics, deadLetters: databaseDeadLetters(database) });
  relay = new OutboxRelay({ database, bus, log, metrics, pollMs: env.OUTBOX_POLL_MS, owner: relayOwner });
  const instances = opts.functions.map((fn) => instantiate(fn, deps));
  scheduler = new TickScheduler(instances, deps);

  for (const instance of instances) {
    const { fn } = instance;
    if (fn.on.length === 0) continue;
    bus.subscribe({
      consumer: fn.id,
      types: fn.on.map((d) => d.type),
      deliver: deliverInProcess(instance),
      ...(fn.batch ? { deliverBatch: deliverBatchInProcess(instance) } : {}),
      ...(fn.broadcast ? { broadcast: true } : {}),
      delivery: fn.delivery,
    });
  }

  const app = createBaseApp(deps, {
    functions: opts.functions,
    readiness: [
      { name: 'database', check: () => database.ping() },
      {
        name: 'bus',
        check: async () => {
          if (!(await bus.healthy())) throw new Error(`${bus.kind} bus is not running`);
        },
      },
    ],
  });
  let server: Server | undefined;
  let acceptors: Acceptors | undefined;
  let inFlight = 0;
  let idle: (() => void) | undefined;
  // Before the routes: Hono runs handlers in the order they were added, and a route that answers
  // does not call on, so a middleware added after the routes never saw a request (stop() then cut
  // requests whose writes were still waiting for their group commit).
  app.use('*', async (_c, next) => {
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
      if (inFlight === 0) idle?.();
    }
  });
  for (const instance of instances) mountRoutes(app, instance);
  if (env.SERVE_WEB) mountWeb(app, opts.webDir ?? WEB_DIST);

  await bus.start();
  if (database.kind === 'pglite') {
    // One process opens PGlite: the claims a dead predecessor held are free at once.
    await releaseOutboxClaims(database);
    await expireEmailLeases(database.db);
    await expirePushLeases(database.db);
  }
  relay.start();
  if (opts.runTicks !== false) scheduler.start();

  return {
    app,
    deps,
    bus,
    relay,
    tick: (id) => scheduler.run(id),
    async listen() {
      const info = await new Promise<AddressInfo>((resolve) => {
        server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT }, (i) => resolve(i)) as Server;
      });
      const added = addAcceptors(server!, env.HTTP_ACCEPTORS, (err) =>
        log.warn({ err: err.message }, 'one acceptor only: no duplicates of the listening socket'),
      );
      acceptors = added;
      const host = info.address.includes(':') ? `[${info.address}]` : info.address;
      return { url: `http://${host}:${info.port}`, port: info.port, server: server!, acceptors: added };
    },
    async stop() {
      scheduler.stop();
      for (const close of closers) close();

      acceptors?.close();
      if (server) {
        const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight > 0) {
          await Promise.race([
            new Promise<void>((r) => (idle = r)),
            new Promise((r) => setTimeout(r, 10_000)),
          ]);
        }
        // A handler's answer is written after it returns: close each connection once its answer
        // is out (then it is idle), and cut the rest only after a grace period.
        const graceUntil = Date.now() + 2000;
        let done = false;
        void closed.then(() => (done = true));
        while (!done && Date.now() < graceUntil) {
          server.closeIdleConnections();
          await new Promise((r) => setTimeout(r, 10));
        }
        server.closeAllConnections();
        await closed;
      }
      await scheduler.stopAndWait();
      await relay!.stop({ drain: true, timeoutMs: 10_000 });
      await deps.mailer.close?.();
      await bus.stop();
      await database.close();
    },
  };
}
