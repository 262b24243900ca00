import type { z } from 'zod';
import type { Db } from '../../core/db/client';
import type { TableRow } from '../../core/db/insert-rows';
import type { EventDefinition, EventMeta, TaskwireEvent } from '../../core/events/define-event';
import type { Logger } from '../../core/observability/logger';
import { DEFAULT_DELIVERY, type DeliverySpec } from '../../core/ports/bus';
import type { Deps } from './deps';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a handler hands back to the runtime: events to publish, written with its own change. */
export interface Emits {
  emit?: TaskwireEvent[];
  /** Runs once the transaction committed (e.g. wake a timer); never for a rolled-back change. */
  after?: () => void;
}

export interface InvocationContext {
  deps: Deps;
  log: Logger;
  /** Source, correlation id and trace of the action being served: pass to `Event.create`. */
  meta: EventMeta;
  /**
   * Runs `work` in one transaction together with writing the events it returns to the outbox.
   * The relay is woken after the commit.
   */
  transact<T>(work: (tx: Db) => Promise<{ value: T } & Emits>): Promise<T>;
  /**
   * The fast path for commands that only insert: the rows (parents first) and their events go to
   * the database as one atomic statement, shared with concurrent calls (group commit). The rows
   * must not depend on each other's effects beyond foreign keys.
   */
  insertAtomically(rows: readonly TableRow[], emit: readonly TaskwireEvent[]): Promise<void>;
}

export interface RouteContext<B, Q, P, L = undefined> extends InvocationContext {
  /** What the function's `setup` made for this process. */
  local: L;
  body: B;
  query: Q;
  params: P;
  header(name: string): string | undefined;
  /** The raw request, for routes that stream or negotiate. */
  request: Request;
  /**
   * The server's own response object (Node's under @hono/node-server), for transports that write
   * to the socket themselves (the SSE fan-out); undefined elsewhere (tests' in-memory requests).
   */
  native?: unknown;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HeaderDoc {
  description: string;
  /** When given, a request whose header does not match is a 400 naming the header. */
  schema?: z.ZodType<unknown, string>;
}

/** An OpenAPI link: how a value in this response feeds a parameter of another route. */
export interface LinkDoc {
  method: HttpMethod;
  /** Hono-style path of the target route. */
  path: string;
  /** Target parameter → runtime expression, e.g. `{ id: '$response.body#/id' }`. */
  parameters: Record<string, string>;
}

export interface RouteResponseDoc {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
  links?: Record<string, LinkDoc>;
}

export interface RouteDef<
  B extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  P extends z.ZodType | undefined = z.ZodType | undefined,
  // biome-ignore lint/suspicious/noExplicitAny: a route of any function's setup, erased once declared
  L = any,
> {
  method: HttpMethod;
  /** Hono-style path, e.g. `/api/tasks/:id`. */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  body?: B;
  query?: Q;
  params?: P;
  /** Request headers worth documenting: name → description, or a description and the schema a value must match. */
  headers?: Record<string, string | HeaderDoc>;
  responses: Record<number, RouteResponseDoc>;
  handler(ctx: RouteContext<Out<B>, Out<Q>, Out<P>, L>): Promise<RouteResult | Response>;
}

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

/**
 * Declares one HTTP route of a function: its contract (zod schemas, used for validation and the
 * OpenAPI document) next to its behaviour.
 */
export function route<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  L = undefined,
>(def: RouteDef<B, Q, P, L>): RouteDef {
  return def as unknown as RouteDef;
}

/** `route`, for a function whose routes use what its `setup` made (`ctx.local`). */
export type RouteFactory<L> = <
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(
  def: RouteDef<B, Q, P, L>,
) => RouteDef;

export interface EventContext<L = undefined, E extends TaskwireEvent = TaskwireEvent> {
  event: E;
  local: L;
  /** The transaction the runtime opened: dedupe record, effect and emitted events commit together. */
  tx: Db;
  deps: Deps;
  log: Logger;
  meta: EventMeta;
}

export interface BatchContext<L = undefined> {
  /** Fresh events (duplicates and stale ones already removed), in delivery order. */
  events: TaskwireEvent[];
  local: L;
  tx: Db;
  deps: Deps;
  log: Logger;
}

export interface TickContext<L = undefined> extends InvocationContext {
  local: L;
  now: Date;
  /** Aborted when the process is shutting down: loops should stop taking new work. */
  signal: AbortSignal;
}

// biome-ignore lint/suspicious/noExplicitAny: a tick of any function's setup, erased once declared
export interface TickDef<L = any> {
  /** Cron expression for the cluster (PingSource / Dapr cron binding). */
  cron: string;
  /** Interval for the embedded runtime's timer: the safety-net sweep. */
  everyMs: number | ((deps: Deps) => number);
  /**
   * When the next run is due (the earliest reminder, say): a process that stays up arms a timer
   * for it, so work happens on time instead of at the next sweep. `deps.wake(id)` re-asks.
   */
  nextRun?: (deps: Deps) => Promise<Date | null>;
  run(ctx: TickContext<L>): Promise<unknown>;
}

export interface FunctionSpec<L = undefined> {
  /** Kebab-case id: the folder name, the consumer group, the Knative Service name. */
  id: string;
  description: string;
  /**
   * What the function keeps for as long as its process runs (a client, a connection registry),
   * made once when the runtime mounts it and handed to every invocation as `ctx.local`. Register
   * cleanup with `deps.onClose`.
   */
  setup?: (deps: Deps) => L;
  /** HTTP routes; a function with `setup` declares them with the `route` it is given, to type `ctx.local`. */
  routes?: RouteDef[] | ((route: RouteFactory<L>) => RouteDef[]);
  /** Event triggers: the function is invoked for each of these types. */
  on?: readonly EventDefinition[];
  handler?: (ctx: EventContext<L>) => Promise<Emits | undefined>;
  delivery?: Partial<DeliverySpec>;
  /**
   * Drop (acknowledge without effect) an event whose `sequence` is not newer than the last one this
   * function applied for the same subject; for consumers that must never go back in time.
   */
  ordered?: boolean;
  /**
   * Events the handler would do nothing with, told from the event alone (a task created without
   * reminders, for the reminder scheduler): acknowledged without a transaction or a dedupe record,
   * since applying them twice changes nothing either. Not for `ordered` functions, whose sequence
   * record every event must move.
   */
  ignores?: (event: TaskwireEvent) => boolean;
  /**
   * Let the bus hand over queued events together, handled in one transaction. Only for handlers
   * whose whole effect is in that transaction (no mail sent, no call made).
   */
  batch?: boolean;
  /**
   * The handler only touches process memory (a live-stream gateway): no transaction, no dedupe
   * record, no events emitted. Duplicates must be harmless to it.
   */
  ephemeral?: boolean;
  /** Every running instance gets every event, instead of instances sharing the work. */
  broadcast?: boolean;

