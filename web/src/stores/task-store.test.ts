import { createRoot } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import type { Task, TaskPage, TaskQuery, TaskUpdate } from '../api/types';
import { makeTask } from '../test-support/fixtures';
import { createTaskStore } from './task-store';

const now = new Date('2030-01-02T09:00:00Z');

function setup(
  pages: (query: TaskQuery) => TaskPage | Promise<TaskPage> = () => ({ tasks: [], nextCursor: null }),
) {
  const api = {
    listTasks: vi.fn(async (q: TaskQuery = {}) => pages(q)),
    getTask: vi.fn(async (id: string): Promise<Task> => {
      throw new ApiError(404, 'Not found', `no task ${id}`);
    }),
    completeTask: vi.fn(async (id: string) => makeTask({ id, status: 'completed', version: 2 })),
    reopenTask: vi.fn(async (id: string) => makeTask({ id, version: 2 })),
  };
  let dispose!: () => void;
  const store = createRoot((d) => {
    dispose = d;
    return createTaskStore({
      api,
      now: () => now,
      timeZone: () => 'Europe/Berlin',
      setTimeout: (fn) => fn(),
    });
  });
  disposers.push(dispose);
  return { api, store };
}

const disposers: (() => void)[] = [];
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
});

const update = (task: Task, type: TaskUpdate['type'] = 'updated', sequence = task.version): TaskUpdate => ({
  kind: 'task',
  type,
  taskId: task.id,
  sequence,
  task,
});

const titles = (store: ReturnType<typeof setup>['store']) => store.visible().map((t) => t.title);

describe('task store: stream updates', () => {
  it('applies an update only when its sequence is newer than the held version', () => {
    const { store } = setup();
    const t = makeTask({ title: 'Buy milk', version: 3 });
    store.applyUpdates([update(t, 'created')]);
    store.applyUpdates([update({ ...t, title: 'stale', version: 2 })]);
    store.applyUpdates([update({ ...t, title: 'replayed', version: 3 })]);
    expect(store.get(t.id)?.title).toBe('Buy milk');
    store.applyUpdates([update({ ...t, title: 'Buy oat milk', version: 4 })]);
    expect(store.get(t.id)?.title).toBe('Buy oat milk');
    expect(titles(store)).toEqual(['Buy oat milk']);
  });

  it('keeps the newest of several updates arriving coalesced, in any order', () => {
    const { store } = setup();
    const t = makeTask({ title: 'v1' });
    store.applyUpdates([
      update({ ...t, title: 'v3', version: 3 }),
      update({ ...t, title: 'v1', version: 1 }),
      update({ ...t, title: 'v2', version: 2 }),
    ]);
    expect(store.get(t.id)?.title).toBe('v3');
  });

  it('removes deleted and purged tasks, and a replay older than the removal does not bring them back', () => {
    const { store } = setup();
    const a = makeTask({ title: 'A', version: 1 });
    const b = makeTask({ title: 'B', version: 1 });
    store.applyUpdates([update(a, 'created'), update(b, 'created')]);
    store.applyUpdates([
      update({ ...a, deletedAt: '2030-01-02T08:00:00Z', version: 2 }, 'deleted'),
      { kind: 'task', type: 'purged', taskId: b.id, sequence: 2, task: null },
    ]);
    expect(titles(store)).toEqual([]);
    store.applyUpdates([update(a, 'created'), update(b, 'created')]);
    expect(titles(store)).toEqual([]);
    store.applyUpdates([update({ ...a, version: 3 }, 'restored')]);
    expect(titles(store)).toEqual(['A']);
  });

  it('shows a task completed elsewhere as completed, still in the list', () => {
    const { store } = setup();
    const t = makeTask({ title: 'Buy milk' });
    store.applyUpdates([update(t, 'created')]);
    store.applyUpdates([
      update({ ...t, status: 'completed', completedAt: now.toISOString(), version: 2 }, 'completed'),
    ]);
    expect(store.groups().map((g) => [g.key, g.tasks.map((x) => x.title)])).toEqual([
      ['completed', ['Buy milk']],
    ]);
  });
});

describe('task store: loading', () => {
  it('follows cursors and merges with updates that arrived while the listing was on its way', async () => {
    const early = makeTask({ title: 'listed', version: 1 });
    const changed = makeTask({ title: 'changed meanwhile', version: 1 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { api, store } = setup(async (q) => {
      if (q.status === 'completed') return { tasks: [], nextCursor: null };
      await gate;
      return q.cursor
        ? { tasks: [{ ...changed }], nextCursor: null }
        : { tasks: [early], nextCursor: 'page-2' };
    });
    const loading = store.load();
    const created = makeTask({ title: 'created meanwhile' });
    store.applyUpdates([update(created, 'created'), update({ ...changed, title: 'newer', version: 2 })]);
    release();
    await loading;
    expect(api.listTasks).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'active', cursor: 'page-2' }),
    );
    expect(titles(store).sort()).toEqual(['created meanwhile', 'listed', 'newer']);
    expect(store.status.loaded).toBe(true);
  });

  it('drops tasks that a fresh listing no longer contains', async () => {
    const gone = makeTask({ title: 'gone' });
    let listing = [gone];
    const { store } = setup((q) => ({ tasks: q.status === 'active' ? listing : [], nextCursor: null }));
    await store.load();
    expect(titles(store)).toEqual(['gone']);
    listing = [];
    await store.load();
    expect(titles(store)).toEqual([]);
  });
});

describe('task store: completing', () => {
  it('ticks at once and takes the server answer', async () => {
    const t = makeTask({ title: 'Buy milk' });
    const { api, store } = setup();
    store.receive(t);
    const pending = store.setCompleted(t.id, true);
    expect(store.get(t.id)?.status).toBe('completed');
    await pending;
    expect(api.completeTask).toHaveBeenCalledWith(t.id);
    expect(store.get(t.id)?.version).toBe(2);
  });

  it('puts the tick back when the server refuses', async () => {
    const t = makeTask({ title: 'Buy milk' });
    const { api, store } = setup();
    api.completeTask.mockRejectedValueOnce(new ApiError(500, 'Internal error', 'boom'));
    store.receive(t);
    await expect(store.setCompleted(t.id, true)).rejects.toThrow('boom');
    expect(store.get(t.id)?.status).toBe('active');
  });
});
