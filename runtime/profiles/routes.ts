import type { Hono } from 'hono';
import { DaprBus } from '../../core/adapters/bus/dapr';
import type { Env } from '../../core/config/env';
import type { DeadLetterSink, EventBus } from '../../core/ports/bus';
import type { TaskwireFunction } from '../../functions/_runtime/define-function';
import { daprEnabled, mountCronBinding } from './dapr';
import { mountKnativeDeadLetters } from './knative';

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
  if (env.BUS === 'knative') mountKnativeDeadLetters(app, ctx.deadLetters, ctx.attemptsOf);
  if (fn.tick && daprEnabled(env)) mountCronBinding(app, fn.id, env);
}
