import { type Accessor, batch, createMemo, createSignal } from 'solid-js';
import { createStore } from 'solid-js/store';
import { type Api, ApiError } from '../api/client';
import type { Task, TaskPage, TaskQuery, TaskUpdate } from '../api/types';
import {
  DEFAULT_FILTER,
  groupTasks,
  matchesFilter,
  type PlannedQuery,
  serverQueries,
  type TaskFilter,
} from '../lib/task-view';
import { createTaskCollection } from './task-collection';

const PAGE_SIZE = 200;
const MAX_PAGES = 10;
const SEARCH_DEBOUNCE_MS = 250;

export interface TaskStoreDeps {
  api: Pick<Api, 'listTasks' | 'getTask' | 'completeTask' | 'reopenTask'>;
  now: Accessor<Date>;
  timeZone: Accessor<string>;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

/** The task list: what the server listed plus what the live stream changed, filtered and grouped. */
export function createTaskStore(deps: TaskStoreDeps) {
  const tasks = createTaskCollection();
  const [filter, setFilterSignal] = createSignal<TaskFilter>(DEFAULT_FILTER);
  const [status, setStatus] = createStore({ loading: false, loaded: false, error: null as string | null });
  const later = deps.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
  const cancel = deps.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));

  let generation = 0;
  let changedDuringLoad = new Set<string>();
  let searchTimer: unknown;

  async function fetchPlanned({ query, allPages }: PlannedQuery): Promise<Task[]> {
    const out: Task[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const q: TaskQuery = { limit: PAGE_SIZE, ...query, ...(cursor ? { cursor } : {}) };
      const result: TaskPage = await deps.api.listTasks(q);
      out.push(...result.tasks);
      if (!allPages || !result.nextCursor) break;
      cursor = result.nextCursor;
    }
    return out;
  }

  /** (Re)fetches what the current filter shows; a newer load makes an older one's answer moot. */
  async function load(): Promise<void> {
    const mine = ++generation;
    changedDuringLoad = new Set();
    setStatus({ loading: true, error: null });
    try {
      const pages = await Promise.all(serverQueries(filter(), deps.timeZone()).map(fetchPlanned));
      if (mine !== generation) return;
      tasks.replaceAll(pages.flat(), changedDuringLoad);
      setStatus({ loading: false, loaded: true });
    } catch (err) {
      if (mine !== generation) return;
      const message =
        err instanceof ApiError && err.status === 401
          ? 'Taskwire needs the access token to show your tasks.'
          : err instanceof Error
            ? err.message
            : 'Could not load tasks';
      setStatus({ loading: false, error: message });
    }
  }

  function setFilter(patch: Partial<TaskFilter>): void {
    setFilterSignal({ ...filter(), ...patch });
    if (searchTimer !== undefined) cancel(searchTimer);
    const typing = Object.keys(patch).length === 1 && 'q' in patch;
    searchTimer = later(
      () => {
        searchTimer = undefined;
        void load();
      },
      typing ? SEARCH_DEBOUNCE_MS : 0,
    );
  }

  /** Applies stream updates; each is taken only when its sequence is newer than the held version. */
  function applyUpdates(updates: TaskUpdate[]): void {
    batch(() => {
      for (const update of updates) {
        const gone = update.type === 'purged' || update.type === 'deleted' || !update.task?.id;
        const applied =
          gone || update.task?.deletedAt
            ? tasks.remove(update.taskId, update.sequence)
            : tasks.upsert(update.task!, update.sequence);
        if (applied) changedDuringLoad.add(update.taskId);
      }
    });
  }

  /** Takes a task the API just returned (create, edit, chat). */
  function receive(task: Task): void {
    if (tasks.upsert(task)) changedDuringLoad.add(task.id);
  }

  /** After a local delete: drops the task until something newer than the deletion arrives. */
  function forget(id: string): void {
    const held = tasks.get(id);
    if (held) tasks.remove(id, held.version + 1);
  }

  async function refresh(id: string): Promise<void> {
    try {
      receive(await deps.api.getTask(id));
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
    }
  }

  /** Ticks or unticks at once; the server's answer (or a failure) settles it. */
  async function setCompleted(id: string, completed: boolean): Promise<void> {
    const held = tasks.get(id);
    if (!held) return;
    const before = { status: held.status, completedAt: held.completedAt };
    tasks.patchLocal(id, {
      status: completed ? 'completed' : 'active',
      completedAt: completed ? deps.now().toISOString() : null,
    });
    try {
      receive(completed ? await deps.api.completeTask(id) : await deps.api.reopenTask(id));
    } catch (err) {
      const current = tasks.get(id);
      if (current && current.version === held.version) tasks.patchLocal(id, before);
      throw err;
    }
  }

  const visible = createMemo(() => {
    const f = filter();
    const now = deps.now();
    const zone = deps.timeZone();
    return tasks.list().filter((task) => matchesFilter(task, f, now, zone));
  });

  const groups = createMemo(() => groupTasks(visible(), deps.now(), deps.timeZone(), filter().sort));

  const knownTags = createMemo(() => [...new Set(tasks.list().flatMap((t) => t.tags))].sort());

  return {
    status,
    filter,
    setFilter,
    visible,
    groups,
    knownTags,
    get: tasks.get,
    load,
    applyUpdates,
    receive,
    forget,
    refresh,
    setCompleted,
  };
}

export type TaskStore = ReturnType<typeof createTaskStore>;
