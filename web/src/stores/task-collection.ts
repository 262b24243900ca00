import { batch } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { Task } from '../api/types';

/**
 * Tasks by id, where every write carries the task's version: an older or repeated version
 * (a replayed stream message, a slow response) never overwrites a newer one, and a removed
 * task is not brought back by a stale update.
 */
export function createTaskCollection() {
  const [byId, setById] = createStore<Record<string, Task>>({});
  const removedAt = new Map<string, number>();

  function isNewer(id: string, version: number): boolean {
    const held = byId[id];
    if (held && held.version >= version) return false;
    const removed = removedAt.get(id);
    return removed === undefined || version > removed;
  }

  function write(task: Task): void {
    removedAt.delete(task.id);
    if (byId[task.id]) setById(task.id, reconcile(task));
    else setById(task.id, task);
  }

  function upsert(task: Task, version = task.version): boolean {
    if (!isNewer(task.id, version)) return false;
    write(task);
    return true;
  }

  function remove(id: string, version: number): boolean {
    if (!isNewer(id, version)) return false;
    removedAt.set(id, version);
    if (byId[id]) setById(id, undefined!);
    return true;
  }

  /** A local change shown before the server confirms it; the version stays, so the answer still wins. */
  function patchLocal(id: string, fields: Partial<Task>): void {
    if (byId[id]) setById(id, fields);
  }

  /**
   * Swaps in a fresh server listing. Tasks the caller says changed while the listing was on its
   * way (`changedMeanwhile`) stay as held; so does any held version newer than the listed one.
   */
  function replaceAll(tasks: Task[], changedMeanwhile: ReadonlySet<string> = new Set()): void {
    batch(() => {
      const listed = new Set<string>();
      for (const task of tasks) {
        listed.add(task.id);
        const removed = removedAt.get(task.id);
        if (removed !== undefined && removed >= task.version) continue;
        const held = byId[task.id];
        if (!held || held.version <= task.version) write(task);
      }
      for (const id of Object.keys(byId)) {
        if (!listed.has(id) && !changedMeanwhile.has(id)) setById(id, undefined!);
      }
    });
  }

  function clear(): void {
    setById(reconcile({}));
  }

  return {
    get: (id: string): Task | undefined => byId[id],
    list: (): Task[] => Object.values(byId),
    upsert,
    remove,
    patchLocal,
    replaceAll,
    clear,
  };
}

export type TaskCollection = ReturnType<typeof createTaskCollection>;
