import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Kafka as CloudEventsKafka } from 'cloudevents';
import {
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  Kafka,
  type KafkaConfig,
  type KafkaMessage,
  type LogEntry,
  logLevel,
  Partitioners,
  type Producer,
} from 'kafkajs';
import { definitionOf } from '../../events/catalog';
import { DEAD_LETTER_TOPIC, type TaskwireEvent, TOPICS, typedAttributes } from '../../events/define-event';
import type { Logger } from '../../observability/logger';
import type { Metrics } from '../../observability/metrics';
import type { DeadLetterSink, EventBus, Subscription } from '../../ports/bus';
import { Delivery, type Verdict } from './delivery';
import './kafkajs-idle-fix';
import { lingerFetches } from './kafkajs-fetch-linger';

export interface KafkaBusOptions {
  /** Bootstrap servers, e.g. `['127.0.0.1:9092']` (KAFKA_BROKERS split on commas). */
  brokers: string[];
  clientId?: string;
  /** Passed to kafkajs as is: TLS for a managed Kafka or Redpanda Cloud. */
  ssl?: KafkaConfig['ssl'];
  /** Passed to kafkajs as is: `{ mechanism: 'scram-sha-256' | 'scram-sha-512' | 'plain', username, password }`. */
  sasl?: KafkaConfig['sasl'];
  deadLetters: DeadLetterSink;
  log: Logger;
  metrics?: Metrics;
  /** Prepended to every topic name (tests isolate runs with it). Default none. */
  topicPrefix?: string;
  /** Prepended to every consumer group id. Default `taskwire.`. */
  groupPrefix?: string;
  /** Topic of an event type; default: the catalog's `definitionOf(type).topic`. */
  topicOf?: (type: string) => string | undefined;
  /** Create the topics at start (needs the CreateTopics permission). Default true. */
  createTopics?: boolean;
  /** Partitions of each topic created at start. Default 3. */
  partitions?: number;
  /** Replication factor of topics created at start; -1 = the broker's default. Default -1. */
  replicationFactor?: number;
  /**
   * Where a consumer group with no committed offset starts: the oldest retained event (default, so
   * nothing published before a function first ran is missed) or only new ones.
   */
  fromBeginning?: boolean;
  /** Multiplies every backoff delay (tests shrink it). */
  delayScale?: number;
  /** kafkajs session timeout of consumers; a killed process's partitions move after this. Default 30 s. */
  sessionTimeoutMs?: number;
  /** How long the broker holds a fetch open when there is nothing to read. Default 5 s (at most a quarter of the session timeout). */
  maxWaitMs?: number;
  /**
   * Under load, how long the broker may gather records for a consumer whose last fetch brought some
   * (`fetchLingerBytes` answer sooner); a consumer whose last fetch was empty long-polls (`maxWaitMs`).
   * Fewer, fuller fetches: each costs the consumer and the broker alike. 0 turns it off. Default 50 ms.
   */
  fetchLingerMs?: number;
  /** Bytes that answer a lingering fetch before `fetchLingerMs` has passed. Default 64 KiB. */
  fetchLingerBytes?: number;
  /**
   * Longest delay between handling a record and committing its offset. The offsets of every partition
   * handled meanwhile go in that one commit. Default 200 ms.
   */
  commitIntervalMs?: number;
  /** How long `healthy()` reuses its last answer. Default 5 s. */
  healthCacheMs?: number;
  /** How long `stop()` waits for in-flight deliveries before it abandons them. Default 15 s. */
  stopTimeoutMs?: number;
  /** Names this instance in broadcast group ids. Default host-pid-random. */
  instanceId?: string;
}

const DEFAULT_GROUP_PREFIX = 'taskwire.';

/** Headers added to a record on the dead-letter topic, besides the event's own `ce_*` headers. */
export const DEAD_LETTER_HEADERS = {
  consumer: 'taskwire_dl_consumer',
  status: 'taskwire_dl_status',
  reason: 'taskwire_dl_reason',
  attempts: 'taskwire_dl_attempts',
  topic: 'taskwire_dl_topic',
  partition: 'taskwire_dl_partition',
  offset: 'taskwire_dl_offset',
} as const;

