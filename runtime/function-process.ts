/**
 * One function as its own process (what `function-main.ts` starts): its routes and CloudEvent
 * endpoint, its outbox relay, its bus subscription, its tick timer, tracing.
 */
import { randomUUID } from 'node:crypto';
import { createAdaptorServer } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { mailerFromEnv } from '../core/adapters/mail';
import { type Env, type Environment, processEnvironment } from '../core/config/env';
import { type Database, openDatabase } from '../core/db/client';
import { databaseDeadLetters } from '../core/dead-letters/repository';
import { createLogger, type Logger } from '../core/observability/logger';
import { createMetrics } from '../core/observability/metrics';
import { startTracing } from '../core/observability/tracing';
import { OutboxRelay } from '../core/outbox/outbox';
import { OutboxWriter } from '../core/outbox/writer';
import { DEFAULT_DELIVERY } from '../core/ports/bus';
import { systemClock } from '../core/ports/clock';
import { SettingsStore } from '../core/settings/settings';
import { FUNCTIONS } from '../functions';
import type { TaskwireFunction } from '../functions/_runtime/define-function';
import type { Deps } from '../functions/_runtime/deps';
import { createFunctionApp } from '../functions/_runtime/http-app';
import { instantiate } from '../functions/_runtime/instance';
import { deliverBatchInProcess, deliverInProcess } from '../functions/_runtime/invoke';
import { listen } from './bound-socket';
import { createBus } from './profiles/bus';
import { sidecarReadiness } from './profiles/dapr';
import { mountRuntimeRoutes } from './profiles/routes';
import { createStateStore } from './profiles/state';
import { followPublished } from './published-feed';
import { openSseHub } from './sse-hub';
import { TickScheduler } from './tick-scheduler';

export class StartError extends Error {
  override name = 'StartError';
}

/**
 * PostgreSQL channel on which `deps.wake(id)` reaches the process that runs tick function `id`: in
 * the multi-process mode schedule-reminders commits a reminder in one process and fire-reminders,
 * in another, re-arms its timer for it at once instead of at its next sweep.
 */
export const WAKE_CHANNEL = 'taskwire_wake';

/** Sends wakes to other processes through the database (after the commit that moved the work). */
function notifyWake(database: Database, log: Logger) {
  return (id: string) => {
    database.db.execute(sql`select pg_notify(${WAKE_CHANNEL}, ${id})`).catch((err: unknown) => {
      log.debug({ err, fn: id }, 'wake notification failed; the sweep will catch up');
    });
  };
}

/** Listens for wakes of `id` on a connection of its own; (re)connecting counts as a wake too. */
async function listenForWakes(databaseUrl: string, id: string, wake: () => void, log: Logger) {
  const listener = postgres(databaseUrl, {
    max: 1,
    onnotice: () => {},
    connection: { application_name: `taskwire-wake-${id}` },
  });
  try {
    await listener.listen(
      WAKE_CHANNEL,
      (payload) => {
        if (payload === id) wake();
      },
      () => wake(),
    );
  } catch (err) {
    log.warn({ err }, 'cannot listen for wake notifications: relying on the sweep');
  }
  return () => listener.end({ timeout: 2 });
}

export interface StartedFunction {
  fn: TaskwireFunction;
  port: number;
  stop(signal: string): Promise<void>;
}

/**
 * Starts the function `env.FUNCTION` names (one of `functions`). Stops on SIGTERM/SIGINT, and when
 * the process that started it through an IPC channel (the multi-process supervisor) goes away.
 */
