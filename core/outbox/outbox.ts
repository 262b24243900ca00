import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import type { TaskwireEvent } from '../events/define-event';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { EventBus } from '../ports/bus';
import type { Written } from './writer';

interface ClaimedRow {
  id: number | string;
  partition_key: string;
  event: TaskwireEvent | string;
}

interface Entry {
  id: number;
  event: TaskwireEvent;
}

export interface RelayOptions {
  database: Database;
  /** Names this relay in claims; the writer claims events at birth for it under the same name. */
  owner?: string;
  bus: EventBus;
  log: Logger;
  metrics?: Metrics;
  /** How often to look for rows nobody announced (a crashed process's, another process's). */
  pollMs?: number;
  /**
   * How often to look once this relay has had nothing to do for a lease: its own events come by
   * handoff or kick, so a quiet relay looks only for other relays' expired claims, which cannot
   * be taken over before their lease ends anyway. Default 5 × pollMs, at most half a lease (never
   * under pollMs).
   */
  idlePollMs?: number;
  /** How long a claim holds before another relay may take the rows over. */
  leaseMs?: number;
  /** Partition keys claimed per round. */
  batchKeys?: number;
  /** Rounds in flight at once. */
  parallelRounds?: number;
  /**
   * Announce each stamp of published rows on PostgreSQL channel `PUBLISHED_CHANNEL` (their ids):
   * where the bus cannot give every instance of a live-update gateway every event (a Knative
   * Trigger delivers to one pod), each pod follows the published rows instead.
   */
  announcePublished?: boolean;
}

/** PostgreSQL channel on which relays announce the ids of rows they stamped published. */
export const PUBLISHED_CHANNEL = 'taskwire_published';

/** Ids per notification: a payload stays far below PostgreSQL's 8,000-byte limit. */
const IDS_PER_NOTIFY = 300;

/** Serialises claims so that one key's rows are never split between two relays. */
const CLAIM_LOCK = 727_104_302;

/**
 * Publishes outbox rows after their transaction commits: at least once, in order per partition key,
 * and safe with several relays running (each claims whole keys under a lease; a crashed relay's
 * claims expire after `leaseMs`). Events claimed at birth for this relay (see writer.ts) come by
 * `handoff` straight after their commit and are published from memory; the others — an older event
 * of their key was still waiting, or another relay's lease ran out — are claimed in rounds, which
 * `kick()` starts at once and the poll is the safety net for.
 */
export class OutboxRelay {
  readonly owner: string;
  readonly #opts: Required<Omit<RelayOptions, 'metrics' | 'owner'>> & { metrics?: Metrics };
  readonly #stampSql: string;
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  /** Per partition key, the tail of this relay's publishing of it: one key's events one at a time. */
  readonly #keys = new Map<string, Promise<void>>();
  /** Handoffs being published. */
  readonly #handoffs = new Set<Promise<void>>();
  /** Ids published and not yet stamped; stamped together, one statement at a time. */
  #toMark: number[] = [];
  #marking: Promise<void> | undefined;
  /** Some committed events were left for the claim: look again after each stamp. */
  #waiting = false;
  /** The last claim found nothing: the next one looks before it locks. */
  #idle = false;
  /** When this relay last had something to publish (a handoff, a claim that found rows). */
  #lastWork = 0;

