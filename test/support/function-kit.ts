/**
 * One function under test, alone, on in-memory adapters: PGlite in memory (or PostgreSQL), a
 * manual clock, the state store on that database, a recording mailer, a logger that keeps its
 * lines, no network (only `listen()` serves the app, on loopback). The function is instantiated
 * the way a runtime would (`setup(deps)` once) and reachable two ways: its handlers directly
 * (`call`, `deliver`, `deliverBatch`, `tick`) and its own Hono app over `app.request()`
 * (`request`, `sendEvent`, `postTick`), the app a Knative Service runs.
 *
 * @example
 * const kit = await functionKit(onTaskCompleted);
 * await kit.createTask({ title: 'Stretch', due: '2026-03-05T07:00:00Z', recurrence: { frequency: 'daily', interval: 1 } });
 * const res = await kit.sendEvent(completedEvent); // binary-mode CloudEvent to POST /
 * expect(await kit.emitted(TaskCreated)).toHaveLength(1);
 * await kit.close();
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { asc } from 'drizzle-orm';
import type { Hono } from 'hono';
import type { z } from 'zod';
import { DatabaseStateStore } from '../../core/adapters/state/database';
import type { Database, Db } from '../../core/db/client';
import { outbox } from '../../core/db/schema';
import { CreateTaskInput, type ReminderChannel, type TaskView } from '../../core/domain/task';
import { ReminderDue } from '../../core/events/catalog';
import type { EventDefinition, TaskwireEvent } from '../../core/events/define-event';
import { toBinaryHttp, toStructuredHttp } from '../../core/events/http-binding';
import { createMetrics } from '../../core/observability/metrics';
import { OutboxWriter } from '../../core/outbox/writer';
import type { DeliveryResult } from '../../core/ports/bus';
import { ManualClock } from '../../core/ports/clock';
import type { Mailer, MailMessage } from '../../core/ports/mail';
import { desiredReminders } from '../../core/reminders/plan';
import { channelOf, claimDueReminders, reconcileReminders } from '../../core/reminders/repository';
import { SettingsStore } from '../../core/settings/settings';
import { type CommandContext, createTask } from '../../core/tasks/commands';
import { findTask } from '../../core/tasks/repository';
import type { HttpMethod, RouteResult, TaskwireFunction } from '../../functions/_runtime/define-function';
import type { Deps } from '../../functions/_runtime/deps';
import { createFunctionApp, type ReadinessCheck } from '../../functions/_runtime/http-app';
import { type FunctionInstance, instantiate } from '../../functions/_runtime/instance';
import {
  deliverBatchInProcess,
  type EventOutcome,
  handleEvent,
  invocationContext,
  sourceOf,
} from '../../functions/_runtime/invoke';
import { openSseHub } from '../../runtime/sse-hub';
import { memoryLogger, testDatabase, testEnv } from './harness';

/** A mailer that keeps what it was asked to send; `failNext` makes the next sends throw. */
export class RecordingMailer implements Mailer {
  /** Every call to `send`, failed ones included. */
  readonly attempts: MailMessage[] = [];
  /** The messages that went out. */
  readonly sent: MailMessage[] = [];
  #failures: string[] = [];
  constructor(readonly kind: Mailer['kind'] = 'smtp') {}

  failNext(times: number, reason = '550 mailbox unavailable'): void {
    for (let i = 0; i < times; i++) this.#failures.push(reason);
  }

  async send(message: MailMessage): Promise<{ id: string | undefined }> {
    this.attempts.push(message);
    const failure = this.#failures.shift();
    if (failure !== undefined) throw new Error(failure);
    this.sent.push(message);
    return { id: `recorded-${this.sent.length}` };
  }
}

export interface KitOptions {
  /** In-memory PGlite unless told otherwise; an open database is used as it is (and closed). */
  database?: 'pglite' | 'postgres' | Database;
  env?: Record<string, string>;
  /** Where the manual clock starts. */
  now?: string | Date;
  /** The kind of the recording mailer (`none`: no email provider configured). */
  mailer?: Mailer['kind'];
  readiness?: ReadinessCheck[];
}

/** What a route handler is called with; each part is parsed by the route's own schema. */
export interface RouteInput {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
}

type RequestInitJson = RequestInit & { json?: unknown };
// biome-ignore lint/suspicious/noExplicitAny: test responses are asserted field by field
type JsonResponse<T = any> = { status: number; body: T; headers: Headers };

