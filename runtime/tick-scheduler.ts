import { randomUUID } from 'node:crypto';
import { runWithContext } from '../core/observability/context';
import type { Deps } from '../functions/_runtime/deps';
import type { FunctionInstance } from '../functions/_runtime/instance';
import { invocationContext } from '../functions/_runtime/invoke';

/** Node's timers overflow past 2^31 − 1 ms (24.8 days): longer waits are re-armed in steps. */
export const MAX_TIMER_MS = 2_147_483_647;
/** Timers may fire a hair before the wall clock agrees; this margin avoids an empty run. */
const EARLY_MARGIN_MS = 2;

interface TickState {
  instance: FunctionInstance;
  timer?: NodeJS.Timeout;
  running?: Promise<unknown>;
  again: boolean;
  arming?: Promise<void>;
  rearm: boolean;
}

/**
 * The embedded runtime's cron: each tick function runs on a timer armed for its next due moment
 * (`tick.nextRun`, e.g. the earliest reminder) or its sweep interval, whichever comes first.
 * `wake(id)` re-asks after a change; runs of one function never overlap.
 */
export class TickScheduler {
  readonly #states = new Map<string, TickState>();
  #started = false;
  #stopping = new AbortController();

  constructor(
    instances: readonly FunctionInstance[],
    private readonly deps: Deps,
  ) {
    for (const instance of instances) {
      if (instance.fn.tick) this.#states.set(instance.fn.id, { instance, again: false, rearm: false });
    }
  }

  start(): void {
    this.#started = true;
    // One function at a time, each on its own turn of the event loop, the first on the next one
    // (after the server being started has bound its port): working out when each is next due takes
    // a query or two, and on PGlite a run of queries resolves in microtasks alone, holding every
    // socket (a restart's first requests and readiness probes) until all are done.
    const ids = [...this.#states.keys()];
    const next = () => {
      const id = ids.shift();
      if (id === undefined || !this.#started) return;
      void this.#arm(id).finally(() => setImmediate(next));
    };
    setImmediate(next);
  }

  stop(): void {
    this.#started = false;
    this.#stopping.abort();
    for (const s of this.#states.values()) clearTimeout(s.timer);
  }

  /** Stops timers, tells running ticks to wrap up (ctx.signal) and waits for them. */
  async stopAndWait(): Promise<void> {
    this.stop();
    for (;;) {
      const running = [...this.#states.values()].map((s) => s.running).filter(Boolean);
      if (running.length === 0) return;
      await Promise.allSettled(running);
    }
  }

  /** Re-computes when `id` is next due (after a change that may have moved it earlier). */
  wake(id: string): void {
    if (this.#started && this.#states.has(id)) void this.#arm(id);
  }

  /** Runs a tick function now; a run already under way is followed by exactly one more. */
  run(id: string): Promise<unknown> {
    const state = this.#states.get(id);
    if (!state?.instance.fn.tick) return Promise.reject(new Error(`no tick function ${id}`));
    if (state.running) {
      state.again = true;
      return state.running;
    }
    const { instance } = state;
    const tick = instance.fn.tick!;
    const signal = this.#stopping.signal;
    state.running = runWithContext({ correlationId: randomUUID() }, () =>
      tick.run({ ...invocationContext(instance), local: instance.local, now: this.deps.clock.now(), signal }),
    ).finally(() => {
      state.running = undefined;
      if (state.again && !signal.aborted) {
        state.again = false;
        void this.run(id).catch(() => {});
      }
    });
    return state.running;
  }

  async #arm(id: string): Promise<void> {
    const state = this.#states.get(id)!;
    if (state.arming) {
      state.rearm = true;
      return state.arming;
    }
    state.arming = (async () => {
      do {
        state.rearm = false;
        const tick = state.instance.fn.tick!;
        const every = typeof tick.everyMs === 'function' ? tick.everyMs(this.deps) : tick.everyMs;
        let at = Date.now() + every;
        if (tick.nextRun) {
          try {
            const next = await tick.nextRun(this.deps);
            if (next && next.getTime() < at) at = next.getTime();
          } catch (err) {
            this.deps.log.warn({ err, fn: id }, 'could not compute the next run; using the sweep interval');
          }
        }
        if (!this.#started) return;
        clearTimeout(state.timer);
        const delay = Math.min(Math.max(0, at - Date.now() + EARLY_MARGIN_MS), MAX_TIMER_MS);
        state.timer = setTimeout(() => void this.#fire(id, at), delay);
        state.timer.unref();
      } while (state.rearm);
    })().finally(() => {
      state.arming = undefined;
    });
    return state.arming;
  }

  async #fire(id: string, at: number): Promise<void> {
    if (!this.#started) return;
    // A wait longer than Node's timer limit arrives early: just arm the next step.
    if (Date.now() + EARLY_MARGIN_MS < at) return this.#arm(id);
    try {
      await this.run(id);
    } catch (err) {
      this.deps.log.error({ err, fn: id }, 'tick failed');
    }
    await this.#arm(id);
  }
}