export async function startFunction(
  env: Env,
  functions: readonly TaskwireFunction[] = FUNCTIONS,
  /** The raw environment, for what reads its own variables (the OpenTelemetry SDK). */
  source: Environment = processEnvironment(),
): Promise<StartedFunction> {
  const started = performance.now();
  const fn = functions.find((f) => f.id === env.FUNCTION);
  if (!fn)
    throw new StartError(
      `FUNCTION must name one of: ${functions.map((f) => f.id).join(', ')} (got ${env.FUNCTION ?? 'nothing'})`,
    );
  if (!env.DATABASE_URL)
    throw new StartError('a function process needs DATABASE_URL: PGlite cannot be shared between processes');
  if (env.BUS === 'memory')
    throw new StartError('a function process needs a shared bus: BUS=kafka, knative or dapr');
  // Started by a supervisor through an IPC channel: its end (even a SIGKILL) ends this process too,
  // also while it is still starting.
  let supervisorGone = (): void => process.exit(0);
  if (process.channel) {
    process.once('disconnect', () => supervisorGone());
    process.channel.unref();
  }
  // Loading the SDK overlaps with opening the database.
  const tracingStarted = startTracing(`taskwire-${fn.id}`, source);
  const log = createLogger({ level: env.LOG_LEVEL, name: fn.id });
  const metrics = createMetrics({ defaultMetrics: true });
  const database = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    maxConnections: env.DATABASE_POOL_MAX ?? 10,
  });
  const closers: (() => void)[] = [];
  let relay: OutboxRelay | undefined;
  const relayOwner = randomUUID();
  let scheduler: TickScheduler | undefined;
  const notify = notifyWake(database, log);
  const deps: Deps = {
    env,
    database,
    clock: systemClock,
    log,
    metrics,
    newId: randomUUID,
    settings: new SettingsStore(database.db),
    outbox: new OutboxWriter({ database, owner: relayOwner, onCommitted: (w) => relay?.handoff(w) }),
    // This process's own tick wakes here; another function's wake goes to the process running it.
    wake: (id) => (id === fn.id && fn.tick ? scheduler?.wake(id) : notify(id)),
    mailer: mailerFromEnv(env),
    state: createStateStore(env, database, systemClock),
    openLiveStream: () => {
      const hub = openSseHub(deps);
      // A Trigger delivers each event to one pod: on Knative every gateway follows the outbox.
      if (env.BUS === 'knative') {
        const following = followPublished({
          databaseUrl: env.DATABASE_URL!,
          database,
          log,
          onEvent: (event) => hub.publish(event),
          onGap: () => hub.resync('the live feed reconnected; some changes may have been missed'),
        });
        following.catch((err) => log.error({ err }, 'cannot follow published events: no live updates'));
        closers.push(() => void following.then((stop) => stop()).catch(() => {}));
      }
      return hub;
    },
    onClose: (cleanup) => closers.push(cleanup),
  };
  const instance = instantiate(fn, deps);
  const deadLetters = databaseDeadLetters(database);
  const bus = createBus({ env, log, metrics, deadLetters });
  if (fn.on.length > 0 && env.BUS !== 'knative') {
    bus.subscribe({
      consumer: fn.id,
      types: fn.on.map((d) => d.type),
      deliver: deliverInProcess(instance),
      delivery: fn.delivery,
      ...(fn.broadcast ? { broadcast: true } : {}),

      ...(fn.batch ? { deliverBatch: deliverBatchInProcess(instance) } : {}),
    });
  }
  relay = new OutboxRelay({
    database,
    bus,
    log,
    metrics,
    pollMs: env.OUTBOX_POLL_MS,
    owner: relayOwner,
    announcePublished: env.BUS === 'knative',
  });
  scheduler = new TickScheduler([instance], deps);
  const app = createFunctionApp(instance, [
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
    attemptsOf: (id) => (functions.find((f) => f.id === id)?.delivery.retry ?? DEFAULT_DELIVERY.retry) + 1,
  });
  const tracing = await tracingStarted;
  await bus.start();
  relay.start();
  let stopListening: (() => Promise<void>) | undefined;
  if (fn.tick && env.TICKS === 'timer') {
    scheduler.start();
    if (fn.tick.nextRun) {
      stopListening = await listenForWakes(env.DATABASE_URL, fn.id, () => scheduler!.wake(fn.id), log);
    }
  }
  const server = createAdaptorServer({ fetch: app.fetch });
  const port = await listen(server, { host: env.HOST, port: env.PORT, from: env.LISTEN_SOCKET });
  log.info(
    {
      fn: fn.id,
      bus: bus.kind,
      port,
      tracing: tracing.exporting ? 'exporting' : tracing.enabled ? 'on' : 'off',
      startupMs: Math.round(performance.now() - started),
    },
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
    await stopListening?.();
    await relay!.stop({ drain: true, timeoutMs: 10_000 });
    await bus.stop();
    await database.close();
    await tracing.shutdown();
    log.flush();
  };
  const exit = (signal: string) => void stop(signal).finally(() => process.exit(0));
  process.on('SIGTERM', () => exit('SIGTERM'));
  process.on('SIGINT', () => exit('SIGINT'));
  supervisorGone = () => exit('supervisor gone');
  return { fn, port, stop };
}
