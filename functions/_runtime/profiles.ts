import { KafkaBus, parseBrokers } from '../../core/adapters/bus/kafka';
import { MemoryBus } from '../../core/adapters/bus/memory';
import type { Env } from '../../core/config/env';
import type { Logger } from '../../core/observability/logger';
import type { Metrics } from '../../core/observability/metrics';
import type { DeadLetterSink, EventBus } from '../../core/ports/bus';

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
      return new KafkaBus({
        brokers: parseBrokers(env.KAFKA_BROKERS ?? ''),
        clientId: env.FUNCTION ? `${env.KAFKA_CLIENT_ID}-${env.FUNCTION}` : env.KAFKA_CLIENT_ID,
        deadLetters,
        log,
        metrics,
        delayScale: env.RETRY_DELAY_SCALE,
      });
    default:
      throw new Error(`BUS=${env.BUS} is not available in this build`);
  }
}
