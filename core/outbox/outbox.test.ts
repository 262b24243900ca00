import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, testDatabase } from '../../test/support/harness';
import type { Database } from '../db/client';
import { tasks } from '../db/schema';
import { newTask, toView } from '../domain/task';
import { TaskCreated, TaskUpdated } from '../events/catalog';
import type { TaskwireEvent } from '../events/define-event';
import { createLogger } from '../observability/logger';
import type { EventBus, Subscription } from '../ports/bus';
import { OutboxRelay } from './outbox';
import { OutboxWriter, type Written } from './writer';

const log = createLogger({ level: 'silent' });
const meta = { source: '/taskwire/test', correlationId: 'c' };

function eventsFor(key: string, n: number): TaskwireEvent[] {
  const task = toView(newTask({ title: 't' }, { id: key, now: new Date(), defaultTimezone: 'UTC' }));
  return Array.from({ length: n }, (_, i) =>
    i === 0
      ? TaskCreated.create({ data: { task, actor: 'api' }, subject: key, sequence: 1 }, meta)
      : TaskUpdated.create(
          { data: { task, actor: 'api', changes: {}, precondition: 'none' }, subject: key, sequence: i + 1 },
          meta,
        ),
  );
}

/** A bus that records what it was given and can be told to fail. */
class RecordingBus implements EventBus {
  readonly kind = 'recording';
  published: TaskwireEvent[] = [];
  failOn = new Set<string>();
  delayMs = 0;
  subscribe(_s: Subscription) {}
  async start() {}
  async stop() {}
  async healthy() {
    return true;
  }
  async publish(events: readonly TaskwireEvent[]) {
    for (const e of events) {
      if (this.delayMs) await new Promise((r) => setTimeout(r, Math.random() * this.delayMs));
      if (this.failOn.has(e.id)) throw new Error(`broker refused ${e.id}`);
      this.published.push(e);
    }
  }
}

async function pending(database: Database): Promise<number> {
  const [row] = await database.rows<{ n: number }>(
    sql`select count(*)::int as n from outbox where published_at is null`,
  );
  return Number(row?.n);
}

/** Writes events in a transaction of their own, unclaimed: only a relay's claim publishes them. */
function writeOutbox(
  tx: Parameters<Parameters<Database['db']['transaction']>[0]>[0],
  events: TaskwireEvent[],
) {
  return new OutboxWriter({ database: currentDatabase }).write(tx, events);
}
let currentDatabase: Database;

function sequencesByKey(events: TaskwireEvent[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const e of events) out.set(e.partitionkey, [...(out.get(e.partitionkey) ?? []), e.sequence]);
  return out;
}

