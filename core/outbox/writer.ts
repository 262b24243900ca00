/**
 * The write side of the transactional outbox.
 *
 * Events are written with the change they announce (in the caller's transaction, or in one
 * statement with its rows) and, when no older event of their partition key is still waiting,
 * claimed at birth for this process's relay: the relay then publishes them from memory the moment
 * the commit is known, without reading them back or claiming them in a transaction of its own.
 * If this process dies first, the claim's lease runs out and any relay takes them over.
 *
 * `insert` is group commit: concurrent callers' rows and events are written together, as one
 * prepared statement and one commit, while the previous one is in flight.
 */
import type { Database, Db } from '../db/client';
import { boundSql, insertCtes, type TableRow } from '../db/insert-rows';
import { definitionOf } from '../events/catalog';
import type { TaskwireEvent } from '../events/define-event';
import { producerTraceContext } from '../observability/tracing';

/** An event this process's relay owns from birth: written, and published from memory once committed. */
export interface BornEvent {
  id: number;
  event: TaskwireEvent;
}

export interface Written {
  /** Claimed at birth for this process's relay. */
  born: BornEvent[];
  /** How many were left for the relay's claim: an older event of their key still waits. */
  waiting: number;
}

/** Where committed writes go: the relay of this process (or nothing, where none runs). */
export type CommitListener = (written: Written) => void;

function outboxRow(event: TaskwireEvent) {
  const topic = definitionOf(event.type)?.topic ?? 'task-events';
  const stamped = withProducerSpan(event, topic);
  return {
    json: {
      event_id: stamped.id,
      type: stamped.type,
      topic,
      partition_key: stamped.partitionkey,
      event: stamped,
    },
    event: stamped,
  };
}

/**
 * An event leaving for the bus, under a PRODUCER span of the current one when tracing is on: that
 * span's context travels in the event (`traceparent`), so its consumers continue the trace.
 */
function withProducerSpan(event: TaskwireEvent, topic: string): TaskwireEvent {
  const traced = producerTraceContext(
    { topic, id: event.id, type: event.type, subject: event.subject },
    event,
  );
  if (traced.traceparent === event.traceparent && traced.tracestate === event.tracestate) return event;
  const out = { ...event };
  if (traced.traceparent) out.traceparent = traced.traceparent;
  if (traced.tracestate) out.tracestate = traced.tracestate;
  return out;
}

/**
 * The outbox insert: `events` (a JSON array of outbox rows) claimed for `owner` unless an older
 * row of the same key is unpublished (then the relay's claim takes it, in order).
 */
function outboxCte(events: string, owner: string, leaseMs: string): string {
  return `ob as (
    insert into outbox (event_id, type, topic, partition_key, event, lease_owner, lease_until)
    select r.event_id, r.type, r.topic, r.partition_key, r.event,
      case when h.held or ${owner}::text is null then null else ${owner}::text end,
      case when h.held or ${owner}::text is null then null
        else now() + make_interval(secs => ${leaseMs}::double precision / 1000) end
    from jsonb_populate_recordset(null::outbox, ${events}::jsonb) r
    cross join lateral (
      select exists (
        select 1 from outbox o where o.partition_key = r.partition_key and o.published_at is null
      ) as held
    ) h
    returning id, event_id, lease_owner is not null as claimed
  )`;
}

interface OutboxReturn {
  id: number | string;
  event_id: string;
  claimed: boolean;
}

function written(events: readonly TaskwireEvent[], rows: readonly OutboxReturn[]): Written {
  const byId = new Map(events.map((e) => [e.id, e]));
  const born: BornEvent[] = [];
  let waiting = 0;
  for (const row of rows) {
    if (!row.claimed) waiting++;
    else born.push({ id: Number(row.id), event: byId.get(row.event_id)! });
  }
  born.sort((a, b) => a.id - b.id);
  return { born, waiting };
}

