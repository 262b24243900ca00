import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskCompleted, TaskCreated, TaskDeleted, TaskUpdated } from '../../events/catalog';
import type { TaskwireEvent } from '../../events/define-event';
import type {
  DeadLetter,
  DeadLetterSink,
  Deliver,
  DeliveryResult,
  DeliverySpec,
  EventBus,
  Subscription,
} from '../../ports/bus';

/** What an adapter promises beyond the shared contract; only declared capabilities are tested. */
export interface BusCapabilities {
  /**
   * Acknowledged events stay acknowledged across bus instances: a new instance with the same consumer
   * groups resumes after them, gets what was published while none ran, and gets again what an
   * instance abandoned mid-delivery.
   */
  durable: boolean;
  /** Instances sharing a consumer group split the events; broadcast subscriptions reach every instance. */
  distributed: boolean;
  /**
   * Events queued for a batching subscriber reach it together through `deliverBatch`. Without it
   * (a Knative Trigger delivers one event per request) such a subscriber gets each event alone.
   */
  batching: boolean;
  /**
   * The status a subscriber that throws is dead-lettered with: null where the bus calls it in
   * process; 500 where the call crosses HTTP (a function's receiver answers a throw with a 500).
   */
  thrownStatus?: number | null;
}

export interface BusFactoryArgs {
  /** Unique per test; bus instances made with the same namespace share topics and consumer groups. */
  namespace: string;
  deadLetters: DeadLetterSink;
}

export type BusFactory = (args: BusFactoryArgs) => EventBus | Promise<EventBus>;

export interface BusContractOptions {
  capabilities: BusCapabilities;
  /** How long to wait for a delivery before failing. Default 20 s. */
  waitMs?: number;
  /** Per-test timeout. Default 60 s. */
  timeoutMs?: number;
}

const TYPES = {
  created: TaskCreated.type,
  updated: TaskUpdated.type,
  completed: TaskCompleted.type,
  deleted: TaskDeleted.type,
} as const;

let counter = 0;

/** A well-formed event of a catalog type; the bus never looks into `data`. */
export function contractEvent(
  type: string,
  key: string,
  sequence: number,
  data: unknown = {},
): TaskwireEvent {
  counter++;
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: '/contract-test',
    type,
    subject: key,
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, counter % 1000)).toISOString(),
    datacontenttype: 'application/json',
    dataschema: `urn:taskwire:schema:${type}`,
    correlationid: `corr-${counter}`,
    sequence,
    partitionkey: key,
    schemaversion: 1,
    data,
  };
}

