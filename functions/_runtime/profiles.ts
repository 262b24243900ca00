import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import { z } from 'zod';
import { DaprBus } from '../../core/adapters/bus/dapr';
import type { KafkaBusOptions } from '../../core/adapters/bus/kafka';
import { KnativeBus } from '../../core/adapters/bus/knative';
import { MemoryBus } from '../../core/adapters/bus/memory';
import { cronBindingName } from '../../core/adapters/dapr/names';
import { type DaprSidecar, sidecarFromEnv } from '../../core/adapters/dapr/sidecar';
import { DaprSecretStore, withSecretsFrom } from '../../core/adapters/secrets/dapr';
import { DaprStateStore } from '../../core/adapters/state/dapr';
import { DatabaseStateStore } from '../../core/adapters/state/database';
import type { Env } from '../../core/config/env';
import type { Database } from '../../core/db/client';
import { definitionOf } from '../../core/events/catalog';
import type { TaskwireEvent } from '../../core/events/define-event';
import { fromHttp } from '../../core/events/http-binding';
import type { Logger } from '../../core/observability/logger';
import type { Metrics } from '../../core/observability/metrics';
import type { DeadLetterSink, EventBus, Subscription } from '../../core/ports/bus';
import type { Clock } from '../../core/ports/clock';
import type { StateStore } from '../../core/ports/state';
import type { TaskwireFunction } from './define-function';
import type { ReadinessCheck } from './http-app';

export interface BusContext {
  env: Env;
  log: Logger;
  metrics: Metrics;
  deadLetters: DeadLetterSink;
}

/**
 * The event bus of a deployment profile. Functions never know which one they run on: only this
 * switch does.
 */
export function createBus(ctx: BusContext): EventBus {
  const { env, log, metrics, deadLetters } = ctx;
  switch (env.BUS) {
    case 'memory':
      return new MemoryBus({ deadLetters, log, metrics, delayScale: env.RETRY_DELAY_SCALE });
    case 'kafka':
      return new LazyKafkaBus({ ...kafkaOptions(env), deadLetters, log, metrics });
    case 'knative':
      return new KnativeBus({ sink: env.K_SINK!, log });
    case 'dapr':
      return new DaprBus({
        sidecar: sidecarFromEnv(env),
        pubsubName: env.DAPR_PUBSUB_NAME,
        broadcastPubsubName: env.DAPR_BROADCAST_PUBSUB_NAME,
        deadLetters,
        log,
        metrics,
        appToken: env.APP_API_TOKEN,
        declarative: env.DAPR_SUBSCRIPTIONS === 'declarative',
        ...(env.DAPR_TOPIC_PREFIX ? { topicOf: prefixedTopic(env.DAPR_TOPIC_PREFIX) } : {}),
      });
    default:
      throw new Error(`BUS=${env.BUS} is not available in this build`);
  }
}

/** The catalog's topic of an event type, behind a prefix. */
function prefixedTopic(prefix: string): (type: string) => string | undefined {
  return (type) => {
    const topic = definitionOf(type)?.topic;
    return topic && `${prefix}${topic}`;
  };
}