interface Unit {
  rows: readonly TableRow[];
  events: readonly TaskwireEvent[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface OutboxWriterOptions {
  database: Database;
  /** The relay events are claimed for at birth; none: every event waits for a relay's claim. */
  owner?: string | undefined;
  /** How long a claim at birth holds before another relay may take the events over. */
  leaseMs?: number;
  /** Group-commit statements in flight at once (each on its own connection). */
  maxInFlight?: number;
  /** Units (a creation, say) per statement at most. */
  maxBatch?: number;
  /**
   * Wait for the event loop's next check phase before writing, so that every request read in the
   * same I/O phase joins one statement. Needed where the database runs in this thread (PGlite): a
   * statement then completes within the microtasks of the request that started it, so nothing else
   * arrives while it is "in flight" and every unit would go alone. Default: on for PGlite.
   */
  gather?: boolean;
  onCommitted?: CommitListener;
}

export class OutboxWriter {
  readonly #opts: Required<Omit<OutboxWriterOptions, 'owner' | 'onCommitted'>> &
    Pick<OutboxWriterOptions, 'owner' | 'onCommitted'>;
  readonly #queue: Unit[] = [];
  #inFlight = 0;
  #gathering = false;

  constructor(opts: OutboxWriterOptions) {
    this.#opts = {
      leaseMs: 10_000,
      maxInFlight: opts.database.kind === 'pglite' ? 1 : 2,
      maxBatch: 200,
      gather: opts.database.kind === 'pglite',
      ...opts,
    };
  }

  /**
   * Writes events in the caller's transaction. Hand the result to `committed` once it committed
   * (never for a rolled-back one).
   */
  async write(tx: Db, events: readonly TaskwireEvent[]): Promise<Written> {
    if (events.length === 0) return { born: [], waiting: 0 };
    const statement = this.#statement([], events);
    const result = await this.#opts.database.rows<OutboxReturn>(
      boundSql(statement.text, statement.params),
      tx,
    );
    return written(statement.events, result);
  }

  /** After the commit of a `write`: the relay publishes what was born to it. */
  committed(w: Written): void {
    if (w.born.length > 0 || w.waiting > 0) this.#opts.onCommitted?.(w);
  }

  /**
   * Inserts rows (any tables, parents first) and their events atomically, in one statement shared
   * with concurrent calls. Resolves once committed. The rows must not depend on each other's
   * effects beyond foreign keys (they share one snapshot).
   */
  insert(rows: readonly TableRow[], events: readonly TaskwireEvent[]): Promise<void> {
    if (rows.length === 0 && events.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ rows, events, resolve, reject });
      if (!this.#opts.gather) this.#pump();
      else if (!this.#gathering) {
        this.#gathering = true;
        setImmediate(() => {
          this.#gathering = false;
          this.#pump();
        });
      }
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#opts.maxInFlight && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#opts.maxBatch);
      this.#inFlight++;
      void this.#flush(batch).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }

  /** One statement for the batch; if it fails, each unit alone, so one bad unit fails alone. */
  async #flush(batch: Unit[]): Promise<void> {
    try {
      await this.#run(batch);
      for (const u of batch) u.resolve();
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      for (const u of batch) {
        try {
          await this.#run([u]);
          u.resolve();
        } catch (e) {
          u.reject(e);
        }
      }
    }
  }

  async #run(batch: readonly Unit[]): Promise<void> {
    const statement = this.#statement(
      batch.flatMap((u) => u.rows),
      batch.flatMap((u) => u.events),
    );
    const result = await this.#opts.database.query<OutboxReturn>(statement.text, statement.params);
    if (statement.events.length > 0) this.committed(written(statement.events, result));
  }

  /** Rows and events as one statement; it returns the outbox rows' ids and claims. */
  #statement(rows: readonly TableRow[], events: readonly TaskwireEvent[]) {
    const { ctes, params } = insertCtes(rows);
    if (events.length === 0) return { text: `with ${ctes.join(', ')} select 1`, params, events: [] };
    const outbox = events.map(outboxRow);
    params.push(JSON.stringify(outbox.map((r) => r.json)));
    const eventsParam = `$${params.length}`;
    let owner = 'null';
    if (this.#opts.owner) {
      params.push(this.#opts.owner);
      owner = `$${params.length}`;
    }
    params.push(String(this.#opts.leaseMs));
    ctes.push(outboxCte(eventsParam, owner, `$${params.length}`));
    return {
      text: `with ${ctes.join(', ')} select id, event_id, claimed from ob`,
      params,
      events: outbox.map((r) => r.event),
    };
  }
}