export interface KafkaRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
  timestamp?: string;
}

/**
 * A CloudEvent in Kafka binary mode (the CloudEvents Kafka binding, the format Knative's KafkaBroker
 * stores): `datacontenttype` as the `content-type` header, every other attribute and extension as a
 * `ce_*` header, data as the JSON value, `partitionkey` as the record key (and its header), the time
 * as the record's timestamp. Written directly rather than through the `cloudevents` package's
 * CloudEvent and binding (5 % of create-task's CPU), and without the package's redundant
 * `ce_datacontenttype` header; `fromKafkaRecord` reads both forms.
 */
export function toKafkaRecord(event: TaskwireEvent): KafkaRecord {
  const headers: Record<string, string> = {};
  if (event.datacontenttype) headers['content-type'] = event.datacontenttype;
  for (const [k, v] of Object.entries(event)) {
    if (k === 'data' || k === 'datacontenttype' || v === undefined || v === null) continue;
    headers[`ce_${k}`] = String(v);
  }
  const record: KafkaRecord = { key: event.partitionkey, value: JSON.stringify(event.data), headers };
  const at = Date.parse(event.time);
  if (Number.isFinite(at)) record.timestamp = String(at);
  return record;
}

/** Header values as strings (kafkajs hands out Buffers). */
export function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const one = Array.isArray(v) ? v[v.length - 1] : v;
    if (one !== undefined) out[k] = one.toString();
  }
  return out;
}

/**
 * Reads a binary-mode (or structured-mode) CloudEvent record back into a Taskwire event. Binary mode,
 * what every consumer reads on every record, is decoded here directly with the `cloudevents`
 * package's rules (every `ce_*` header an attribute, `content-type` the datacontenttype unless a
 * `ce_datacontenttype` says otherwise, JSON data parsed, the time normalised to ISO 8601, the key as
 * `partitionkey`): the package's CloudEvent, header copies and frozen objects were 15 % of
 * audit-sink's CPU. Structured mode goes through the package.
 */
export function fromKafkaRecord(message: Pick<KafkaMessage, 'key' | 'value' | 'headers'>): TaskwireEvent {
  const headers = headerStrings(message.headers);
  const key = message.key?.toString();
  const value = message.value?.toString() ?? null;
  const contentType = headers['content-type'];
  let attrs: Record<string, unknown>;
  if (contentType?.startsWith('application/cloudevents')) {
    const decoded = CloudEventsKafka.toEvent({ key, value, headers, body: value } as never);
    if (Array.isArray(decoded)) throw new Error('a batch-mode CloudEvent record is not supported');
    attrs = typedAttributes({ ...(decoded as unknown as Record<string, unknown>) });
  } else {
    if (!headers.ce_id) throw new Error('No CloudEvent detected');
    if (value === null) throw new Error('Value is null or undefined');
    const raw: Record<string, unknown> = { datacontenttype: contentType, specversion: '1.0' };
    for (const [name, v] of Object.entries(headers)) {
      if (name.startsWith('ce_') && v !== '') raw[name.slice(3)] = v;
    }
    raw.time = raw.time === undefined ? new Date().toISOString() : new Date(raw.time as string).toISOString();
    raw.data = contentType?.startsWith('application/json') ? JSON.parse(value) : value;
    attrs = typedAttributes(raw);
  }
  if (key !== undefined) attrs.partitionkey = key;
  return attrs as unknown as TaskwireEvent;
}

/** kafkajs log lines through our logger: its INFO chatter (joins, rebalances) becomes debug. */
function kafkajsLogCreator(log: Logger) {
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      const { message, timestamp: _t, logger: _l, ...rest } = entry as LogEntry['log'] & { logger?: unknown };
      const fields = { component: 'kafkajs', namespace, ...rest };
      // kafkajs logs every error response and refused connection at ERROR, also those it retries
      // (leader moved, rebalance, broker restarting): warnings here; crash and give-up lines stay errors. Bounded producer retries are deliberate
      // (publish fails, the outbox tries again), so that warning is debug.
      if (level === logLevel.ERROR && namespace !== 'Connection' && namespace !== 'BrokerPool') {
        log.error(fields, message);
      } else if (level === logLevel.ERROR || level === logLevel.WARN) {
        if (message.startsWith('Limiting retries for the idempotent producer')) log.debug(fields, message);
        else log.warn(fields, message);
      } else if (level === logLevel.INFO) log.debug(fields, message);
      else log.trace(fields, message);
    };
}

