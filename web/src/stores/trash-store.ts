import { batch, createMemo } from 'solid-js';
import { createStore } from 'solid-js/store';
import type { Api } from '../api/client';
import type { TaskUpdate } from '../api/types';
import { createTaskCollection } from './task-collection';

/** Deleted tasks, newest deletion first; kept current by the same stream updates as the list. */
export function createTrashStore(deps: { api: Pick<Api, 'listTrash' | 'restoreTask' | 'purgeTask'> }) {
  const tasks = createTaskCollection();
  const [status, setStatus] = createStore({ loading: false, error: null as string | null });

  async function load(): Promise<void> {
    setStatus({ loading: true, error: null });
    try {
      const page = await deps.api.listTrash();
      tasks.replaceAll(page.tasks);
      setStatus({ loading: false });
    } catch (err) {
      setStatus({ loading: false, error: err instanceof Error ? err.message : 'Could not load the trash' });
    }
  }

  function applyUpdates(updates: TaskUpdate[]): void {
    batch(() => {
      for (const u of updates) {
        if (u.type === 'deleted' && u.task) tasks.upsert(u.task, u.sequence);
        else if (u.type !== 'deleted') tasks.remove(u.taskId, u.sequence);
      }
    });
  }

  async function restore(id: string): Promise<void> {
    const task = await deps.api.restoreTask(id);
    tasks.remove(id, task.version);
  }

  async function purge(id: string): Promise<void> {
    const held = tasks.get(id);
    await deps.api.purgeTask(id);
    tasks.remove(id, (held?.version ?? 0) + 1);
  }

  const items = createMemo(() =>
    tasks.list().sort((a, b) => Date.parse(b.deletedAt ?? '') - Date.parse(a.deletedAt ?? '')),
  );

  return { status, items, load, applyUpdates, restore, purge };
}

export type TrashStore = ReturnType<typeof createTrashStore>;