/** The Kafka bus's settings from the environment (KAFKA_*), without its logger and sinks. */
export function kafkaOptions(env: Env): Omit<KafkaBusOptions, 'deadLetters' | 'log' | 'metrics'> {
  const opts: Omit<KafkaBusOptions, 'deadLetters' | 'log' | 'metrics'> = {
    brokers: (env.KAFKA_BROKERS ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    clientId: env.FUNCTION ? `${env.KAFKA_CLIENT_ID}-${env.FUNCTION}` : env.KAFKA_CLIENT_ID,
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
    groupPrefix: env.KAFKA_GROUP_PREFIX,
    createTopics: env.KAFKA_CREATE_TOPICS,
    partitions: env.KAFKA_PARTITIONS,
    replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    delayScale: env.RETRY_DELAY_SCALE,
  };
  if (env.KAFKA_SSL || env.KAFKA_SSL_CA_FILE) {
    opts.ssl = env.KAFKA_SSL_CA_FILE ? { ca: [readFileSync(env.KAFKA_SSL_CA_FILE, 'utf8')] } : true;
  }
  if (env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD) {
    opts.sasl = {
      mechanism: env.KAFKA_SASL_MECHANISM,
      username: env.KAFKA_SASL_USERNAME,
      password: env.KAFKA_SASL_PASSWORD,
    } as KafkaBusOptions['sasl'];
  }
  return opts;
}

/**
 * The Kafka bus, loaded when it starts: kafkajs stays out of the start-up of processes on other buses
 * (a scaled-to-zero function parses only what it runs).
 */
class LazyKafkaBus implements EventBus {
  readonly kind = 'kafka';
  readonly #subs: Subscription[] = [];
  #bus: EventBus | undefined;
  constructor(private readonly opts: KafkaBusOptions) {}
  subscribe(subscription: Subscription): void {
    if (this.#bus) this.#bus.subscribe(subscription);
    else this.#subs.push(subscription);
  }
  async start(): Promise<void> {
    const { KafkaBus } = await import('../../core/adapters/bus/kafka');
    this.#bus = new KafkaBus(this.opts);
    for (const s of this.#subs.splice(0)) this.#bus.subscribe(s);
    await this.#bus.start();
  }
  async stop(): Promise<void> {
    await this.#bus?.stop();
  }
  async healthy(): Promise<boolean> {
    return (await this.#bus?.healthy()) ?? false;
  }
  publish(events: Parameters<EventBus['publish']>[0]): Promise<void> {
    if (!this.#bus) return Promise.reject(new Error('bus is not started'));
    return this.#bus.publish(events);
  }
}

/** A Dapr sidecar runs beside this process (BUS=dapr implies one). */
export function daprEnabled(env: Env): boolean {
  return env.DAPR_ENABLED || env.BUS === 'dapr';
}

/** `/ready` also checks the sidecar when there is one. */
export function sidecarReadiness(env: Env): ReadinessCheck[] {
  if (!daprEnabled(env)) return [];
  const sidecar = sidecarFromEnv(env);
  return [{ name: 'dapr', check: () => sidecar.healthz() }];
}

/** Key-value state: the Dapr state API when a sidecar runs, else the database table. */
export function createStateStore(env: Env, database: Database, clock: Clock): StateStore {
  return daprEnabled(env)
    ? new DaprStateStore(sidecarFromEnv(env), env.DAPR_STATE_STORE)
    : new DatabaseStateStore(database, clock);
}

/** The function a Trigger delivered to, from its address (`http://audit-sink.taskwire.svc.cluster.local/`). */
function consumerOf(dest: unknown): string {
  try {
    return new URL(String(dest)).hostname.split('.')[0] || 'unknown';
  } catch {
    return 'unknown';
  }
}

function sameToken(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Where Knative Triggers send what they give up on (their `deadLetterSink` uri). */
export const KNATIVE_DEAD_LETTER_PATH = '/knative/dead-letters';

export interface RuntimeRoutesContext {
  fn: TaskwireFunction;
  bus: EventBus;
  env: Env;
  deadLetters: DeadLetterSink;
  /** Delivery attempts a consumer gets before its Trigger dead-letters (retry + 1). */
  attemptsOf: (consumer: string) => number;
}

/**
 * Routes a runtime adds to a function's app: Dapr's subscription discovery and deliveries (BUS=dapr),
 * the cron input binding of a tick function (`/<id>-tick`, which ticks it like POST /tick), and on
 * Knative the dead-letter sink that records what a Trigger gave up on where people look for it.
 */
export function mountRuntimeRoutes(app: Hono, ctx: RuntimeRoutesContext): void {
  const { fn, bus, env } = ctx;
  if (bus instanceof DaprBus) app.route('/', bus.routes());
  if (env.BUS === 'knative') {
    app.post(KNATIVE_DEAD_LETTER_PATH, async (c) => {
      const headers: Record<string, string> = {};
      c.req.raw.headers.forEach((v, k) => {
        headers[k.toLowerCase()] = v;
      });
      const raw = fromHttp(headers, await c.req.text());
      const { knativeerrorcode, knativeerrordata, knativeerrordest, ...event } = raw;
      const consumer = consumerOf(knativeerrordest);
      const status = Number(knativeerrorcode);
      const reason = knativeerrordata
        ? Buffer.from(String(knativeerrordata), 'base64').toString('utf8').slice(0, 2000)
        : `delivery to ${String(knativeerrordest ?? 'the subscriber')} failed`;
      await ctx.deadLetters.record({
        consumer,
        event: event as unknown as TaskwireEvent,
        status: Number.isInteger(status) && status > 0 ? status : null,
        reason,
        attempts: ctx.attemptsOf(consumer),
      });
      return c.json({ recorded: true }, 202);
    });
  }
  if (fn.tick && daprEnabled(env)) {
    const path = `/${cronBindingName(fn.id)}`;
    const token = env.APP_API_TOKEN;
    // Dapr asks with OPTIONS at start-up whether the app listens to the binding (2xx or 405: yes).
    app.on('OPTIONS', path, (c) => c.body(null, 204));
    app.post(path, async (c) => {
      if (token && !sameToken(c.req.header('dapr-api-token'), token))
        return c.json({ error: 'bad dapr-api-token' }, 401);
      const headers = new Headers();
      const correlation = c.req.header('x-correlation-id');
      if (correlation) headers.set('x-correlation-id', correlation);
      return app.fetch(new Request(new URL('/tick', c.req.url), { method: 'POST', headers }));
    });
  }
}

const SecretBootstrap = z.object({
  DAPR_SECRET_STORE: z.string().optional(),
  DAPR_SECRETS: z.string().optional(),
  DAPR_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3500),
  DAPR_HTTP_ENDPOINT: z.string().optional(),
  DAPR_API_TOKEN: z.string().optional(),
});

async function waitForSidecar(sidecar: DaprSidecar, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // `outbound` is ready before the app is: exactly what a start-up read needs.
      const res = await sidecar.request('/v1.0/healthz/outbound');
      await res.body?.cancel();
      if (res.status === 204 || res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the Dapr sidecar at ${sidecar.baseUrl} did not become ready`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The environment with the secrets DAPR_SECRETS names read from the Dapr secret store (once, at
 * start-up; never from files). Without DAPR_SECRET_STORE it is the environment as it is.
 */
export async function withDaprSecrets(
  source: Record<string, string | undefined>,
  timeoutMs = 60_000,
): Promise<Record<string, string | undefined>> {
  const boot = SecretBootstrap.parse(source);
  if (!boot.DAPR_SECRET_STORE || !boot.DAPR_SECRETS) return source;
  const sidecar = sidecarFromEnv({ ...boot, DAPR_HTTP_ENDPOINT: boot.DAPR_HTTP_ENDPOINT || undefined });
  await waitForSidecar(sidecar, timeoutMs);
  return withSecretsFrom(new DaprSecretStore(sidecar, boot.DAPR_SECRET_STORE), boot.DAPR_SECRETS, source);
}