export interface FunctionKit {
  fn: TaskwireFunction;
  instance: FunctionInstance;
  deps: Deps;
  db: Db;
  clock: ManualClock;
  mailer: RecordingMailer;
  /** The function's own app: routes, `POST /` for CloudEvents, `POST /tick`, probes. */
  app: Hono;
  /** Functions the handler asked to wake (`deps.wake`), in order. */
  woken: string[];
  /** Log lines written so far, parsed. */
  logs(): Record<string, unknown>[];
  /** A command context for arranging state through core's task commands (source `/taskwire/test`). */
  seed: CommandContext;
  /** Creates a task through core's command, as the create-task function would (the input is parsed). */
  createTask(input: z.input<typeof CreateTaskInput>): Promise<TaskView>;

  /** Calls the route handler declared for `method path` directly (no HTTP): its result as returned. */
  call(method: HttpMethod, path: string, input?: RouteInput): Promise<RouteResult>;
  /** Runs the event handler for one delivery, as the runtime does: dedupe, transaction, outbox. */
  deliver(event: TaskwireEvent): Promise<EventOutcome>;
  /** Hands several events to the function at once, as a batching bus does. */
  deliverBatch(events: readonly TaskwireEvent[]): Promise<DeliveryResult[]>;
  /** Runs the function's tick directly. */
  tick(signal?: AbortSignal): Promise<unknown>;

  request(path: string, init?: RequestInitJson): Promise<Response>;
  json<T = unknown>(path: string, init?: RequestInitJson): Promise<JsonResponse<T>>;
  /** POSTs the event to `/` as a CloudEvent, in binary mode (ce-* headers, data as body) by default. */
  sendEvent(event: TaskwireEvent, mode?: 'binary' | 'structured'): Promise<JsonResponse>;
  /** POSTs `/tick`, as a PingSource or a Dapr cron binding does. */
  postTick(): Promise<JsonResponse>;
  /** Serves the app over real HTTP on a loopback port (for transports that write to the socket). */
  listen(): Promise<string>;

  /** Events the function wrote to the outbox (its source), oldest first, optionally of one type. */
  emitted(def?: EventDefinition | string): Promise<TaskwireEvent[]>;
  /** Events the arrangement (`seed`, `createTask`) wrote to the outbox, oldest first. */
  seeded(def?: EventDefinition | string): Promise<TaskwireEvent[]>;
  close(): Promise<void>;
}

export const SEED_SOURCE = '/taskwire/test';

const typeOf = (def: EventDefinition | string | undefined) => (typeof def === 'string' ? def : def?.type);

