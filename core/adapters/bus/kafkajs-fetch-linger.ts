/**
 * Lingering fetches for kafkajs consumers. kafkajs asks the broker with one fixed `minBytes` and
 * `maxWaitTimeInMs`: long polling (one byte, seconds) costs nothing while idle, but under load each
 * fetch comes back with the few records that arrived since the one before, and every fetch costs the
 * consumer a request, a response to decode, a batch per partition and its bookkeeping, and the
 * broker a request to serve. Here a consumer whose last fetch brought records asks the next time for
 * `bytes` or whatever came within `ms`, whichever is first (the broker gathers records meanwhile);
 * one whose last fetch came back empty long-polls again. So a quiet topic's first event still
 * arrives at once, and a busy one's come in fuller, fewer fetches, at most `ms` later.
 *
 * kafkajs has no option for it: its ConsumerGroup's `fetch` is wrapped once, on load, and reads the
 * linger of its consumer group, which the bus registers (`lingerFetches`). A group without one
 * fetches as kafkajs does.
 */
// @ts-expect-error kafkajs ships no types for its internals
import ConsumerGroup from 'kafkajs/src/consumer/consumerGroup.js';

export interface Linger {
  /** How long the broker may hold a fetch that follows one with records. */
  ms: number;
  /** How many bytes answer such a fetch before `ms` has passed. */
  bytes: number;
}

interface FetchingGroup {
  groupId: string;
  minBytes: number;
  maxWaitTime: number;
  [IDLE]?: { minBytes: number; maxWaitTime: number };
}

interface FetchedBatch {
  isEmpty(): boolean;
}

const IDLE = Symbol.for('taskwire.kafkajs.fetch-linger.idle');
const PATCHED = Symbol.for('taskwire.kafkajs.fetch-linger');
const lingers = new Map<string, Linger>();

/**
 * What the next fetch asks for: after one with records, the linger's bytes and wait (never less
 * than the consumer's own minimum, never longer than its own wait); otherwise the consumer's own.
 */
export function nextFetch(
  idle: { minBytes: number; maxWaitTime: number },
  linger: Linger | undefined,
  gotRecords: boolean,
): { minBytes: number; maxWaitTime: number } {
  if (!linger || linger.ms <= 0 || !gotRecords) return idle;
  return {
    minBytes: Math.max(idle.minBytes, linger.bytes),
    maxWaitTime: Math.min(idle.maxWaitTime, linger.ms),
  };
}

/** Lingers the fetches of consumer group `groupId` (of this process); the result undoes it. */
export function lingerFetches(groupId: string, linger: Linger): () => void {
  lingers.set(groupId, linger);
  return () => {
    if (lingers.get(groupId) === linger) lingers.delete(groupId);
  };
}

const proto = (ConsumerGroup as { prototype: Record<string | symbol, unknown> }).prototype;
const original = proto.fetch as
  | ((this: FetchingGroup, nodeId: number) => Promise<FetchedBatch[]>)
  | undefined;

if (typeof original === 'function' && !proto[PATCHED]) {
  proto.fetch = async function (this: FetchingGroup, nodeId: number): Promise<FetchedBatch[]> {
    this[IDLE] ??= { minBytes: this.minBytes, maxWaitTime: this.maxWaitTime };
    const batches = await original.call(this, nodeId);
    const next = nextFetch(
      this[IDLE],
      lingers.get(this.groupId),
      batches.some((b) => !b.isEmpty()),
    );
    this.minBytes = next.minBytes;
    this.maxWaitTime = next.maxWaitTime;
    return batches;
  };
  proto[PATCHED] = true;
}

/** Whether this process runs kafkajs with the patch applied. */
export function fetchLingerApplied(): boolean {
  return Boolean(proto[PATCHED]);
}
