import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, testDatabase } from '../../test/support/harness';
import type { Database } from '../db/client';
import { newTask, toView } from '../domain/task';
import { TaskCreated, TaskUpdated } from '../events/catalog';
import type { TaskwireEvent } from '../events/define-event';
import { createLogger } from '../observability/logger';
import type { EventBus, Subscription } from '../ports/bus';
import { OutboxRelay, writeOutbox } from './outbox';

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
  const relay = (bus: EventBus, leaseMs = 30_000) => {
    const r = new OutboxRelay({ database, bus, log, leaseMs, pollMs: 50 });
    relays.push(r);
    return r;
  };

  it('writes nothing when the transaction rolls back', async () => {
    database = await testDatabase(kind);
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

  it('several relays at once keep per-key order and publish each event once', async () => {
    database = await testDatabase(kind);
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
});