export async function functionKit(fn: TaskwireFunction, opts: KitOptions = {}): Promise<FunctionKit> {
  const database =
    typeof opts.database === 'object' ? opts.database : await testDatabase(opts.database ?? 'pglite');
  const env = testEnv(opts.env);
  const clock = new ManualClock(opts.now);
  const mailer = new RecordingMailer(opts.mailer ?? 'smtp');
  const logger = memoryLogger('debug');
  const woken: string[] = [];
  const closers: (() => void)[] = [];
  const deps: Deps = {
    env,
    database,
    clock,
    log: logger.log,
    metrics: createMetrics(),
    newId: randomUUID,
    // No cache: a test that changes settings sees the change at once.
    settings: new SettingsStore(database.db, 0),
    // No relay: events stay in the outbox for the test to read.
    outbox: new OutboxWriter({ database }),
    wake: (id) => woken.push(id),
    mailer,
    state: new DatabaseStateStore(database, clock),
    openLiveStream: () => openSseHub(deps),
    onClose: (cleanup) => closers.push(cleanup),
  };
  const instance = instantiate(fn, deps);
  const app = createFunctionApp(
    instance,
    opts.readiness ?? [{ name: 'database', check: () => database.ping() }],
  );

  const seed: CommandContext = {
    clock,
    newId: randomUUID,
    log: logger.log,
    meta: { source: SEED_SOURCE, correlationId: 'kit-seed' },
    actor: 'test',
    defaultTimezone: async () => (await deps.settings.get()).timezone,
    transact: async (work) =>
      database.db.transaction(async (tx) => {
        const result = await work(tx);
        if (result.emit?.length) await deps.outbox.write(tx, result.emit);
        return result.value;
      }),
    insertAtomically: (rows, emit) => deps.outbox.insert(rows, emit),
    db: database.db,
  };

  async function outboxEvents(source: string, def?: EventDefinition | string): Promise<TaskwireEvent[]> {
    const rows = await database.db.select({ event: outbox.event }).from(outbox).orderBy(asc(outbox.id));
    const type = typeOf(def);
    return rows
      .map((r) => r.event as TaskwireEvent)
      .filter((e) => e.source === source && (type === undefined || e.type === type));
  }

  const request = (path: string, init: RequestInitJson = {}) => {
    const { json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (json !== undefined) headers.set('content-type', 'application/json');
    return Promise.resolve(
      app.request(path, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body }),
    );
  };
  async function json<T>(path: string, init?: RequestInitJson): Promise<JsonResponse<T>> {
    const res = await request(path, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  return {
    fn,
    instance,
    deps,
    db: database.db,
    clock,
    mailer,
    app,
    woken,
    logs: logger.lines,
    seed,
    createTask: (input) => createTask(seed, CreateTaskInput.parse(input)),

    async call(method, path, input = {}) {
      const route = fn.routes.find((r) => r.method === method && r.path === path);
      if (!route) throw new Error(`${fn.id} declares no route ${method.toUpperCase()} ${path}`);
      const headers = Object.fromEntries(
        Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      );
      const result = await route.handler({
        ...invocationContext(instance),
        local: instance.local,
        params: route.params ? route.params.parse(input.params ?? {}) : undefined,
        query: route.query ? route.query.parse(input.query ?? {}) : undefined,
        body: route.body ? route.body.parse(input.body) : undefined,
        header: (name) => headers[name.toLowerCase()],
        request: new Request(`http://function.test${path}`, { method: method.toUpperCase(), headers }),
      });
      if (result instanceof Response) throw new Error(`${method} ${path} answered a raw Response`);
      return result;
    },
    deliver: (event) => handleEvent(instance, event),
    deliverBatch: (events) => deliverBatchInProcess(instance)(events),
    async tick(signal = new AbortController().signal) {
      if (!fn.tick) throw new Error(`${fn.id} has no tick`);
      return fn.tick.run({ ...invocationContext(instance), local: instance.local, now: clock.now(), signal });
    },

    request,
    json,
    sendEvent(event, mode = 'binary') {
      const { headers, body } = mode === 'binary' ? toBinaryHttp(event) : toStructuredHttp(event);
      return json('/', { method: 'POST', headers, body });
    },
    postTick: () => json('/tick', { method: 'POST' }),
    async listen() {
      const { port } = await new Promise<AddressInfo>((resolve) => {
        const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, resolve) as Server;
        closers.push(() => {
          server.closeAllConnections();
          server.close();
        });
      });
      return `http://127.0.0.1:${port}`;
    },

    emitted: (def) => outboxEvents(sourceOf(fn), def),
    seeded: (def) => outboxEvents(SEED_SOURCE, def),
    async close() {
      for (const close of closers.splice(0)) close();
      await database.close();
    },
  };
}

/** A task with its reminder rows, as schedule-reminders leaves them (arrangement for reminder functions). */
export async function taskWithReminders(
  kit: FunctionKit,
  input: z.input<typeof CreateTaskInput>,
  defaultChannel: ReminderChannel = 'in-app',
): Promise<TaskView> {
  const view = await kit.createTask(input);
  const task = await findTask(kit.db, view.id);
  const now = kit.clock.now();
  await kit.db.transaction((tx) =>
    reconcileReminders(tx, view.id, desiredReminders(task, defaultChannel, now), now, randomUUID),
  );
  return view;
}

/**
 * Claims the reminders due at the kit's clock and returns the reminder.due announcing them, as
 * fire-reminders would (arrangement for the functions downstream of it).
 */
export async function claimDue(kit: FunctionKit): Promise<TaskwireEvent> {
  const now = kit.clock.now();
  const due = await kit.db.transaction((tx) => claimDueReminders(tx, now, 500));
  if (due.length === 0) throw new Error(`nothing is due at ${now.toISOString()}`);
  return ReminderDue.create(
    {
      data: {
        reminders: due.map((r) => ({
          reminderId: r.id,
          taskId: r.taskId,
          minutesBefore: r.minutesBefore,
          channel: channelOf(r),
          triggerAt: r.triggerAt.toISOString(),
          dueAt: r.dueAt.toISOString(),
          title: r.title,
          timezone: r.timezone,
          lateMs: Math.max(0, now.getTime() - r.triggerAt.getTime()),
        })),
        firedAt: now.toISOString(),
        actor: 'test',
      },
      subject: randomUUID(),
      sequence: 1,
      time: now,
    },
    { source: SEED_SOURCE, correlationId: 'kit-seed' },
  );
}