type OutgoingMessage = {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers: Record<string, string>;
  timestamp?: string;
};

interface PendingSend {
  topicMessages: { topic: string; messages: OutgoingMessage[] }[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Errors after which an idempotent producer's sequence numbers are out of step: a new producer id. */
const FATAL_PRODUCER_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'PRODUCER_FENCED',
]);

function errorType(err: unknown): string | undefined {
  for (let e = err as { type?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.type === 'string') return e.type;
  }
  return undefined;
}

interface DeliveryContext {
  topic: string;
  partition: number;
  heartbeat: () => Promise<void>;
  /** Commits the records handled so far (before a backoff). */
  commitHandled: () => Promise<void>;
}

type Classified =
  | { kind: 'skip'; message: KafkaMessage }
  | { kind: 'bad'; message: KafkaMessage; error: Error }
  | { kind: 'event'; message: KafkaMessage; event: TaskwireEvent };

interface Group {
  sub: Subscription;
  delivery: Delivery;
  groupId: string;
  topics: string[];
  types: Set<string>;
  consumer?: Consumer;
  restarting?: NodeJS.Timeout;
  /** The consumer crashed and kafkajs will not restart it. */
  dead: boolean;
  /** Undoes the linger of the group's fetches. */
  unlinger?: () => void;
  commits: Commits;
}

/**
 * A consumer group's offsets waiting to be committed. Committing after every fetched batch cost the
 * broker one OffsetCommit per batch (most of its requests at a few hundred events a second); they
 * are gathered instead, for every partition, and committed together at most `commitIntervalMs`
 * after the first of them was handled.
 */
interface Commits {
  /** The next offset to read of each partition with handled, uncommitted records (`partition topic`). */
  handled: Map<string, { topic: string; partition: number; offset: string }>;
  timer: NodeJS.Timeout | undefined;
  /** The commit on its way (they go one at a time, in order). */
  inFlight: Promise<void>;
  /** Sends a commit through the consumer: the newest batch's `commitOffsetsIfNecessary`. */
  send: EachBatchPayload['commitOffsetsIfNecessary'] | undefined;
}

/**
 * The event bus over Apache Kafka (or anything speaking its protocol: Redpanda, a managed Kafka).
 *
 * Publishing writes binary-mode CloudEvents, keyed by `partitionkey`, through an idempotent producer
 * with acks from all in-sync replicas; `publish` resolves once the broker acknowledged. Each
 * subscription is one consumer group (`groupPrefix + consumer`, or one per instance for a broadcast
 * subscription) on the topics of its types, filtered by `ce_type`. Delivery follows Knative's
 * contract like the in-process bus: 2xx acknowledges; retryable statuses and throws are retried
 * with the subscription's backoff in place, holding back that partition so per-key order holds;
 * anything else, or the last failure, goes to the dead-letter topic and the dead-letter sink.
 * Offsets are committed only after the delivery finished, so a process killed mid-delivery gets
 * the event again (at least once; consumers deduplicate).
 */
export class KafkaBus implements EventBus {
  readonly kind = 'kafka';
  readonly #opts: KafkaBusOptions;
  readonly #kafka: Kafka;
  readonly #groups: Group[] = [];
  readonly #abort = new AbortController();
  readonly #instanceId: string;
  #admin: Admin | undefined;
  #producer: Producer | undefined;
  #producerConnected = false;
  /** Sends waiting for the producer; see #send. */
  readonly #sendQueue: PendingSend[] = [];
  #sending = false;
  #replaceProducer = false;
  #state: 'new' | 'starting' | 'running' | 'stopped' = 'new';
  #health: { at: number; ok: boolean } | undefined;