function recordingSink(): DeadLetterSink & { entries: DeadLetter[] } {
  const entries: DeadLetter[] = [];
  return {
    entries,
    async record(entry) {
      entries.push(entry);
    },
  };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A subscriber that records every attempt and answers with `respond` (200 by default). */
function recorder(
  respond: (event: TaskwireEvent, attempt: number) => DeliveryResult | Promise<DeliveryResult> = () => ({
    status: 200,
  }),
) {
  const attempts: TaskwireEvent[] = [];
  const acked: TaskwireEvent[] = [];
  const tries = new Map<string, number>();
  const deliver: Deliver = async (event) => {
    attempts.push(event);
    const n = (tries.get(event.id) ?? 0) + 1;
    tries.set(event.id, n);
    const result = await respond(event, n);
    if (result.status >= 200 && result.status < 300) acked.push(event);
    return result;
  };
  return { deliver, attempts, acked, tries: (id: string) => tries.get(id) ?? 0 };
}

type TestSubscription = Omit<Subscription, 'delivery'> & { delivery?: DeliverySpec };

const FAST: DeliverySpec = { retry: 3, backoffPolicy: 'linear', backoffDelayMs: 10 };

/**
 * The event bus contract every adapter passes (memory, kafka, ...): Knative's delivery semantics,
 * type filters, per-key order, dead letters, and, where declared, durability across instances.
 */
export function runBusContract(name: string, makeBus: BusFactory, options: BusContractOptions): void {
  const waitMs = options.waitMs ?? 20_000;
  const { durable, distributed, batching } = options.capabilities;

  describe(`EventBus contract: ${name}`, { timeout: options.timeoutMs ?? 60_000 }, () => {
    const running: EventBus[] = [];
    afterEach(async () => {
      await Promise.all(running.splice(0).map((b) => b.stop().catch(() => {})));
    });

    /** Makes, subscribes and starts a bus; stopped after the test. */
    async function startBus(
      namespace: string,
      subs: TestSubscription[],
      deadLetters: DeadLetterSink = recordingSink(),
    ): Promise<EventBus> {
      const bus = await makeBus({ namespace, deadLetters });
      for (const s of subs) {
        bus.subscribe({ ...s, delivery: s.delivery ?? FAST });
      }
      running.push(bus);
      await bus.start();
      return bus;
    }

    const ns = () => `c${randomUUID().replace(/-/g, '').slice(0, 12)}`;

    it('delivers an event to every subscriber whose types match, and to no other', async () => {
      const a = recorder();
      const b = recorder();
      const c = recorder();
      const bus = await startBus(ns(), [
        { consumer: 'a', types: [TYPES.created, TYPES.updated], deliver: a.deliver },
        { consumer: 'b', types: [TYPES.updated], deliver: b.deliver },
        { consumer: 'c', types: [TYPES.completed], deliver: c.deliver },
      ]);
      const created = contractEvent(TYPES.created, 'k1', 1);
      const updated = contractEvent(TYPES.updated, 'k1', 2);
      const deleted = contractEvent(TYPES.deleted, 'k1', 3);
      const completed = contractEvent(TYPES.completed, 'k1', 4);
      await bus.publish([created, updated, deleted]);
      await bus.publish([completed]);
      await waitFor('a: created+updated', () => a.acked.length >= 2, waitMs);
      await waitFor('b: updated', () => b.acked.length >= 1, waitMs);
      await waitFor('c: completed', () => c.acked.length >= 1, waitMs);
      await pause(300);
      expect(a.attempts.map((e) => e.id)).toEqual([created.id, updated.id]);
      expect(b.attempts.map((e) => e.id)).toEqual([updated.id]);
      expect(c.attempts.map((e) => e.id)).toEqual([completed.id]);
    });

    it('hands the event over intact: every attribute, extension and the data', async () => {
      const a = recorder();
      const bus = await startBus(ns(), [{ consumer: 'a', types: [TYPES.updated], deliver: a.deliver }]);
      const event: TaskwireEvent = {
        ...contractEvent(TYPES.updated, 'task-42', 42, {
          task: { id: 'task-42', title: 'Call mom ☎ "Sunday"', tags: ['family', 'phone'], due: null },
          changes: { title: { from: 'x', to: 'y' } },
          nested: { n: 1.5, ok: true, list: [1, 'two', { three: 3 }] },
        }),
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        tracestate: 'taskwire=1',
      };
      await bus.publish([event]);
      await waitFor('delivery', () => a.acked.length === 1, waitMs);
      expect(a.acked[0]).toEqual(event);
      expect(typeof a.acked[0]!.sequence).toBe('number');
      expect(typeof a.acked[0]!.schemaversion).toBe('number');
    });

    it('keeps each partition key in order under load, also when deliveries are retried', async () => {
      const keys = Array.from({ length: 10 }, (_, i) => `key-${i}`);
      const perKey = 20;
      // Every 7th event fails its first attempt with 503: a retry must hold back the rest of its key.
      const sub = recorder((event, attempt) =>
        event.sequence % 7 === 0 && attempt === 1 ? { status: 503 } : { status: 200 },
      );
      const dead = recordingSink();
      const bus = await startBus(
        ns(),
        [
          {
            consumer: 'ordered',
            types: [TYPES.updated],
            deliver: sub.deliver,
            delivery: { ...FAST, retry: 5 },
          },
        ],
        dead,
      );
      const events: TaskwireEvent[] = [];
      for (let seq = 1; seq <= perKey; seq++) {
        for (const key of keys) events.push(contractEvent(TYPES.updated, key, seq));
      }
      // Many publishes, as outbox relay rounds make them: one after another for a key, concurrently for
      // disjoint sets of keys (concurrent publishes sharing a key have no order to keep).
      const lanes = [keys.slice(0, 5), keys.slice(5)].map((laneKeys) =>
        events.filter((e) => laneKeys.includes(e.partitionkey)),
      );
      await Promise.all(
        lanes.map(async (lane) => {
          for (let i = 0; i < lane.length; i += 15) await bus.publish(lane.slice(i, i + 15));
        }),
      );
      await waitFor('200 acknowledgements', () => sub.acked.length >= events.length, waitMs * 2);
      await pause(200);
      expect(sub.acked).toHaveLength(events.length);
      expect(dead.entries).toEqual([]);
      for (const key of keys) {
        const acked = sub.acked.filter((e) => e.partitionkey === key).map((e) => e.sequence);
        expect(acked, `acknowledged order of ${key}`).toEqual(
          Array.from({ length: perKey }, (_, i) => i + 1),
        );
        const tried = sub.attempts.filter((e) => e.partitionkey === key).map((e) => e.sequence);
        expect(tried, `attempt order of ${key}`).toEqual([...tried].sort((x, y) => x - y));
      }
    });

    it('a 2xx acknowledges: the event is delivered once', async () => {
      const a = recorder(() => ({ status: 202 }));
      const bus = await startBus(ns(), [
        { consumer: 'a', types: [TYPES.created, TYPES.completed], deliver: a.deliver },
      ]);
      const event = contractEvent(TYPES.created, 'k', 1);
      const sentinel = contractEvent(TYPES.completed, 'k', 2);
      await bus.publish([event]);
      await bus.publish([sentinel]);
      await waitFor('sentinel', () => a.acked.some((e) => e.id === sentinel.id), waitMs);
      await pause(500);
      expect(a.attempts.map((e) => e.id)).toEqual([event.id, sentinel.id]);
    });

    it('retries retryable failures (5xx, 404, 408, 409, 429) until the subscriber succeeds', async () => {
      const failures = [500, 503, 404, 408, 409, 429];
      const a = recorder((event, attempt) => (attempt === 1 ? { status: event.sequence } : { status: 200 }));
      const dead = recordingSink();
      const bus = await startBus(ns(), [{ consumer: 'a', types: [TYPES.updated], deliver: a.deliver }], dead);
      const events = failures.map((status, i) => contractEvent(TYPES.updated, `k${i}`, status));
      await bus.publish(events);
      await waitFor('all acknowledged', () => a.acked.length >= events.length, waitMs);
      for (const e of events) expect(a.tries(e.id), `attempts after ${e.sequence}`).toBe(2);
      expect(dead.entries).toEqual([]);
    });

    it('a failure that keeps failing is retried in order: 503, 429, 500, then success', async () => {
      const statuses = [503, 429, 500, 200];
      const a = recorder((_e, attempt) => ({ status: statuses[attempt - 1] ?? 200 }));
      const dead = recordingSink();
      const bus = await startBus(ns(), [{ consumer: 'a', types: [TYPES.updated], deliver: a.deliver }], dead);
      const event = contractEvent(TYPES.updated, 'k', 1);
      await bus.publish([event]);
      await waitFor('acknowledged', () => a.acked.length === 1, waitMs);
      expect(a.tries(event.id)).toBe(4);
      expect(dead.entries).toEqual([]);
    });

    it('a non-retryable 4xx goes to the dead-letter sink at once, and the key moves on', async () => {
      const a = recorder((event) =>
        event.sequence === 1
          ? { status: 400, detail: 'title: required' }
          : event.sequence === 2
            ? { status: 422 }
            : { status: 200 },
      );
      const dead = recordingSink();
      const bus = await startBus(
        ns(),
        [{ consumer: 'strict', types: [TYPES.created, TYPES.updated], deliver: a.deliver }],
        dead,
      );
      const bad = contractEvent(TYPES.created, 'k', 1);
      const unprocessable = contractEvent(TYPES.updated, 'k', 2);
      const good = contractEvent(TYPES.updated, 'k', 3);
      await bus.publish([bad, unprocessable, good]);
      await waitFor('the good event', () => a.acked.length === 1, waitMs);
      await waitFor('two dead letters', () => dead.entries.length >= 2, waitMs);
      expect(a.tries(bad.id)).toBe(1);
      expect(a.tries(unprocessable.id)).toBe(1);
      expect(a.acked[0]!.id).toBe(good.id);
      expect(
        dead.entries.map((d) => ({
          id: d.event.id,
          status: d.status,
          attempts: d.attempts,
          consumer: d.consumer,
        })),
      ).toEqual([
        { id: bad.id, status: 400, attempts: 1, consumer: 'strict' },
        { id: unprocessable.id, status: 422, attempts: 1, consumer: 'strict' },
      ]);
      expect(dead.entries[0]!.reason).toContain('title: required');
      expect(dead.entries[0]!.event).toEqual(bad);
    });

    it('exhausting the retries dead-letters the event with the number of attempts', async () => {
      const a = recorder(() => ({ status: 503, detail: 'database unavailable' }));
      const dead = recordingSink();
      const bus = await startBus(
        ns(),
        [
          {
            consumer: 'flaky',
            types: [TYPES.updated],
            deliver: a.deliver,
            delivery: { retry: 3, backoffPolicy: 'exponential', backoffDelayMs: 10 },
          },
        ],
        dead,
      );
      const event = contractEvent(TYPES.updated, 'k', 1);
      await bus.publish([event]);
      await waitFor('a dead letter', () => dead.entries.length === 1, waitMs);
      expect(a.tries(event.id)).toBe(4);
      expect(dead.entries[0]).toMatchObject({ consumer: 'flaky', status: 503, attempts: 4 });
      expect(dead.entries[0]!.reason).toContain('database unavailable');
      expect(dead.entries[0]!.event.id).toBe(event.id);
      await pause(300);
      expect(a.tries(event.id)).toBe(4);
    });

    it('a subscriber that throws is retried, and dead-lettered when it never stops throwing', async () => {
      const a = recorder((event, attempt) => {
        if (event.sequence === 1 && attempt <= 2) throw new Error('connection reset');
        if (event.sequence === 2) throw new Error('always broken');
        return { status: 200 };
      });
      const dead = recordingSink();
      const bus = await startBus(
        ns(),
        [{ consumer: 'thrower', types: [TYPES.updated], deliver: a.deliver }],
        dead,
      );
      const recovers = contractEvent(TYPES.updated, 'k1', 1);
      const broken = contractEvent(TYPES.updated, 'k2', 2);
      await bus.publish([recovers, broken]);
      await waitFor('recovery', () => a.acked.length === 1, waitMs);
      await waitFor('a dead letter', () => dead.entries.length === 1, waitMs);
      expect(a.tries(recovers.id)).toBe(3);
      expect(a.tries(broken.id)).toBe(FAST.retry + 1);
      expect(dead.entries[0]).toMatchObject({
        status: options.capabilities.thrownStatus ?? null,
        attempts: FAST.retry + 1,
      });
      expect(dead.entries[0]!.reason).toContain('always broken');
    });

    it('a batching subscriber gets queued events together, each acknowledged once, in order per key', async () => {
      const batches: number[] = [];
      const acked: TaskwireEvent[] = [];
      const singles: TaskwireEvent[] = [];
      const bus = await startBus(ns(), [
        {
          consumer: 'batcher',
          types: [TYPES.updated],
          maxBatch: 7,
          deliverBatch: async (events) => {
            batches.push(events.length);
            acked.push(...events);
            return events.map(() => ({ status: 200 }));
          },
          deliver: async (event) => {
            singles.push(event);
            acked.push(event);
            return { status: 200 };
          },
        },
      ]);
      const events = Array.from({ length: 60 }, (_, i) =>
        contractEvent(TYPES.updated, `key-${i % 3}`, Math.floor(i / 3) + 1),
      );
      await bus.publish(events);
      await waitFor('60 acknowledgements', () => acked.length >= 60, waitMs);
      await pause(300);
      expect(acked.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
      if (batching) {
        expect(Math.max(...batches), 'some events came together').toBeGreaterThan(1);
        expect(Math.max(...batches), 'maxBatch holds').toBeLessThanOrEqual(7);
      } else {
        expect(batches, 'no batches without batching').toEqual([]);
      }
      for (let k = 0; k < 3; k++) {
        const seqs = acked.filter((e) => e.partitionkey === `key-${k}`).map((e) => e.sequence);
        expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      }
    });

    it('a failed event of a batch is retried alone; a rejected one is dead-lettered at once', async () => {
      // The same verdict whichever way an event arrives: seq 3 fails once (503), seq 5 is rejected (400).
      const attempts = new Map<number, string[]>();
      const verdict = (e: TaskwireEvent, via: string): DeliveryResult => {
        const list = attempts.get(e.sequence) ?? [];
        list.push(via);
        attempts.set(e.sequence, list);
        if (e.sequence === 5) return { status: 400, detail: 'invalid' };
        if (e.sequence === 3 && list.length === 1) return { status: 503 };
        return { status: 200 };
      };
      const batches: number[] = [];
      const dead = recordingSink();
      const bus = await startBus(
        ns(),
        [
          {
            consumer: 'batch-fail',
            types: [TYPES.updated],
            deliverBatch: async (events) => {
              batches.push(events.length);
              return events.map((e) => verdict(e, 'batch'));
            },
            deliver: async (e) => verdict(e, 'alone'),
          },
        ],
        dead,
      );
      // Six keys in one publish: they queue up together (on Kafka, per partition).
      const events = Array.from({ length: 6 }, (_, i) => contractEvent(TYPES.updated, `k${i}`, i + 1));
      await bus.publish(events);
      await waitFor(
        'a dead letter and five successes',
        () => dead.entries.length === 1 && attempts.size === 6 && (attempts.get(3)?.length ?? 0) >= 2,
        waitMs,
      );
      await pause(300);
      expect(
        dead.entries.map((d) => ({ seq: d.event.sequence, status: d.status, attempts: d.attempts })),
      ).toEqual([{ seq: 5, status: 400, attempts: 1 }]);
      expect(attempts.get(5), 'a rejected event is not retried').toHaveLength(1);
      expect(attempts.get(3), 'one failure, then one retry on its own').toHaveLength(2);
      expect(attempts.get(3)!.at(-1)).toBe('alone');
      if (batching) expect(Math.max(...batches), 'some events came in one batch').toBeGreaterThan(1);
      for (const seq of [1, 2, 4, 6]) expect(attempts.get(seq), `event ${seq}`).toHaveLength(1);
    });

    it('when a whole batch fails (throws), each of its events is retried alone', async () => {
      const single = recorder();
      const batches: number[] = [];
      const dead = recordingSink();
      const bus = await startBus(
        ns(),
        [
          {
            consumer: 'batch-throws',
            types: [TYPES.updated],
            deliverBatch: async (events) => {
              batches.push(events.length);
              // A slow first batch lets the rest queue up behind it, so later ones are real batches.
              if (batches.length === 1) await pause(200);
              throw new Error('batch insert failed');
            },

            deliver: single.deliver,
          },
        ],
        dead,
      );
      const events = Array.from({ length: 12 }, (_, i) => contractEvent(TYPES.updated, `k${i % 4}`, i + 1));
      await bus.publish(events);
      await waitFor('12 acknowledgements', () => single.acked.length >= 12, waitMs);
      await pause(300);
      expect(single.acked.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
      for (const e of events) expect(single.tries(e.id)).toBe(1);
      if (batching) expect(Math.max(...batches), 'some events came in one batch').toBeGreaterThan(1);
      expect(dead.entries).toEqual([]);
    });

    it('is healthy while running and not after stop()', async () => {
      const bus = await startBus(ns(), [
        { consumer: 'a', types: [TYPES.created], deliver: recorder().deliver },
      ]);
      expect(await bus.healthy()).toBe(true);
      await bus.stop();
      expect(await bus.healthy()).toBe(false);
      await expect(bus.publish([contractEvent(TYPES.created, 'k', 1)])).rejects.toThrow();
    });

    if (durable) {
      it('a new instance with the same consumer group skips acknowledged events and gets the ones published meanwhile', async () => {
        const namespace = ns();
        const first = recorder();
        const bus1 = await startBus(namespace, [
          { consumer: 'durable', types: [TYPES.updated], deliver: first.deliver },
        ]);
        const early = [1, 2, 3].map((s) => contractEvent(TYPES.updated, `k${s}`, s));
        await bus1.publish(early);
        await waitFor('first instance acks', () => first.acked.length === 3, waitMs);
        await bus1.stop();

        // Published while no instance of the consumer runs.
        const publisher = await startBus(namespace, []);
        const meanwhile = contractEvent(TYPES.updated, 'k1', 4);
        await publisher.publish([meanwhile]);
        await publisher.stop();

        const second = recorder();
        const bus2 = await startBus(namespace, [
          { consumer: 'durable', types: [TYPES.updated], deliver: second.deliver },
        ]);
        await waitFor('the event published meanwhile', () => second.acked.length >= 1, waitMs);
        const sentinel = contractEvent(TYPES.updated, 'k2', 5);
        await bus2.publish([sentinel]);
        await waitFor('sentinel', () => second.acked.some((e) => e.id === sentinel.id), waitMs);
        await pause(300);
        expect(second.attempts.map((e) => e.id)).toEqual([meanwhile.id, sentinel.id]);
      });

      it('an event whose delivery stop() abandoned is delivered again by the next instance', async () => {
        const namespace = ns();
        // The first instance fails once and is stopped during the (long) backoff.
        const first = recorder(() => ({ status: 503 }));
        const bus1 = await startBus(namespace, [
          {
            consumer: 'abandon',
            types: [TYPES.updated],
            deliver: first.deliver,
            delivery: { retry: 3, backoffPolicy: 'linear', backoffDelayMs: 60_000 },
          },
        ]);
        const event = contractEvent(TYPES.updated, 'k', 1);
        await bus1.publish([event]);
        await waitFor('first attempt', () => first.attempts.length === 1, waitMs);
        const t0 = Date.now();
        await bus1.stop();
        expect(Date.now() - t0, 'stop() does not wait out the backoff').toBeLessThan(20_000);

        const second = recorder();
        await startBus(namespace, [{ consumer: 'abandon', types: [TYPES.updated], deliver: second.deliver }]);
        await waitFor('redelivery', () => second.acked.length === 1, waitMs);
        expect(second.acked[0]!.id).toBe(event.id);
      });
    }

    if (distributed) {
      it('instances sharing a consumer group split the events: each is handled once', async () => {
        const namespace = ns();
        const one = recorder();
        const two = recorder();
        await startBus(namespace, [{ consumer: 'shared', types: [TYPES.updated], deliver: one.deliver }]);
        const bus2 = await startBus(namespace, [
          { consumer: 'shared', types: [TYPES.updated], deliver: two.deliver },
        ]);
        const events = Array.from({ length: 60 }, (_, i) =>
          contractEvent(TYPES.updated, `key-${i % 12}`, i + 1),
        );
        await bus2.publish(events);
        await waitFor('all events', () => one.acked.length + two.acked.length >= events.length, waitMs);
        await pause(500);
        const ids = [...one.acked, ...two.acked].map((e) => e.id).sort();
        expect(ids).toEqual(events.map((e) => e.id).sort());
      });

      it('a broadcast subscription reaches every instance', async () => {
        const namespace = ns();
        const one = recorder();
        const two = recorder();
        const sub = { consumer: 'gateway', types: [TYPES.updated], broadcast: true };
        await startBus(namespace, [{ ...sub, deliver: one.deliver }]);
        const bus2 = await startBus(namespace, [{ ...sub, deliver: two.deliver }]);
        const events = Array.from({ length: 20 }, (_, i) =>
          contractEvent(TYPES.updated, `key-${i % 5}`, i + 1),
        );
        await bus2.publish(events);
        await waitFor('both instances', () => one.acked.length >= 20 && two.acked.length >= 20, waitMs);
        await pause(300);
        expect(one.acked.map((e) => e.id)).toHaveLength(20);
        expect(new Set(one.acked.map((e) => e.id))).toEqual(new Set(events.map((e) => e.id)));
        expect(new Set(two.acked.map((e) => e.id))).toEqual(new Set(events.map((e) => e.id)));
      });
    }
  });
}