  constructor(opts: RelayOptions) {
    this.owner = opts.owner ?? randomUUID();
    const pollMs = opts.pollMs ?? 1000;
    const leaseMs = opts.leaseMs ?? 10_000;
    this.#opts = {
      pollMs,
      leaseMs,
      idlePollMs: Math.max(pollMs, Math.min(pollMs * 5, leaseMs / 2)),
      batchKeys: 200,
      parallelRounds: 3,
      announcePublished: false,
      ...opts,
    };
    const stamp = `update outbox set published_at = now(), lease_owner = null, lease_until = null
      where id = any($1::bigint[])`;
    this.#stampSql = this.#opts.announcePublished
      ? `with stamped as (${stamp} returning id),
           numbered as (select id, (row_number() over (order by id) - 1) / ${IDS_PER_NOTIFY} as chunk from stamped)
         select pg_notify('${PUBLISHED_CHANNEL}', string_agg(id::text, ',' order by id))
         from numbered group by chunk`
      : stamp;
  }

  /**
   * Takes handoffs from now on, and looks at the outbox after one poll interval, like every later
   * look: this relay's own events come by handoff, and a look is for orphans (a dead predecessor's
   * backlog after a crash, an event whose handoff failed). So a restart binds its port and answers
   * before this thread spends itself relaying a backlog (~0.1–0.3 s after a SIGKILL mid-burst,
   * bench/restart.ts), and the backlog follows within a second.
   */
  start(): void {
    this.#stopped = false;
    const tick = () => {
      this.kick();
      const quiet = this.#idle && Date.now() - this.#lastWork > this.#opts.leaseMs;
      this.#timer = setTimeout(tick, quiet ? this.#opts.idlePollMs : this.#opts.pollMs);
      this.#timer.unref();
    };
    this.#timer = setTimeout(tick, this.#opts.pollMs);
    this.#timer.unref();
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

  /** Events claimed at birth for this relay, just committed: published now, from memory. */
  handoff(w: Written): void {
    this.#lastWork = Date.now();
    if (w.waiting > 0) {
      this.#waiting = true;
      this.kick();
    }
    if (w.born.length === 0 || this.#stopped) return;
    const p = this.#publishEntries(w.born);
    this.#handoffs.add(p);
    void p.finally(() => this.#handoffs.delete(p));
  }

  /** Publishes until the outbox holds nothing this relay can claim. */
  async drain(): Promise<void> {
    // Publishing one event can commit others (a consumer's own events, handed off to this relay):
    // wait until nothing is in flight any more.
    do {
      while (this.#handoffs.size > 0) await Promise.allSettled([...this.#handoffs]);
      while (this.#draining) await this.#draining;
      this.#draining = this.#drainLoop();
      try {
        await this.#draining;
      } finally {
        this.#draining = undefined;
      }
      await this.#marked();
    } while (this.#handoffs.size > 0);
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
    const lanes: Promise<void>[] = [];
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
        if (claimed > 0) {
          this.#again = true;
          // Work found: the other lanes join (an idle poll costs one claim, not one per lane).
          if (lanes.length < this.#opts.parallelRounds) lanes.push(lane());
          // Let the event loop take its I/O between rounds. With PGlite and the in-process bus a
          // round resolves in microtasks alone, so catching up on a backlog (a restart after a
          // crash) would otherwise hold every socket, readiness probes included, until it ends.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      } while (this.#again && !this.#stopped);
    };
    lanes.push(lane());
    for (let i = 0; i < lanes.length; i++) await lanes[i];
  }

  async #round(): Promise<number> {
    const rows = await this.#claim();
    if (rows.length === 0) {
      this.#waiting = false;
      return 0;
    }
    await this.#publishEntries(
      rows.map((row) => ({
        id: Number(row.id),
        event: typeof row.event === 'string' ? (JSON.parse(row.event) as TaskwireEvent) : row.event,
      })),
    );
    return rows.length;
  }

  /**
   * Publishes claimed entries (in id order), one key after another in order and keys side by side;
   * renews the claims while consumers are slow, and queues the published ones for stamping.
   */
  async #publishEntries(entries: Entry[]): Promise<void> {
    const ids = entries.map((e) => e.id);
    // Slow consumers (retries with backoff) must not lose the claim: renew it while publishing.
    const renew = setInterval(() => void this.#renew(ids), Math.max(200, this.#opts.leaseMs / 3));
    renew.unref();
    try {
      const byKey = new Map<string, Entry[]>();
      for (const entry of entries) {
        const list = byKey.get(entry.event.partitionkey) ?? [];
        list.push(entry);
        byKey.set(entry.event.partitionkey, list);
      }
      const done: number[] = [];
      await Promise.all(
        [...byKey].map(([key, list]) => this.#afterKey(key, () => this.#publishKey(list, done))),
      );
      if (done.length > 0) await this.#mark(done);
    } finally {
      clearInterval(renew);
    }
  }

  /** Runs `work` once this relay's earlier publishing of `key` is over. */
  #afterKey(key: string, work: () => Promise<void>): Promise<void> {
    const previous = this.#keys.get(key);
    const next = (previous ? previous.then(work, work) : work()).finally(() => {
      if (this.#keys.get(key) === next) this.#keys.delete(key);
    });
    this.#keys.set(key, next);
    return next;
  }

  async #renew(ids: number[]): Promise<void> {
    try {
      await this.#opts.database.query(
        `update outbox set lease_until = now() + make_interval(secs => $2::double precision / 1000)
         where lease_owner = $1 and published_at is null and id = any($3::bigint[])`,
        [this.owner, String(this.#opts.leaseMs), `{${ids.join(',')}}`],
      );
    } catch (err) {
      this.#opts.log.warn({ err }, 'could not renew outbox leases');
    }
  }

  /** Stamps published rows: ids queued while a stamp is in flight go together in the next one. */
  #mark(ids: number[]): Promise<void> {
    this.#toMark.push(...ids);
    this.#marking ??= (async () => {
      try {
        while (this.#toMark.length > 0) {
          const batch = this.#toMark;
          this.#toMark = [];
          try {
            await this.#opts.database.query(this.#stampSql, [`{${batch.join(',')}}`]);
          } catch (err) {
            // Unstamped rows are published again once their lease ends: consumers deduplicate.
            this.#opts.log.warn({ err, rows: batch.length }, 'could not stamp published outbox rows');
          }
        }
      } finally {
        this.#marking = undefined;
      }
      if (this.#waiting) this.kick();
    })();
    return this.#marking;
  }

  async #marked(): Promise<void> {
    while (this.#marking) await this.#marking;
  }

  /** Publishes one key's rows in order, stopping at the first failure so later rows keep waiting. */
  async #publishKey(list: Entry[], done: number[]): Promise<void> {
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
    // Idle (the last claim found nothing): one cheap look, no transaction and no lock, before
    // claiming; every process of the multi-process runtime polls each second, mostly for nothing.
    if (this.#idle) {
      const [look] = await database.rows<{ claimable: boolean }>(sql`
        select exists (
          select 1 from outbox where published_at is null and (lease_until is null or lease_until < now())
        ) as claimable`);
      if (!look?.claimable) return [];
    }
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
    this.#idle = rows.length === 0;
    if (rows.length > 0) this.#lastWork = Date.now();
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
