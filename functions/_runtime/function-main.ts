/**
 * One function as its own process: `FUNCTION=create-task BUS=kafka DATABASE_URL=… node …`.
 * What a Knative Service runs, and what the multi-process mode starts once per function.
 */
import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { databaseDeadLetters } from '../../core/adapters/dead-letter-db';
import { mailerFromEnv } from '../../core/adapters/mail';
import { DatabaseStateStore } from '../../core/adapters/state/database';

import { ConfigError, type Env, parseEnv } from '../../core/config/env';
import { openDatabase } from '../../core/db/client';
import { createLogger } from '../../core/observability/logger';
import { createMetrics } from '../../core/observability/metrics';
import { OutboxRelay } from '../../core/outbox/outbox';
import { DEFAULT_DELIVERY } from '../../core/ports/bus';
import { systemClock } from '../../core/ports/clock';
import { SettingsStore } from '../../core/settings/settings';
import { FUNCTIONS } from '../index';
import type { Deps } from './deps';
import { createFunctionApp } from './http-app';
import { deliverBatchInProcess, deliverInProcess } from './invoke';
import {
  createBus,
  createInvoker,
  createStateStore,
  mountRuntimeRoutes,
  sidecarReadiness,
  withDaprSecrets,
} from './profiles';
import { TickScheduler } from './tick-scheduler';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

export async function startFunction(env: Env) {
  const started = performance.now();
  const fn = FUNCTIONS.find((f) => f.id === env.FUNCTION);
  if (!fn)
    fail(
      `FUNCTION must name one of: ${FUNCTIONS.map((f) => f.id).join(', ')} (got ${env.FUNCTION ?? 'nothing'})`,
    );
  if (!env.DATABASE_URL)
    fail('a function process needs DATABASE_URL: PGlite cannot be shared between processes');
  if (env.BUS === 'memory') fail('a function process needs a shared bus: BUS=kafka, knative or dapr');
  const log = createLogger({ level: env.LOG_LEVEL, name: fn.id });
  const metrics = createMetrics({ defaultMetrics: true });
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, maxConnections: 10 });
  const closers: (() => void)[] = [];
  let relay: OutboxRelay | undefined;
  let scheduler: TickScheduler | undefined;
  const deps: Deps = {
    env,
    database,
    clock: systemClock,
    log,
    metrics,
    newId: randomUUID,
    settings: new SettingsStore(database.db),
    afterCommit: () => relay?.kick(),
    wake: (id) => scheduler?.wake(id),
    mailer: mailerFromEnv(env),
    state: createStateStore(env, database, systemClock),
    services: { invoker: createInvoker(env) },
    onClose: (cleanup) => closers.push(cleanup),
  };
  const deadLetters = databaseDeadLetters(database);
  const bus = createBus({ env, log, metrics, deadLetters });
  if (fn.on.length > 0 && env.BUS !== 'knative') {
    bus.subscribe({
      consumer: fn.id,
      types: fn.on.map((d) => d.type),
      deliver: deliverInProcess(fn, deps),
      delivery: fn.delivery,
      ...(fn.broadcast ? { broadcast: true } : {}),

      ...(fn.batch ? { deliverBatch: deliverBatchInProcess(fn, deps) } : {}),
    });
  }
  relay = new OutboxRelay({ database, bus, log, metrics, pollMs: env.OUTBOX_POLL_MS });
  scheduler = new TickScheduler([fn], deps);
  const app = createFunctionApp(fn, deps, [
    { name: 'database', check: () => database.ping() },
    {
      name: 'bus',
      check: async () => {
        if (!(await bus.healthy())) throw new Error(`${bus.kind} bus is not healthy`);
      },
    },
    ...sidecarReadiness(env),
  ]);
  mountRuntimeRoutes(app, {
    fn,
    bus,
    env,
    deadLetters,
    // A single-function bundle knows only its own delivery spec: others count as the default's.
    attemptsOf: (id) => (FUNCTIONS.find((f) => f.id === id)?.delivery.retry ?? DEFAULT_DELIVERY.retry) + 1,
  });
  await bus.start();
  relay.start();
  if (fn.tick && env.TICKS === 'timer') scheduler.start();
  const server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT });
  log.info(
    { fn: fn.id, bus: bus.kind, port: env.PORT, startupMs: Math.round(performance.now() - started) },
    `function ${fn.id} is running`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), 25_000).unref();
    server.close();
    for (const close of closers) close();
    await scheduler!.stopAndWait();

    await relay!.stop({ drain: true, timeoutMs: 10_000 });
    await bus.stop();
    await database.close();
    log.flush();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

try {
  await startFunction(parseEnv(await withDaprSecrets(process.env)));
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  console.error('function failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
}
