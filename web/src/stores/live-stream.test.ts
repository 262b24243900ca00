import { createRoot } from 'solid-js';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Update } from '../api/types';
import { FakeEventSource, makeTask } from '../test-support/fixtures';
import { createLiveStream } from './live-stream';

function setup() {
  const timers: { fn: () => void; ms: number }[] = [];
  const onUpdates = vi.fn<(u: Update[]) => void>();
  const onResync = vi.fn();
  const stream = createRoot(() =>
    createLiveStream({
      url: () => '/api/stream',
      onUpdates,
      onResync,
      EventSource: FakeEventSource,
      setTimeout: (fn, ms) => timers.push({ fn, ms }),
      clearTimeout: () => undefined,
      random: () => 1,
      initialDelayMs: 1000,
      maxDelayMs: 8000,
    }),
  );
  return { stream, timers, onUpdates, onResync };
}

beforeEach(() => FakeEventSource.reset());

describe('live stream', () => {
  it('goes live on open and hands over the updates of each message', () => {
    const { stream, onUpdates, onResync } = setup();
    stream.start();
    expect(stream.state()).toBe('connecting');
    const es = FakeEventSource.latest();
    es.open();
    es.emit('hello', { serverTime: '2030-01-02T09:00:00Z' });
    expect(stream.state()).toBe('live');
    const task = makeTask();
    const updates: Update[] = [{ kind: 'task', type: 'created', taskId: task.id, sequence: 1, task }];
    es.emit('update', { updates }, 'cursor-1');
    expect(onUpdates).toHaveBeenCalledWith(updates);
    expect(onResync).not.toHaveBeenCalled();
  });

  it('shows reconnecting while the browser retries, and refetches once when back', () => {
    const { stream, onResync, timers } = setup();
    stream.start();
    const es = FakeEventSource.latest();
    es.open();
    es.drop();
    expect(stream.state()).toBe('reconnecting');
    expect(timers).toHaveLength(0);
    es.open();
    expect(stream.state()).toBe('live');
    expect(onResync).toHaveBeenCalledTimes(1);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('reopens with growing delays when the browser gives up', () => {
    const { stream, timers, onResync } = setup();
    stream.start();
    FakeEventSource.latest().open();
    for (let i = 0; i < 5; i++) {
      FakeEventSource.latest().fail();
      expect(stream.state()).toBe('reconnecting');
      timers.at(-1)!.fn();
    }
    expect(timers.map((t) => t.ms)).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(FakeEventSource.instances).toHaveLength(6);
    expect(FakeEventSource.instances.slice(0, 5).every((es) => es.closed)).toBe(true);
    FakeEventSource.latest().open();
    expect(onResync).toHaveBeenCalledTimes(1);
    FakeEventSource.latest().fail();
    expect(timers.at(-1)!.ms).toBe(1000);
  });

  it('pauses without reconnecting and catches up on resume', () => {
    const { stream, timers, onResync, onUpdates } = setup();
    stream.start();
    const first = FakeEventSource.latest();
    first.open();
    stream.pause();
    expect(stream.state()).toBe('paused');
    expect(first.closed).toBe(true);
    first.emit('update', { updates: [] });
    expect(onUpdates).not.toHaveBeenCalled();
    expect(timers).toHaveLength(0);
    stream.resume();
    expect(FakeEventSource.instances).toHaveLength(2);
    FakeEventSource.latest().open();
    expect(stream.state()).toBe('live');
    expect(onResync).toHaveBeenCalledTimes(1);
  });

  it('ignores a message that is not JSON', () => {
    const { stream, onUpdates } = setup();
    stream.start();
    const es = FakeEventSource.latest();
    es.open();
    const bad = new MessageEvent('update', { data: 'not json' });
    const listeners = (es as unknown as { listeners: Map<string, ((e: MessageEvent) => void)[]> }).listeners;
    for (const fn of listeners.get('update') ?? []) fn(bad);
    expect(onUpdates).not.toHaveBeenCalled();
  });
});