describe.each(DATABASE_KINDS)('transactional outbox on %s', (kind) => {
  let database: Database;
  const relays: OutboxRelay[] = [];
  afterEach(async () => {
    for (const r of relays.splice(0)) await r.stop();
    await database?.close();
  });
  const relay = (bus: EventBus, leaseMs = 30_000, owner?: string) => {
    currentDatabase = database;
    const r = new OutboxRelay({ database, bus, log, leaseMs, pollMs: 50, ...(owner ? { owner } : {}) });
    relays.push(r);
    return r;
  };

  it('writes nothing when the transaction rolls back', async () => {
    database = await testDatabase(kind);
    currentDatabase = database;
    await expect(
      database.db.transaction(async (tx) => {
        await writeOutbox(tx, eventsFor(randomUUID(), 2));
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await pending(database)).toBe(0);
  });

  it('publishes every event once, in order per key, and marks it published', async () => {
    database = await testDatabase(kind);
    currentDatabase = database;
    const keys = Array.from({ length: 10 }, () => randomUUID());
    for (let i = 0; i < 5; i++) {
      for (const key of keys) await database.db.transaction((tx) => writeOutbox(tx, [eventsFor(key, 5)[i]!]));
    }
    const bus = new RecordingBus();
    await relay(bus).drain();
    expect(bus.published).toHaveLength(50);
    for (const seqs of sequencesByKey(bus.published).values()) expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(await pending(database)).toBe(0);
  });

  it('keeps a failed event and everything after it on the same key for later, in order', async () => {
    database = await testDatabase(kind);
    currentDatabase = database;
    const [a, b] = [randomUUID(), randomUUID()];
    const evA = eventsFor(a, 3);
    const evB = eventsFor(b, 2);
    await database.db.transaction((tx) => writeOutbox(tx, [...evA, ...evB]));
    const bus = new RecordingBus();
    bus.failOn.add(evA[1]!.id);
    const r = relay(bus);
    await r.drain();
    expect(bus.published.map((e) => e.id)).toEqual(
      expect.arrayContaining([evA[0]!.id, evB[0]!.id, evB[1]!.id]),
    );
    expect(bus.published.map((e) => e.id)).not.toContain(evA[2]!.id);
    expect(await pending(database)).toBe(2);
    bus.failOn.clear();
    await new Promise((r) => setTimeout(r, 1100));
    await r.drain();
    expect(sequencesByKey(bus.published).get(a)).toEqual([1, 2, 3]);
    expect(await pending(database)).toBe(0);
  });

  it("takes over a crashed relay's claims once the lease expires", async () => {
    database = await testDatabase(kind);
    currentDatabase = database;
    const key = randomUUID();
    await database.db.transaction((tx) => writeOutbox(tx, eventsFor(key, 2)));
    // A relay that claims and dies before publishing: simulate its lease by hand.
    await database.db.execute(
      sql`update outbox set lease_owner = 'dead', lease_until = now() + interval '300 milliseconds'`,
    );
    const bus = new RecordingBus();
    const r = relay(bus);
    await r.drain();
    expect(bus.published).toHaveLength(0);
    await new Promise((res) => setTimeout(res, 400));
    await r.drain();
    expect(bus.published.map((e) => e.sequence)).toEqual([1, 2]);
  });

  it('a started relay takes orphans at its first poll, not at once, and lets the event loop turn between rounds', async () => {
    database = await testDatabase(kind);
    currentDatabase = database;
    const keys = Array.from({ length: 5 }, () => randomUUID());
    for (const key of keys) await database.db.transaction((tx) => writeOutbox(tx, eventsFor(key, 2)));
    const bus = new RecordingBus();
    const r = new OutboxRelay({ database, bus, log, pollMs: 1000 });
    relays.push(r);
    r.start();
    // A restarted server binds its port and answers before it relays what its predecessor left.
    await new Promise((res) => setTimeout(res, 300));
    expect(bus.published).toHaveLength(0);
    for (let i = 0; i < 100 && bus.published.length < 10; i++)
      await new Promise((res) => setTimeout(res, 50));
    expect(bus.published).toHaveLength(10);
    // Between rounds the event loop turns (on PGlite a round alone would resolve in microtasks).
    for (const key of keys) await database.db.transaction((tx) => writeOutbox(tx, eventsFor(key, 2)));
    let turns = 0;
    let drained = false;
    const spin = () => {
      if (drained) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    await r.drain();
    drained = true;
    expect(bus.published).toHaveLength(20);
    expect(turns).toBeGreaterThan(0);
  });

  it('several relays at once keep per-key order and publish each event once', async () => {
    database = await testDatabase(kind);
    currentDatabase = database;
    const keys = Array.from({ length: 20 }, () => randomUUID());
    const bus = new RecordingBus();
    bus.delayMs = 3;
    const rs = [relay(bus), relay(bus), relay(bus)];
    for (const r of rs) r.start();
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 6; i++) {
      for (const key of keys) {
        const ev = eventsFor(key, 6)[i]!;
        writes.push(database.db.transaction((tx) => writeOutbox(tx, [ev])));
      }
      await Promise.all(writes.splice(0));
      for (const r of rs) r.kick();
    }
    for (let i = 0; i < 100 && (await pending(database)) > 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    for (const r of rs) await r.drain();
    expect(bus.published).toHaveLength(120);
    expect(new Set(bus.published.map((e) => e.id)).size).toBe(120);
    for (const seqs of sequencesByKey(bus.published).values()) expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('claims an event at birth for its relay, which publishes it from memory once committed', async () => {
    database = await testDatabase(kind);
    const bus = new RecordingBus();
    const r = relay(bus, 30_000, 'relay-born');
    r.start();
    const handed: Written[] = [];
    const writer = new OutboxWriter({
      database,
      owner: 'relay-born',
      onCommitted: (w) => {
        handed.push(w);
        r.handoff(w);
      },
    });
    const key = randomUUID();
    const [created] = eventsFor(key, 1);
    const w = await database.db.transaction((tx) => writer.write(tx, [created!]));
    const [row] = await database.rows<{ lease_owner: string | null }>(
      sql`select lease_owner from outbox where event_id = ${created!.id}`,
    );
    expect(row?.lease_owner).toBe('relay-born');
    expect(w.born.map((b) => b.event.id)).toEqual([created!.id]);
    writer.committed(w);
    await r.drain();
    expect(bus.published.map((e) => e.id)).toEqual([created!.id]);
    expect(await pending(database)).toBe(0);
  });

  it('leaves an event to the claim while an older one of its key waits, so the key keeps its order', async () => {
    database = await testDatabase(kind);
    currentDatabase = database;
    const key = randomUUID();
    const [first, second] = eventsFor(key, 2);
    // An older event of the key, unpublished (another relay's, or one that failed).
    await database.db.transaction((tx) => writeOutbox(tx, [first!]));
    const writer = new OutboxWriter({ database, owner: 'relay-x' });
    const w = await database.db.transaction((tx) => writer.write(tx, [second!]));
    expect(w).toEqual({ born: [], waiting: 1 });
    const bus = new RecordingBus();
    await relay(bus, 30_000, 'relay-x').drain();
    expect(bus.published.map((e) => e.sequence)).toEqual([1, 2]);
  });

  describe('group commit', () => {
    const make = (i: number) => {
      const id = randomUUID();
      const task = newTask({ title: `t${i}` }, { id, now: new Date(), defaultTimezone: 'UTC' });
      return { task, event: eventsFor(id, 1)[0]! };
    };
    const row = (task: ReturnType<typeof make>['task']) => ({
      table: tasks,
      values: task as unknown as Record<string, unknown>,
    });
    async function setUp() {
      database = await testDatabase(kind);
      const bus = new RecordingBus();
      const r = relay(bus, 30_000, 'relay-gc');
      r.start();
      const statements: number[] = [];
      const counting: Database = {
        ...database,
        query: (text, params) => {
          statements.push(params.length);
          return database.query(text, params);
        },
      };
      const writer = new OutboxWriter({
        database: counting,
        owner: 'relay-gc',
        onCommitted: (w) => r.handoff(w),
      });
      return { bus, r, writer, statements };
    }

    it('concurrent inserts share statements, each committed with its event', async () => {
      const { bus, r, writer, statements } = await setUp();
      const units = Array.from({ length: 40 }, (_, i) => make(i));
      await Promise.all(units.map(({ task, event }) => writer.insert([row(task)], [event])));
      expect(statements.length).toBeLessThanOrEqual(10);
      const [{ n }] = (await database.rows<{ n: number }>(sql`select count(*)::int as n from tasks`)) as [
        { n: number },
      ];
      expect(n).toBe(40);
      await r.drain();
      expect(new Set(bus.published.map((e) => e.id))).toEqual(new Set(units.map((u) => u.event.id)));
      expect(await pending(database)).toBe(0);
    });

    it('inserts started by separate callbacks of one event-loop turn share statements', async () => {
      // As requests do: each arrives in an I/O callback of its own, and PGlite (in this thread)
      // finishes a statement within the microtasks of the callback that started it.
      const { writer, statements } = await setUp();
      const units = Array.from({ length: 20 }, (_, i) => make(i));
      await Promise.all(
        units.map(
          ({ task, event }) =>
            new Promise<void>((resolve, reject) => {
              setImmediate(() => writer.insert([row(task)], [event]).then(resolve, reject));
            }),
        ),
      );
      expect(statements.length).toBeLessThanOrEqual(3);
      const [{ n }] = (await database.rows<{ n: number }>(sql`select count(*)::int as n from tasks`)) as [
        { n: number },
      ];
      expect(n).toBe(20);
    });

    it('a unit that fails (a duplicate key) fails alone; the others of its statement commit', async () => {
      const { writer } = await setUp();
      const units = Array.from({ length: 20 }, (_, i) => make(i));
      const results = await Promise.allSettled([
        ...units.map(({ task, event }) => writer.insert([row(task)], [event])),
        writer.insert([row(units[7]!.task)], []),
      ]);
      expect(results.map((x) => x.status)).toEqual([...units.map(() => 'fulfilled'), 'rejected']);
      const [{ n }] = (await database.rows<{ n: number }>(sql`select count(*)::int as n from tasks`)) as [
        { n: number },
      ];
      expect(n).toBe(20);
      expect(await pending(database)).toBeLessThanOrEqual(20);
    });
  });
});
