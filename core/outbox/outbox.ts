import { randomUUID } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import type { Database, Db } from '../db/client';
import { outbox } from '../db/schema';
import { definitionOf } from '../events/catalog';
import type { TaskwireEvent } from '../events/define-event';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { producerTraceContext } from '../observability/tracing';
import type { EventBus } from '../ports/bus';

function outboxRows(events: readonly TaskwireEvent[]) {
  return events.map((event) => {
    const topic = definitionOf(event.type)?.topic ?? 'task-events';
    return {
      eventId: event.id,
      type: event.type,
      topic,
      partitionKey: event.partitionkey,
      event: withProducerSpan(event, topic),
    };
  });
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

/** Appends events to the outbox inside the caller's transaction. */
export async function writeOutbox(tx: Db, events: readonly TaskwireEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(outbox).values(outboxRows(events));
}

/** The outbox insert as a statement, to run inside a larger one. */
export function outboxInsert(db: Db, events: readonly TaskwireEvent[]): SQL {
  return db.insert(outbox).values(outboxRows(events)).getSQL();
}

/**
 * Runs independent writes and the outbox insert as ONE statement (data-modifying CTEs): atomic
 * like a transaction, but a single round trip instead of BEGIN, n + 1 statements and COMMIT.
 * The writes must not depend on each other's effects (they share one snapshot).
 */
export async function writeAtomically(
  db: Db,
  writes: readonly SQL[],
  events: readonly TaskwireEvent[],
): Promise<void> {
  const all = events.length ? [...writes, outboxInsert(db, events)] : [...writes];
  if (all.length === 0) return;
  if (all.length === 1) {
    await db.execute(all[0]!);
    return;
  }
  const ctes = sql.join(
    all.map((w, i) => sql`${sql.raw(`w${i}`)} as (${w})`),
    sql`, `,
  );
  await db.execute(sql`with ${ctes} select 1`);
}

interface ClaimedRow {
  id: number;
  partition_key: string;
  event: TaskwireEvent | string;
}

export interface RelayOptions {
  database: Database;
  bus: EventBus;
  log: Logger;
  metrics?: Metrics;
  /** How often to look for rows nobody announced (a crashed process's, another process's). */
  pollMs?: number;
  /** How long a claim holds before another relay may take the rows over. */
  leaseMs?: number;
  /** Partition keys claimed per round. */
  batchKeys?: number;
  /** Rounds in flight at once. */
  parallelRounds?: number;
}

/** Serialises claims so that one key's rows are never split between two relays. */
const CLAIM_LOCK = 727_104_302;

/**
 * Publishes outbox rows after their transaction commits: at least once, in order per partition key,
 * and safe with several relays running (each claims whole keys under a lease; a crashed relay's
 * claims expire after `leaseMs`). `kick()` after a commit makes delivery immediate; the poll is the
 * safety net.
 */
export class OutboxRelay {
  readonly owner = randomUUID();
  readonly #opts: Required<Omit<RelayOptions, 'metrics'>> & { metrics?: Metrics };
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #again = false;
  #stopped = true;

  constructor(opts: RelayOptions) {
    this.#opts = { pollMs: 1000, leaseMs: 10_000, batchKeys: 200, parallelRounds: 3, ...opts };
  }

  start(): void {
    this.#stopped = false;
    const tick = () => {
      this.kick();
      this.#timer = setTimeout(tick, this.#opts.pollMs);
      this.#timer.unref();
    };
    tick();
  }

  /** Asks for a drain soon; calls during a drain coalesce into one more round. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#draining) {
      this.#again = true;
      return;
    }
    this.#draining = this.#drainLoop().finally(() => {
      this.#draining = undefined;
    });
  }

  /** Publishes until the outbox holds nothing this relay can claim. */
  async drain(): Promise<void> {
    while (this.#draining) await this.#draining;
    this.#draining = this.#drainLoop();
    try {
      await this.#draining;
    } finally {
      this.#draining = undefined;
    }
  }

  async stop(opts: { drain?: boolean; timeoutMs?: number } = {}): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    if (opts.drain) {
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, opts.timeoutMs ?? 10_000).unref());
      await Promise.race([this.drain().catch(() => {}), deadline]);
    }
    this.#stopped = true;
    if (this.#draining)
      await Promise.race([this.#draining.catch(() => {}), new Promise((r) => setTimeout(r, 1000))]);
  }

  /**
   * Runs rounds until nothing is left to claim. Up to `parallelRounds` rounds overlap, so claiming
   * the next keys does not wait for the consumers of the previous ones (claimed keys are leased,
   * so overlapping rounds never share a key).
   */
  async #drainLoop(): Promise<void> {
    const lane = async () => {
      do {
        this.#again = false;
        let claimed = 0;
        try {
          claimed = await this.#round();
        } catch (err) {
          this.#opts.log.error({ err }, 'outbox relay round failed');
          return;
        }
        if (claimed > 0) this.#again = true;
      } while (this.#again && !this.#stopped);
    };
    await Promise.all(Array.from({ length: this.#opts.parallelRounds }, lane));
  }

  async #round(): Promise<number> {
    const rows = await this.#claim();
    if (rows.length === 0) return 0;
    // Slow consumers (retries with backoff) must not lose the claim: renew it while publishing.
    const ids = rows.map((r) => Number(r.id));
    const renew = setInterval(() => void this.#renew(ids), Math.max(200, this.#opts.leaseMs / 3));
    renew.unref();
    try {
      return await this.#publishRound(rows);
    } finally {
      clearInterval(renew);
    }
  }

  async #renew(ids: number[]): Promise<void> {
    try {
      await this.#opts.database.db.execute(sql`
        update outbox set lease_until = now() + ${`${this.#opts.leaseMs} milliseconds`}::interval
        where lease_owner = ${this.owner} and published_at is null
          and id in (${sql.join(
            ids.map((id) => sql`${id}`),
            sql`, `,
          )})`);
    } catch (err) {
      this.#opts.log.warn({ err }, 'could not renew outbox leases');
    }
  }

  async #publishRound(rows: ClaimedRow[]): Promise<number> {
    const byKey = new Map<string, { id: number; event: TaskwireEvent }[]>();
    for (const row of rows) {
      const event = typeof row.event === 'string' ? (JSON.parse(row.event) as TaskwireEvent) : row.event;
      const list = byKey.get(row.partition_key) ?? [];
      list.push({ id: Number(row.id), event });
      byKey.set(row.partition_key, list);
    }
    const done: number[] = [];
    await Promise.all([...byKey.values()].map((list) => this.#publishKey(list, done)));
    if (done.length > 0) {
      // One statement for the whole round: under load a round spans hundreds of keys.
      await this.#opts.database.db.execute(sql`
        update outbox set published_at = now(), lease_owner = null, lease_until = null
        where id in (${sql.join(
          done.map((id) => sql`${id}`),
          sql`, `,
        )})`);
    }
    return rows.length;
  }

  /** Publishes one key's rows in order, stopping at the first failure so later rows keep waiting. */
  async #publishKey(list: { id: number; event: TaskwireEvent }[], done: number[]): Promise<void> {
    const { bus, database, metrics, log } = this.#opts;
    let published = 0;
    try {
      for (const { id, event } of list) {
        await bus.publish([event]);
        metrics?.eventsPublished.inc({ type: event.type });
        done.push(id);
        published++;
      }
    } catch (err) {
      const failed = list[published];
      log.warn({ err, eventId: failed?.event.id }, 'publishing from the outbox failed; will retry');
      if (failed) {
        const reason = String((err as Error).message).slice(0, 500);
        const rest = list.slice(published).map((r) => sql`${r.id}`);
        // The failed row and the rest of its key wait a second, then the key is claimable again.
        await database.db.execute(sql`
          update outbox set lease_until = now() + interval '1 second',
            attempts = case when id = ${failed.id} then attempts + 1 else attempts end,
            last_error = case when id = ${failed.id} then ${reason} else last_error end
          where id in (${sql.join(rest, sql`, `)}) and lease_owner = ${this.owner}`);
      }
    }
  }

  /**
   * Leases every unpublished row of the keys of the oldest unclaimed rows (up to `batchKeys`), skipping
   * keys someone else holds a row of. Taking whole keys keeps each key's events in order across
   * relays; starting from the oldest rows keeps it fair, and the partial index on unpublished ids
   * keeps the cost independent of the backlog and of the week of published rows kept for replay.
   */
  async #claim(): Promise<ClaimedRow[]> {
    const { database, leaseMs, batchKeys, metrics } = this.#opts;
    const rows = await database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`);
      return database.rows<ClaimedRow>(
        sql`
        with candidates as (
          select distinct partition_key from (
            select partition_key from outbox
            where published_at is null and (lease_until is null or lease_until < now())
            order by id limit ${batchKeys}
          ) oldest
        ), free as (
          select c.partition_key from candidates c
          where not exists (
            select 1 from outbox held
            where held.partition_key = c.partition_key and held.published_at is null and held.lease_until >= now()
          )
        )
        update outbox o set lease_owner = ${this.owner}, lease_until = now() + ${`${leaseMs} milliseconds`}::interval
        where o.published_at is null and o.partition_key in (select partition_key from free)
        returning o.id, o.partition_key, o.event`,
        tx,
      );
    });
    if (metrics && rows.length === 0) metrics.outboxPending.set(0);
    return rows.sort((a, b) => Number(a.id) - Number(b.id));
  }
}

/**
 * Frees every claim on outbox rows. Only for a database no other process can reach (PGlite is
 * opened by one process), so a restart need not wait for the dead process's leases.
 */
export async function releaseOutboxClaims(database: Database): Promise<void> {
  await database.db.execute(
    sql`update outbox set lease_owner = null, lease_until = null where published_at is null`,
  );
}

/** Deletes published rows older than the replay window. */
export async function pruneOutbox(database: Database, olderThanHours = 24 * 7): Promise<number> {
  const rows = await database.rows<{ id: number }>(
    sql`delete from outbox where published_at < now() - ${`${olderThanHours} hours`}::interval returning id`,
  );
  return rows.length;
}
