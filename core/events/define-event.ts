import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { issuesFromZod, ValidationError } from '../errors';

export const TOPICS = ['task-events', 'reminders', 'task-updates', 'audit-events'] as const;
export type Topic = (typeof TOPICS)[number];
export const DEAD_LETTER_TOPIC = 'dead-letters';

export const TYPE_PREFIX = 'dev.taskwire.';

/**
 * Event objects already validated, and what validating them gave: an event handed around one
 * process (created here, or delivered to several consumers in turn) is checked against its schema
 * once, not once per consumer. Events are never changed after creation; a copy is a new object.
 */
const validated = new WeakMap<object, TaskwireEvent>();

function remember(raw: unknown, event: TaskwireEvent): void {
  if (typeof raw === 'object' && raw !== null) validated.set(raw, event);
  validated.set(event, event);
}

/** CloudEvents 1.0 context attributes plus Taskwire's required extensions. */
export const Envelope = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(200),
  source: z.string().min(1).max(500),
  type: z.string().min(1).max(200),
  subject: z.string().min(1).max(200),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json').default('application/json'),
  dataschema: z.string().min(1),
  /** Joins every event, log line and trace that one user action causes. */
  correlationid: z.string().min(1).max(200),
  /** The entity's version after the change: increases monotonically per entity. */
  sequence: z.coerce.number().int().nonnegative(),
  /** The entity id: Kafka record key, so each entity's events keep their order. */
  partitionkey: z.string().min(1).max(200),
  schemaversion: z.coerce.number().int().positive(),
  traceparent: z.string().max(200).optional(),
  tracestate: z.string().max(500).optional(),
});

export interface TaskwireEvent<D = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  dataschema: string;
  correlationid: string;
  sequence: number;
  partitionkey: string;
  schemaversion: number;
  traceparent?: string | undefined;
  tracestate?: string | undefined;
  data: D;
}

/** What the emitting side knows about the action: who emits, which user action, which trace. */
export interface EventMeta {
  source: string;
  correlationId: string;
  traceparent?: string | undefined;
  tracestate?: string | undefined;
}

export interface CreateArgs<I> {
  data: I;
  subject: string;
  sequence: number;
  partitionKey?: string;
  time?: Date;
  id?: string;
}

export interface EventDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  readonly type: T;
  /** Short name, e.g. `task.created`. */
  readonly name: string;
  readonly topic: Topic;
  readonly schemaVersion: number;
  readonly dataschema: string;
  readonly description: string;
  readonly data: S;
  readonly schema: z.ZodType<TaskwireEvent<z.output<S>>>;
  /** Builds a validated event; throws when `data` does not fit the schema. */
  create(args: CreateArgs<z.input<S>>, meta: EventMeta): TaskwireEvent<z.output<S>>;
  /** Validates a received event of this type. */
  parse(raw: unknown): TaskwireEvent<z.output<S>>;
  is(event: TaskwireEvent): event is TaskwireEvent<z.output<S>>;
  /** The event typed as this definition's (it was validated on receipt); throws for another type. */
  narrow(event: TaskwireEvent): TaskwireEvent<z.output<S>>;
}

export type EventOf<D extends EventDefinition> = TaskwireEvent<z.output<D['data']>>;

export function dataschemaFor(type: string): string {
  return `urn:taskwire:schema:${type}`;
}

/**
 * Declares one event type: the zod schema of its data, its topic and version. The result validates,
 * types and creates events.
 *
 * @example
 * const TaskCompleted = defineEvent({ name: 'task.completed', topic: 'task-events', data: TaskData });
 * const ev = TaskCompleted.create({ data, subject: task.id, sequence: task.version }, meta);
 */
export function defineEvent<const N extends string, S extends z.ZodType>(spec: {
  name: N;
  topic: Topic;
  data: S;
  description: string;
  schemaVersion?: number;
}): EventDefinition<`dev.taskwire.${N}.v${number}`, S> {
  const schemaVersion = spec.schemaVersion ?? 1;
  const type = `${TYPE_PREFIX}${spec.name}.v${schemaVersion}` as `dev.taskwire.${N}.v${number}`;
  const dataschema = dataschemaFor(type);
  const schema = Envelope.extend({
    type: z.literal(type),
    dataschema: z.string().min(1).default(dataschema),
    data: spec.data,
  }) as unknown as z.ZodType<TaskwireEvent<z.output<S>>>;

  const fail = (error: z.ZodError, what: string): never => {
    const issues = issuesFromZod(error);
    throw new ValidationError(
      `${what} ${type} is invalid: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      issues,
    );
  };

  return {
    type,
    name: spec.name,
    topic: spec.topic,
    schemaVersion,
    dataschema,
    description: spec.description,
    data: spec.data,
    schema,
    create(args, meta) {
      const parsed = spec.data.safeParse(args.data);
      if (!parsed.success) fail(parsed.error, 'event');
      const event: TaskwireEvent<z.output<S>> = {
        specversion: '1.0',
        id: args.id ?? randomUUID(),
        source: meta.source,
        type,
        subject: args.subject,
        time: (args.time ?? new Date()).toISOString(),
        datacontenttype: 'application/json',
        dataschema,
        correlationid: meta.correlationId,
        sequence: args.sequence,
        partitionkey: args.partitionKey ?? args.subject,
        schemaversion: schemaVersion,
        data: parsed.data as z.output<S>,
      };
      // The trace of the action that made it; the outbox adds a PRODUCER span when tracing is on.
      if (meta.traceparent) event.traceparent = meta.traceparent;
      if (meta.tracestate) event.tracestate = meta.tracestate;
      remember(event, event);
      return event;
    },
    parse(raw) {
      const known = typeof raw === 'object' && raw !== null ? validated.get(raw) : undefined;
      if (known) return known as TaskwireEvent<z.output<S>>;
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return fail(parsed.error, 'received event');
      remember(raw, parsed.data);
      return parsed.data;
    },
    is(event): event is TaskwireEvent<z.output<S>> {
      return event.type === type;
    },
    narrow(event) {
      if (event.type !== type) throw new TypeError(`expected ${type}, got ${event.type}`);
      return event as TaskwireEvent<z.output<S>>;
    },
  };
}

/**
 * Attributes read back from a transport that carries extensions as strings (HTTP `ce-*` headers,
 * Kafka `ce_*` headers): Taskwire's numeric ones become numbers again, absent ones are dropped.
 */
export function typedAttributes(attrs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out[k] = v;
  for (const k of ['sequence', 'schemaversion'] as const) {
    if (typeof out[k] === 'string' && /^-?\d+$/.test(out[k] as string)) out[k] = Number(out[k]);
  }
  return out;
}