  constructor(opts: KafkaBusOptions) {
    if (opts.brokers.length === 0) throw new Error('KafkaBus needs at least one broker');
    this.#opts = opts;
    this.#instanceId = opts.instanceId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    const config: KafkaConfig = {
      brokers: opts.brokers,
      clientId: opts.clientId ?? 'taskwire',
      logLevel: logLevel.INFO,
      logCreator: kafkajsLogCreator(opts.log),
      retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
    };
    if (opts.ssl !== undefined) config.ssl = opts.ssl;
    if (opts.sasl !== undefined) config.sasl = opts.sasl;
    this.#kafka = new Kafka(config);
  }

  /** The full name of a Taskwire topic (`task-events`, `dead-letters`, ...). */
  topic(name: string): string {
    return `${this.#opts.topicPrefix ?? ''}${name}`;
  }

  /** The consumer group id of a subscription (a broadcast one gets this instance's own). */
  groupIdOf(sub: Pick<Subscription, 'consumer' | 'broadcast'>): string {
    const base = `${this.#opts.groupPrefix ?? DEFAULT_GROUP_PREFIX}${sub.consumer}`;
    return sub.broadcast ? `${base}.${this.#instanceId}` : base;
  }

  #topicOfType(type: string): string {
    const name = this.#opts.topicOf ? this.#opts.topicOf(type) : definitionOf(type)?.topic;
    if (!name) throw new Error(`no topic for event type ${type}: it is not in the catalog`);
    return this.topic(name);
  }

  subscribe(subscription: Subscription): void {
    if (this.#state !== 'new') throw new Error('subscribe before start()');
    const groupId = this.groupIdOf(subscription);
    if (this.#groups.some((g) => g.groupId === groupId)) {
      throw new Error(`consumer ${subscription.consumer} is already subscribed on this bus`);
    }
    const topics = [...new Set(subscription.types.map((t) => this.#topicOfType(t)))];
    this.#groups.push({
      sub: subscription,
      delivery: new Delivery(subscription, this.#opts),
      groupId,
      topics,
      types: new Set(subscription.types),
      dead: false,
      commits: { handled: new Map(), timer: undefined, inFlight: Promise.resolve(), send: undefined },
    });
  }

  async start(): Promise<void> {
    if (this.#state !== 'new') throw new Error(`cannot start a ${this.#state} bus`);
    this.#state = 'starting';
    try {
      const admin = this.#kafka.admin();
      this.#admin = admin;
      await admin.connect();
      if (this.#opts.createTopics !== false) await this.#createTopics(admin);
      await this.#connectProducer();
      const lingerMs = this.#opts.fetchLingerMs ?? 50;
      if (lingerMs > 0) {
        const linger = { ms: lingerMs, bytes: this.#opts.fetchLingerBytes ?? 64 * 1024 };
        // For every consumer of a group, also one restarted after a crash; undone at stop.
        for (const g of this.#groups) g.unlinger = lingerFetches(g.groupId, linger);
      }
      await Promise.all(this.#groups.map((g) => this.#runConsumer(g)));
      this.#state = 'running';
    } catch (err) {
      await this.stop().catch(() => {});
      throw err;
    }
  }

  async #createTopics(admin: Admin): Promise<void> {
    const names = [...TOPICS, DEAD_LETTER_TOPIC].map((t) => this.topic(t));
    for (const g of this.#groups) names.push(...g.topics);
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(names)].filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    // Already-existing topics (another process was quicker) count as created. kafkajs's own
    // waitForLeaders gives up when a KRaft broker does not know a new topic yet, so we wait here.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: this.#opts.partitions ?? 3,
        replicationFactor: this.#opts.replicationFactor ?? -1,
      })),
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: missing });
        if (
          topics.length === missing.length &&
          topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
        ) {
          // The leaders answer for their partitions (their logs exist), not only the metadata.
          for (const topic of missing) await admin.fetchTopicOffsets(topic);
          return;
        }
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline) throw new Error(`topics ${missing.join(', ')} have no leaders after 30 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async #connectProducer(): Promise<Producer> {
    const producer = this.#kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java's murmur2 partitioner: the same key lands on the same partition as with any Java client.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    producer.on(producer.events.CONNECT, () => {
      this.#producerConnected = true;
    });
    producer.on(producer.events.DISCONNECT, () => {
      this.#producerConnected = false;
    });
    await producer.connect();
    this.#producerConnected = true;
    this.#producer = producer;
    return producer;
  }

  /**
   * Hands messages to the producer, one request at a time: kafkajs's idempotent producer must not see
   * concurrent sends (after a partly failed request it rolls back sequence numbers that a concurrent
   * send already reused, and the broker then rejects or drops records). Sends that queue up while one
   * is in flight go out together in the next request, in the order they were made, so concurrent
   * publishers still get high throughput. Each caller's promise settles with the request that
   * carried its messages.
   */
  #send(topicMessages: PendingSend['topicMessages']): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#sendQueue.push({ topicMessages, resolve, reject });
      void this.#drainSends();
    });
  }

  async #drainSends(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    try {
      while (this.#sendQueue.length > 0) {
        const batch = this.#sendQueue.splice(0, 500);
        const merged = new Map<string, OutgoingMessage[]>();
        for (const pending of batch) {
          for (const { topic, messages } of pending.topicMessages) {
            const list = merged.get(topic) ?? [];
            list.push(...messages);
            merged.set(topic, list);
          }
        }
        try {
          let producer = this.#producer;
          if (!producer || this.#state === 'stopped') throw new Error('bus is not running');
          if (this.#replaceProducer) {
            this.#replaceProducer = false;
            this.#opts.log.warn('replacing the kafka producer after a fatal idempotence error');
            await producer.disconnect().catch(() => {});
            producer = await this.#connectProducer();
          }
          await producer.sendBatch({
            acks: -1,
            topicMessages: [...merged].map(([topic, messages]) => ({ topic, messages })),
          });
          for (const pending of batch) pending.resolve();
        } catch (err) {
          if (FATAL_PRODUCER_ERRORS.has(errorType(err) ?? '')) this.#replaceProducer = true;
          for (const pending of batch) pending.reject(err);
        }
      }
    } finally {
      this.#sending = false;
    }
  }

  #adminClient(): Admin {
    if (!this.#admin) throw new Error('bus is not started');
    return this.#admin;
  }

  async #runConsumer(group: Group): Promise<void> {
    const sessionTimeout = this.#opts.sessionTimeoutMs ?? 30_000;
    const consumer = this.#kafka.consumer({
      groupId: group.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout,
      heartbeatInterval: Math.max(1000, Math.floor(sessionTimeout / 10)),
      // Long polling: the broker answers a fetch as soon as a record arrives, so a long wait costs
      // no latency, only idle wake-ups (at 500 ms, 0.6 % of a core per idle consumer process).
      // kafkajs heartbeats between fetches: the wait stays well inside the session timeout.
      maxWaitTimeInMs: this.#opts.maxWaitMs ?? Math.min(5000, Math.floor(sessionTimeout / 4)),
      retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
    });
    group.consumer = consumer;
    group.dead = false;
    // A new consumer (a restart after a crash) sends its own commits; what the old one handled and
    // did not commit is delivered again.
    group.commits.handled.clear();
    group.commits.send = undefined;
    // Commit what was handled before the group reassigns partitions, so their new owners start after it.
    consumer.on(consumer.events.REBALANCING, () => void this.#commitHandled(group));
    const fetched = this.#opts.metrics?.fetches.labels({ consumer: group.sub.consumer });
    if (fetched) consumer.on(consumer.events.FETCH, () => fetched.inc());
    // Started means: joined, and (when a new group starts at the newest event) the start positions are
    // resolved (kafkajs asks the broker with ListOffsets before its first fetch); events published
    // afterwards are delivered. A group with committed offsets asks no ListOffsets: then the first
    // fetch's answer says it (after up to maxWaitTimeInMs on a quiet topic).
    const fromBeginning = group.sub.broadcast ? false : (this.#opts.fromBeginning ?? true);
    const joined = new Promise<void>((resolve) => {
      const offJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
        offJoin();
        if (fromBeginning) return resolve();
        const done = () => {
          offFetch();
          offRequest();
          resolve();
        };
        const offFetch = consumer.on(consumer.events.FETCH, done);
        const offRequest = consumer.on(consumer.events.REQUEST, ({ payload }) => {
          if (payload.apiName === 'ListOffsets') done();
        });
      });
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.#abort.signal.aborted) return;
      // kafkajs gives up on errors it deems fatal; this bus does not: a new consumer after a pause.
      group.dead = true;
      this.#opts.log.error(
        { consumer: group.sub.consumer, groupId: group.groupId, err: payload.error },
        'kafka consumer crashed; restarting it',
      );
      group.restarting = setTimeout(() => {
        group.restarting = undefined;
        if (this.#abort.signal.aborted) return;
        consumer
          .disconnect()
          .catch(() => {})
          .then(() => this.#runConsumer(group))
          .catch((err) => this.#opts.log.error({ err, groupId: group.groupId }, 'consumer restart failed'));
      }, 2000);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: group.topics, fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.max(1, this.#opts.partitions ?? 3),
      eachBatch: (payload) => this.#eachBatch(group, payload),
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      joined,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`consumer group ${group.groupId} did not join within 60 s`)),
          60_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  }

  async #eachBatch(group: Group, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const commits = group.commits;
    commits.send = payload.commitOffsetsIfNecessary;
    const key = `${partition} ${topic}`;
    const ctx: DeliveryContext = {
      topic,
      partition,
      heartbeat,
      commitHandled: () => this.#commitHandled(group),
    };
    const items = batch.messages.map((message) => this.#classify(group, message));
    const done = (message: KafkaMessage) => {
      resolveOffset(message.offset);
      commits.handled.set(key, { topic, partition, offset: (BigInt(message.offset) + 1n).toString() });
      commits.timer ??= setTimeout(() => {
        commits.timer = undefined;
        void this.#commitHandled(group);
      }, this.#opts.commitIntervalMs ?? 200);
    };
    try {
      let i = 0;
      while (i < items.length) {
        if (!isRunning() || isStale() || this.#abort.signal.aborted) break;
        const item = items[i]!;
        if (item.kind === 'skip') {
          done(item.message);
          i++;
          continue;
        }
        if (item.kind === 'bad') {
          await this.#deadLetterUndecodable(group, item.message, item.error, ctx);
          done(item.message);
          i++;
          continue;
        }
        // A batching subscriber gets the events queued in this batch in one call (records of other
        // types in between are passed over); a failed one is then retried alone, in order.
        const run: Classified[] = [item];
        let j = i + 1;
        const max = group.sub.maxBatch ?? 100;
        if (group.sub.deliverBatch) {
          let events = 1;
          while (j < items.length && events < max && items[j]!.kind !== 'bad') {
            if (items[j]!.kind === 'event') events++;
            run.push(items[j]!);
            j++;
          }
          while (run.length > 1 && run[run.length - 1]!.kind === 'skip') {
            run.pop();
            j--;
          }
        }
        const events = run.filter((r): r is Classified & { kind: 'event' } => r.kind === 'event');
        const verdicts =
          events.length > 1 ? await group.delivery.attemptBatch(events.map((e) => e.event)) : [];
        const first = new Map<Classified, Verdict>(events.map((e, k) => [e, verdicts[k]!]));
        let abandoned = false;
        for (const r of run) {
          if (r.kind === 'event' && !(await this.#deliver(group, r.message, r.event, ctx, first.get(r)))) {
            abandoned = true;
            break;
          }
          done(r.message);
        }
        if (abandoned) break;
        i = j;
      }
    } finally {
      // A partition taken away (rebalance, seek) commits nothing more: its new owner starts from the
      // last commit, and the records handled since arrive there again (consumers deduplicate).
      if (isStale()) commits.handled.delete(key);
      else if (this.#abort.signal.aborted) await this.#commitHandled(group);
    }
  }

  /**
   * Commits the offsets of the records handled so far, of every partition of the group in one request.
   * Commits are queued, one at a time, so they reach the broker in order. Called by the group's timer
   * at most `commitIntervalMs` after a record was handled, before a backoff, and at stop.
   */
  #commitHandled(group: Group): Promise<void> {
    const commits = group.commits;
    if (commits.timer) clearTimeout(commits.timer);
    commits.timer = undefined;
    const send = commits.send;
    if (commits.handled.size === 0 || !send) return commits.inFlight;
    const byTopic = new Map<string, { partition: number; offset: string }[]>();
    for (const { topic, partition, offset } of commits.handled.values()) {
      const list = byTopic.get(topic) ?? [];
      list.push({ partition, offset });
      byTopic.set(topic, list);
    }
    commits.handled.clear();
    const topics = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
    commits.inFlight = commits.inFlight.then(async () => {
      try {
        await send({ topics });
        this.#opts.metrics?.offsetCommits.inc({ consumer: group.sub.consumer });
      } catch (err) {
        // Not retried: a record handled and not committed is delivered again (at least once).
        this.#opts.log.warn({ err, groupId: group.groupId, topics }, 'offset commit failed');
      }
    });
    return commits.inFlight;
  }

  #classify(group: Group, message: KafkaMessage): Classified {
    // The type alone decides whether this consumer wants the record: nothing else is decoded for
    // the records it passes over.
    const raw = message.headers?.ce_type;
    const type = (Array.isArray(raw) ? raw[raw.length - 1] : raw)?.toString();
    if (type !== undefined && !group.types.has(type)) return { kind: 'skip', message };
    try {
      const event = fromKafkaRecord(message);
      if (!event.type || !event.id) throw new Error('missing ce_type or ce_id');
      return { kind: 'event', message, event };
    } catch (err) {
      return { kind: 'bad', message, error: err as Error };
    }
  }

  async #deadLetterUndecodable(group: Group, message: KafkaMessage, error: Error, ctx: DeliveryContext) {
    this.#opts.log.error(
      {
        consumer: group.sub.consumer,
        topic: ctx.topic,
        partition: ctx.partition,
        offset: message.offset,
        err: error,
      },
      'undecodable record moved to the dead-letter topic',
    );
    await this.#sendDeadLetter(
      { key: message.key, value: message.value, headers: headerStrings(message.headers) },
      { consumer: group.sub.consumer, status: null, reason: `undecodable: ${error.message}`, attempts: 0 },
      { topic: ctx.topic, partition: ctx.partition, offset: message.offset },
    );
  }

  /**
   * Delivers one event with retries and backoff, holding back its partition, then dead-letters it
   * (dead-letter topic and sink) if it never succeeded. `first` is the event's verdict in a batch
   * attempt, counted as the first. False when the delivery was abandoned (the bus is stopping) and
   * the record must be redelivered.
   */
  async #deliver(
    group: Group,
    message: KafkaMessage,
    event: TaskwireEvent,
    ctx: DeliveryContext,
    first?: Verdict,
  ): Promise<boolean> {
    if (!first && this.#abort.signal.aborted) return false;
    const origin = { topic: ctx.topic, partition: ctx.partition, offset: message.offset };
    const outcome = await group.delivery.deliverWithRetries(event, {
      first,
      logFields: origin,
      wait: async (ms) => {
        // Earlier records of this batch are done: commit them before waiting.
        await ctx.commitHandled();
        return this.#backoff(ms, ctx.heartbeat);
      },
      beforeDeadLetter: (verdict, attempts) =>
        this.#sendDeadLetter(
          { key: message.key, value: message.value, headers: headerStrings(message.headers) },
          { consumer: group.sub.consumer, status: verdict.status, reason: verdict.reason, attempts },
          origin,
        ),
    });
    return outcome !== 'abandoned';
  }

  /** Waits `ms` while keeping the group membership alive; false when the bus stopped meanwhile. */
  async #backoff(ms: number, heartbeat: () => Promise<void>): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (this.#abort.signal.aborted) return false;
      await new Promise<void>((resolve) => {
        const signal = this.#abort.signal;
        const done = () => {
          clearTimeout(t);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const t = setTimeout(done, Math.min(1000, until - Date.now()));
        signal.addEventListener('abort', done, { once: true });
      });
      if (this.#abort.signal.aborted) return false;
      if (Date.now() < until) await heartbeat();
    }
    return true;
  }

  async #sendDeadLetter(
    record: { key: Buffer | null; value: Buffer | null; headers: Record<string, string> },
    entry: { consumer: string; status: number | null; reason: string; attempts: number },
    origin: { topic: string; partition: number; offset: string },
  ): Promise<void> {
    await this.#send([
      {
        topic: this.topic(DEAD_LETTER_TOPIC),
        messages: [
          {
            key: record.key,
            value: record.value,
            headers: {
              ...record.headers,
              [DEAD_LETTER_HEADERS.consumer]: entry.consumer,
              [DEAD_LETTER_HEADERS.status]: entry.status === null ? 'none' : String(entry.status),
              [DEAD_LETTER_HEADERS.reason]: entry.reason.slice(0, 2000),
              [DEAD_LETTER_HEADERS.attempts]: String(entry.attempts),
              [DEAD_LETTER_HEADERS.topic]: origin.topic,
              [DEAD_LETTER_HEADERS.partition]: String(origin.partition),
              [DEAD_LETTER_HEADERS.offset]: origin.offset,
            },
          },
        ],
      },
    ]);
  }

  async publish(events: readonly TaskwireEvent[]): Promise<void> {
    if (this.#state !== 'running' && this.#state !== 'starting') throw new Error('bus is not running');
    if (!this.#producer) throw new Error('bus is not running');
    if (events.length === 0) return;
    const byTopic = new Map<string, KafkaRecord[]>();
    for (const event of events) {
      const topic = this.#topicOfType(event.type);
      const list = byTopic.get(topic) ?? [];
      list.push(toKafkaRecord(event));
      byTopic.set(topic, list);
    }
    await this.#send([...byTopic].map(([topic, messages]) => ({ topic, messages })));
  }

  async healthy(): Promise<boolean> {
    if (this.#state !== 'running' || !this.#producerConnected) return false;
    if (this.#groups.some((g) => g.dead)) return false;
    const now = Date.now();
    const cached = this.#health;
    if (cached && now - cached.at < (this.#opts.healthCacheMs ?? 5000)) return cached.ok;
    let ok = false;
    try {
      const cluster = await this.#adminClient().describeCluster();
      ok = cluster.brokers.length > 0;
    } catch {
      ok = false;
    }
    this.#health = { at: Date.now(), ok };
    return ok && this.#state === 'running';
  }

  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    this.#abort.abort();
    this.#health = undefined;
    const timeoutMs = this.#opts.stopTimeoutMs ?? 15_000;
    const within = <T>(p: Promise<T>, what: string) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.#opts.log.warn({ what }, `kafka bus stop: gave up waiting for ${what}`);
          resolve();
        }, timeoutMs);
        p.then(
          () => {
            clearTimeout(t);
            resolve();
          },
          (err) => {
            clearTimeout(t);
            this.#opts.log.warn({ err, what }, 'kafka bus stop: disconnect failed');
            resolve();
          },
        );
      });
    for (const g of this.#groups) if (g.restarting) clearTimeout(g.restarting);
    // Offsets handled before the stop are committed before the consumers leave their groups (a
    // delivery still running commits its own as it ends).
    await within(Promise.all(this.#groups.map((g) => this.#commitHandled(g))), 'offset commits');
    await Promise.all(
      this.#groups.map((g) =>
        g.consumer ? within(g.consumer.disconnect(), `consumer ${g.groupId}`) : undefined,
      ),
    );
    for (const g of this.#groups) g.unlinger?.();
    const admin = this.#admin;
    const broadcast = this.#groups.filter((g) => g.sub.broadcast).map((g) => g.groupId);
    if (admin && broadcast.length > 0) {
      await within(admin.deleteGroups(broadcast), 'deleting broadcast groups');
    }
    if (this.#producer) await within(this.#producer.disconnect(), 'producer');
    this.#producerConnected = false;
    if (admin) await within(admin.disconnect(), 'admin');
  }
}

/** Reads KAFKA_BROKERS-style lists: `host:port,host:port`. */
export function parseBrokers(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
