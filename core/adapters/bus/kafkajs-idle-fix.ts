/**
 * Works around a kafkajs 2.2.4 bug (tulios/kafkajs#1556, #1604, #1704; fix proposed in #1667): with
 * nothing pending and no throttling, `RequestQueue.scheduleCheckPendingRequests` arms a timer with a
 * negative delay whose callback calls it again, so every broker connection spins a ~1 ms timer loop
 * forever. Measured here: 2–3 % of a core per idle process, half a core for the multi-process mode's
 * twenty processes. With this patch the queue is checked only when a request is pending or a
 * throttle ends, which is when the original code sends anything. Applied once, on load; a kafkajs
 * whose method no longer looks like the faulty one is left alone.
 */
// @ts-expect-error kafkajs ships no types for its internals
import RequestQueue from 'kafkajs/src/network/requestQueue/index.js';

interface Queue {
  pending: unknown[];
  throttledUntil: number;
}

const proto = (RequestQueue as { prototype: Record<string, unknown> }).prototype;
const original = proto.scheduleCheckPendingRequests as ((this: Queue) => void) | undefined;
const PATCHED = Symbol.for('taskwire.kafkajs.idle-fix');

/**
 * Whether a `scheduleCheckPendingRequests` is the faulty one: its source computes the delay from
 * `throttledUntil`, with or without spaces (a minified bundle has none, and then the patch must apply
 * too: the function bundles are what runs in production).
 */
export function isFaultyCheck(source: string): boolean {
  return /this\.throttledUntil\s*-\s*Date\.now\(\)/.test(source);
}

/** Whether this process runs kafkajs with the patch applied. */
export function idleFixApplied(): boolean {
  return Boolean(proto[PATCHED as unknown as string]);
}

if (
  typeof original === 'function' &&
  !proto[PATCHED as unknown as string] &&
  isFaultyCheck(String(original))
) {
  proto.scheduleCheckPendingRequests = function (this: Queue) {
    // Nothing waits and nothing is throttled: there is nothing to check until a request is queued.
    if (this.pending.length === 0 && !(this.throttledUntil > Date.now())) return;
    original.call(this);
  };
  proto[PATCHED as unknown as string] = true;
}
