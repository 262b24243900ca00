import { readFileSync } from 'node:fs';
import { DaprBus } from '../../core/adapters/bus/dapr';
import type { KafkaBusOptions } from '../../core/adapters/bus/kafka';
import { KnativeBus } from '../../core/adapters/bus/knative';
import { MemoryBus } from '../../core/adapters/bus/memory';
import { sidecarFromEnv } from '../../core/adapters/dapr/sidecar';
import type { Env } from '../../core/config/env';
import { definitionOf } from '../../core/events/catalog';
import type { Logger } from '../../core/observability/logger';
import type { Metrics } from '../../core/observability/metrics';
import type { DeadLetterSink, EventBus, Subscription } from '../../core/ports/bus';

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
    ...(env.KAFKA_FETCH_MAX_WAIT_MS !== undefined ? { maxWaitMs: env.KAFKA_FETCH_MAX_WAIT_MS } : {}),
    fetchLingerMs: env.KAFKA_FETCH_LINGER_MS,
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
