import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../core/observability/logger';
import { defineFunction } from '../functions/_runtime/define-function';
import type { Deps } from '../functions/_runtime/deps';
import { instantiate } from '../functions/_runtime/instance';
import { MAX_TIMER_MS, TickScheduler } from './tick-scheduler';

afterEach(() => {
  vi.useRealTimers();
});

function deps(): Deps {
  return {
    log: createLogger({ level: 'silent' }),
    clock: { now: () => new Date() },
    newId: () => crypto.randomUUID(),
  } as unknown as Deps;
}

describe('TickScheduler', () => {
  it('arms a timer for the next due moment, and never beyond Node timer limit', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-04T00:00:00Z') });
    const runs: number[] = [];
    let next: Date | null = new Date(Date.now() + 40 * 86_400_000); // 40 days: past the 24.8-day limit
    const fn = defineFunction({
      id: 'far-away',
      description: 'test',
      tick: {
        cron: '* * * * *',
        everyMs: 100 * 86_400_000,
        nextRun: async () => next,
        run: async () => {
          runs.push(Date.now());
          next = null;
        },
      },
    });
    const d = deps();
    const s = new TickScheduler([instantiate(fn, d)], d);
    s.start();
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS + 10);
    expect(runs).toHaveLength(0); // the first step only re-armed
    await vi.advanceTimersByTimeAsync(40 * 86_400_000 - MAX_TIMER_MS);
    expect(runs).toHaveLength(1);
    expect(runs[0]! - new Date('2026-03-04T00:00:00Z').getTime()).toBeGreaterThanOrEqual(40 * 86_400_000);
    s.stop();
  });

  it('wake() re-arms for an earlier moment; runs never overlap', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-04T00:00:00Z') });
    let next: Date | null = null;
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const fn = defineFunction({
      id: 'soon',
      description: 'test',
      tick: {
        cron: '* * * * *',
        everyMs: 60_000,
        nextRun: async () => next,
        run: async () => {
          running++;
          maxRunning = Math.max(maxRunning, running);
          await new Promise((r) => setTimeout(r, 50));
          running--;
          runs++;
          next = null;
        },
      },
    });
    const d = deps();
    const s = new TickScheduler([instantiate(fn, d)], d);
    s.start();
    await vi.advanceTimersByTimeAsync(10);
    next = new Date(Date.now() + 1_000);
    s.wake('soon');
    await vi.advanceTimersByTimeAsync(1_100);
    expect(runs).toBe(1);
    void s.run('soon');
    void s.run('soon');
    await vi.advanceTimersByTimeAsync(500);
    expect(maxRunning).toBe(1);
    expect(runs).toBe(3);
    s.stop();
  });
});
