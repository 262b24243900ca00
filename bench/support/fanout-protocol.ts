/**
 * What bench/sse-fanout.ts and its load-generator processes (sse-clients.ts) say to each other over
 * the IPC channel, and the clock both sides stamp times with.
 */

/**
 * Milliseconds on CLOCK_MONOTONIC (libuv's hrtime). That clock is system-wide on Linux, so a stamp
 * taken in one process compares directly with a stamp taken in another on the same machine: no
 * offset to estimate, and no wall-clock step (NTP) can land between a change and its receipt.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** The marker each change writes into the task's title; clients recognise a change by it. */
export const MARKER = 'fanout~';
export const markerTitle = (change: number) => `${MARKER}${change}~`;

export type ToClients =
  | { cmd: 'clock' }
  | { cmd: 'connect'; url: string; count: number; changes: number; concurrency: number }
  | { cmd: 'collect'; waitMs: number }
  | { cmd: 'exit' };

export type FromClients =
  | { type: 'clock'; now: number }
  | { type: 'connected'; open: number; failed: number; ms: number }
  | {
      type: 'collected';
      /** clients × changes receipt stamps (monotonicMs), NaN where a change never arrived. */
      received: Float64Array;
      clients: number;
      /** Streams that ended or failed after they had opened. */
      dropped: number;
    };
