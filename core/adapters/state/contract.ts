import { afterEach, describe, expect, it } from 'vitest';
import { StateConflictError, type StateStore } from '../../ports/state';

export interface StateFixture {
  store: StateStore;
  /** Moves the store's notion of time forward (TTL tests); a store on real time waits instead. */
  advance(ms: number): void | Promise<void>;
  /** Scales the TTL test's TTL and waits, so that a store on real time passes it in seconds. Default 1. */
  timeScale?: number;
  close?(): Promise<void>;
}

export type StateFactory = () => Promise<StateFixture>;

let counter = 0;
const key = (what: string) => `contract:${what}:${Date.now().toString(36)}-${++counter}`;

/**
 * The state-store contract every adapter passes (database on PGlite and PostgreSQL, Dapr): values
 * round-trip, etags guard writes and deletes (first write wins), TTLs expire.
 */
export function runStateContract(name: string, make: StateFactory): void {
  describe(`StateStore contract: ${name}`, () => {
    const open: StateFixture[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((f) => f.close?.()));
    });
    async function fixture(): Promise<StateFixture> {
      const f = await make();
      open.push(f);
      return f;
    }

    it('answers nothing for a key never written', async () => {
      const { store } = await fixture();
      expect(await store.get(key('missing'))).toBeUndefined();
    });

    it('round-trips values of every JSON shape, with the etag set returned', async () => {
      const { store } = await fixture();
      const values: unknown[] = [
        {
          conversation: [{ role: 'user', text: 'Call mom Sunday ☎ "3pm"' }],
          turn: 3,
          done: false,
          none: null,
        },
        ['a', 1, { b: [true] }],
        'plain string',
        42.5,
        true,
      ];
      for (const value of values) {
        const k = key('shape');
        const etag = await store.set(k, value);
        expect(typeof etag).toBe('string');
        const got = await store.get(k);
        expect(got).toEqual({ value, etag });
      }
    });

    it('a write without an etag overwrites (last write wins) and changes the etag', async () => {
      const { store } = await fixture();
      const k = key('lww');
      const first = await store.set(k, { v: 1 });
      const second = await store.set(k, { v: 2 });
      expect(second).not.toBe(first);
      expect(await store.get(k)).toEqual({ value: { v: 2 }, etag: second });
    });

    it('a write with the current etag succeeds; one with a stale etag conflicts and changes nothing', async () => {
      const { store } = await fixture();
      const k = key('etag');
      const e1 = await store.set(k, { n: 1 });
      const e2 = await store.set(k, { n: 2 }, { etag: e1 });
      expect(e2).not.toBe(e1);
      await expect(store.set(k, { n: 3 }, { etag: e1 })).rejects.toBeInstanceOf(StateConflictError);
      expect(await store.get(k)).toEqual({ value: { n: 2 }, etag: e2 });
    });

    it('of two writers holding the same etag, exactly one wins', async () => {
      const { store } = await fixture();
      const k = key('race');
      const etag = await store.set(k, { owner: 'nobody' });
      const results = await Promise.allSettled([
        store.set(k, { owner: 'a' }, { etag }),
        store.set(k, { owner: 'b' }, { etag }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(StateConflictError);
      const winner = results[0]!.status === 'fulfilled' ? 'a' : 'b';
      expect((await store.get<{ owner: string }>(k))?.value.owner).toBe(winner);
    });

    it('a write with an etag for a key that is gone conflicts', async () => {
      const { store } = await fixture();
      const k = key('gone');
      const etag = await store.set(k, 1);
      await store.delete(k);
      await expect(store.set(k, 2, { etag })).rejects.toBeInstanceOf(StateConflictError);
      expect(await store.get(k)).toBeUndefined();
    });

    it('deletes: without an etag always, with one only while it is current', async () => {
      const { store } = await fixture();
      const k = key('delete');
      const e1 = await store.set(k, 'x');
      const e2 = await store.set(k, 'y');
      await expect(store.delete(k, { etag: e1 })).rejects.toBeInstanceOf(StateConflictError);
      expect((await store.get(k))?.value).toBe('y');
      await store.delete(k, { etag: e2 });
      expect(await store.get(k)).toBeUndefined();
      await store.delete(k);
      await store.delete(key('never-written'));
      await expect(store.delete(k, { etag: e2 })).rejects.toBeInstanceOf(StateConflictError);
    });

    it('keys are independent, whatever their characters', async () => {
      const { store } = await fixture();
      const a = `${key('conv')}:user-1:Zoë`;
      const b = `${key('conv')}:user-2:Zoë`;
      await store.set(a, 'A');
      await store.set(b, 'B');
      expect((await store.get(a))?.value).toBe('A');
      expect((await store.get(b))?.value).toBe('B');
    });

    it('forgets a key after its TTL, and a later write without TTL keeps it', async () => {
      const f = await fixture();
      const scale = f.timeScale ?? 1;
      const k = key('ttl');
      await f.store.set(k, { draft: 'call mom' }, { ttlSeconds: 60 * scale });
      await f.advance(30_000 * scale);
      expect((await f.store.get(k))?.value).toEqual({ draft: 'call mom' });
      await f.advance(31_000 * scale);
      expect(await f.store.get(k)).toBeUndefined();
      await f.store.set(k, 'kept');
      await f.advance(120_000 * scale);
      expect((await f.store.get(k))?.value).toBe('kept');
    });
  });
}