  /** With `batch`: handles all fresh events of a batch at once (e.g. one multi-row insert). */
  handleBatch?: (ctx: BatchContext<L>) => Promise<Emits | undefined>;
  tick?: TickDef<L>;
}

/** A declared function, as runtimes see it: what its setup makes is opaque to them. */
// biome-ignore lint/suspicious/noExplicitAny: the runtime passes `local` through without looking
export interface TaskwireFunction extends Omit<FunctionSpec<any>, 'routes'> {
  delivery: DeliverySpec;
  routes: RouteDef[];
  on: readonly EventDefinition[];
}

const ID_RE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * A function is one config object plus handlers that return the events to emit; the runtime
 * validates input, runs handlers in a transaction, writes the events to the outbox and decides
 * about retries from the error class.
 *
 * @example
 * export default defineFunction({
 *   id: 'audit-sink',
 *   description: 'Writes every event to the audit trail',
 *   on: TASK_EVENTS,
 *   handler: async ({ event, tx }) => { await record(tx, event); return {}; },
 * });
 */
export function defineFunction<L = undefined>(spec: FunctionSpec<L>): TaskwireFunction {
  if (!ID_RE.test(spec.id)) throw new Error(`function id "${spec.id}" must be kebab-case`);
  if ((spec.on?.length ?? 0) > 0 && !spec.handler)
    throw new Error(`function ${spec.id} has triggers but no handler`);
  if (spec.ignores && spec.ordered)
    throw new Error(`function ${spec.id}: an ordered function must see every event (no ignores)`);
  if (!spec.routes?.length && !spec.on?.length && !spec.tick) {
    throw new Error(`function ${spec.id} declares no routes, triggers or tick`);
  }
  const routes =
    typeof spec.routes === 'function' ? spec.routes(route as RouteFactory<L>) : (spec.routes ?? []);
  return {
    ...spec,
    routes,
    on: spec.on ?? [],
    delivery: { ...DEFAULT_DELIVERY, ...spec.delivery },
  };
}
