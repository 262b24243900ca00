/**
 * What the cluster needs to know about each function, derived from its `defineFunction` declaration
 * (FUNCTIONS): the single source the generators of knative/, dapr/ and the Helm chart read.
 */
import { cronBindingName, daprCronSchedule } from '../core/adapters/dapr/names';
import { definitionOf } from '../core/events/catalog';
import { TYPE_PREFIX } from '../core/events/define-event';
import { FUNCTIONS } from '../functions';
import type { TaskwireFunction } from '../functions/_runtime/define-function';

export interface TriggerModel {
  /** Resource name of the Knative Trigger. */
  name: string;
  type: string;
  topic: string;
  /** Per-task order matters: the function is `ordered`, or this is a task event (partitioned by task). */
  ordered: boolean;
}

export interface FunctionModel {
  id: string;
  description: string;
  /** Declares HTTP routes (reached through the gateway). */
  http: boolean;
  routes: string[];
  triggers: TriggerModel[];
  /** Declared `ordered: true` (drops stale events by sequence). */
  ordered: boolean;
  delivery: { retry: number; backoffPolicy: 'exponential' | 'linear'; backoffDelay: string };
  tick?: { cron: string; daprSchedule: string; binding: string; pingSource: string };
  /** Serves Server-Sent Events: must stay up and keep connections long. */
  stream: boolean;
  /** Every instance gets every event (declared `broadcast: true`): Dapr's per-instance pub/sub component. */
  broadcast: boolean;
  /** Minimum instances: 1 for a stream gateway or a tick on its own timer, else 0 (scale to zero). */
  minScale: number;
  /**
   * Minimum instances when events travel over Dapr (eventing.mode=dapr): daprd delivers messages and
   * cron ticks to the app on localhost, past Knative's queue-proxy, so the autoscaler never sees them and
   * a consumer or ticked function scaled to zero is never woken. Those stay at one instance at least.
   */
  daprMinScale: number;
  /** `timer`: the process arms its own timer (it stays up); `external`: only the cron ticks it. */
  ticks: 'timer' | 'external';
  /** Request timeout of the Knative revision. */
  timeoutSeconds: number;
}

/** Knative and Kubernetes names: DNS-1123 labels of at most 63 characters. */
export function resourceName(...parts: string[]): string {
  const name = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (name.length <= 63) return name;
  let h = 0;
  for (const c of name) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return `${name.slice(0, 55).replace(/-$/, '')}-${h.toString(36).slice(0, 7)}`;
}

/** ISO-8601 duration of a delay in milliseconds (Knative's `backoffDelay`). */
export function isoDuration(ms: number): string {
  return `PT${Number((ms / 1000).toFixed(3))}S`;
}

function streams(fn: TaskwireFunction): boolean {
  return fn.routes.some((r) =>
    Object.values(r.responses).some((res) => res.contentType?.includes('text/event-stream')),
  );
}

export function functionModel(fn: TaskwireFunction): FunctionModel {
  const broadcast = (fn as { broadcast?: boolean }).broadcast === true;
  const stream = streams(fn) || broadcast;
  const timer = Boolean(fn.tick?.nextRun);
  const triggers = fn.on.map((def) => {
    const topic = definitionOf(def.type)?.topic ?? def.topic;
    return {
      name: resourceName(fn.id, def.type.slice(TYPE_PREFIX.length)),
      type: def.type,
      topic,
      ordered: Boolean(fn.ordered) || topic === 'task-events',
    };
  });
  const model: FunctionModel = {
    id: fn.id,
    description: fn.description,
    http: fn.routes.length > 0,
    routes: fn.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`),
    triggers,
    ordered: Boolean(fn.ordered),
    delivery: {
      retry: fn.delivery.retry,
      backoffPolicy: fn.delivery.backoffPolicy,
      backoffDelay: isoDuration(fn.delivery.backoffDelayMs),
    },
    stream,
    broadcast,
    minScale: stream || timer ? 1 : 0,
    daprMinScale: stream || timer || triggers.length > 0 || fn.tick ? 1 : 0,
    ticks: timer ? 'timer' : 'external',
    timeoutSeconds: stream ? 600 : 300,
  };
  if (fn.tick) {
    model.tick = {
      cron: fn.tick.cron,
      daprSchedule: daprCronSchedule(fn.tick.cron),
      binding: cronBindingName(fn.id),
      pingSource: resourceName(fn.id, 'tick'),
    };
  }
  return model;
}

/** Every function's model, in FUNCTIONS order. */
export function deploymentModel(functions: readonly TaskwireFunction[] = FUNCTIONS): FunctionModel[] {
  return functions.map(functionModel);
}

/** Where Triggers send what they give up on: the dead-letters function when there is one. */
export function deadLetterService(models: readonly FunctionModel[]): string | undefined {
  return models.find((m) => m.id === 'dead-letters')?.id;
}
