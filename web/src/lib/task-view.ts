import type { Priority, Sort, Task, TaskQuery } from '../api/types';
import { localDayNumber, wallClockToInstant } from './time';

/** How long a completed task stays in the default ("Open") view. */
export const RECENTLY_COMPLETED_MS = 24 * 60 * 60 * 1000;

export type StatusFilter = 'open' | 'active' | 'completed' | 'all';

export interface TaskFilter {
  status: StatusFilter;
  priority: Priority[];
  /** One tag, as typed; normalised like the server does. */
  tag: string;
  /** Calendar dates (YYYY-MM-DD) in the user's zone, both inclusive. */
  dueFrom: string;
  dueTo: string;
  q: string;
  sort: Sort;
}

export const DEFAULT_FILTER: TaskFilter = {
  status: 'open',
  priority: [],
  tag: '',
  dueFrom: '',
  dueTo: '',
  q: '',
  sort: 'due',
};

export function normaliseTag(raw: string): string {
  return raw.trim().replace(/^#+/, '').toLowerCase().replace(/\s+/g, '-');
}

/** The instant range the due filter means, in the user's zone: [after, before). */
export function dueRange(filter: TaskFilter, zone: string): { after?: Date; before?: Date } {
  const after = filter.dueFrom ? wallClockToInstant(filter.dueFrom, zone) : null;
  const toStart = filter.dueTo ? wallClockToInstant(filter.dueTo, zone) : null;
  // The end date is inclusive, so the range stops at the start of the following local day.
  const before = toStart ? wallClockToInstant(nextDate(filter.dueTo), zone) : null;
  return { ...(after ? { after } : {}), ...(before && toStart ? { before } : {}) };
}

function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return next.toISOString().slice(0, 10);
}

export interface PlannedQuery {
  query: TaskQuery;
  /** Follow nextCursor to the end (true) or take the first page only. */
  allPages: boolean;
}

/** The server queries that fetch everything the filter can show. */
export function serverQueries(filter: TaskFilter, zone: string): PlannedQuery[] {
  const { after, before } = dueRange(filter, zone);
  const tag = normaliseTag(filter.tag);
  const base: TaskQuery = {
    priority: filter.priority.length ? filter.priority : undefined,
    tag: tag ? [tag] : undefined,
    dueAfter: after?.toISOString(),
    dueBefore: before?.toISOString(),
    q: filter.q.trim() || undefined,
    sort: filter.sort,
  };
  if (filter.status === 'open') {
    // Recently completed tasks stay visible (checked) so a tick on another device shows here too.
    return [
      { query: { ...base, status: 'active' }, allPages: true },
      { query: { ...base, status: 'completed', sort: '-updated', limit: 100 }, allPages: false },
    ];
  }
  return [{ query: { ...base, status: filter.status }, allPages: true }];
}

/** Mirrors the server's filter so tasks arriving on the live stream land (or not) where a reload would put them. */
export function matchesFilter(task: Task, filter: TaskFilter, now: Date, zone: string): boolean {
  if (task.deletedAt) return false;
  switch (filter.status) {
    case 'active':
      if (task.status !== 'active') return false;
      break;
    case 'completed':
      if (task.status !== 'completed') return false;
      break;
    case 'open':
      if (task.status === 'completed' && !recentlyCompleted(task, now)) return false;
      break;
    case 'all':
      break;
  }
  if (filter.priority.length && !(task.priority && filter.priority.includes(task.priority))) return false;
  const tag = normaliseTag(filter.tag);
  if (tag && !task.tags.includes(tag)) return false;
  const { after, before } = dueRange(filter, zone);
  if (after || before) {
    if (!task.due) return false;
    const due = Date.parse(task.due);
    if (after && due < after.getTime()) return false;
    if (before && due >= before.getTime()) return false;
  }
  const q = filter.q.trim().toLowerCase();
  if (q && !`${task.title}\n${task.description ?? ''}`.toLowerCase().includes(q)) return false;
  return true;
}

function recentlyCompleted(task: Task, now: Date): boolean {
  const at = Date.parse(task.completedAt ?? task.updatedAt);
  return now.getTime() - at <= RECENTLY_COMPLETED_MS;
}

const PRIORITY_RANK: Record<Priority, number> = { high: 3, medium: 2, low: 1 };
const time = (iso: string | null) => (iso ? Date.parse(iso) : null);

function compareDue(a: Task, b: Task, direction: 1 | -1): number {
  const da = time(a.due);
  const db = time(b.due);
  if (da === null && db === null) return 0;
  // Like the server: ascending puts tasks without a due date last, descending first.
  if (da === null) return direction;
  if (db === null) return -direction;
  return (da - db) * direction;
}

/** The server's ordering for each sort key, with ties broken by creation then id. */
export function compareTasks(sort: Sort): (a: Task, b: Task) => number {
  const reversed = sort.startsWith('-');
  const key = (reversed ? sort.slice(1) : sort) as Exclude<Sort, `-${string}`>;
  const natural: 1 | -1 = key === 'priority' || key === 'updated' || key === 'created' ? -1 : 1;
  const dir = (reversed ? -natural : natural) as 1 | -1;
  const primary = (a: Task, b: Task): number => {
    switch (key) {
      case 'due':
        return compareDue(a, b, dir);
      case 'priority': {
        const pa = a.priority ? PRIORITY_RANK[a.priority] : 0;
        const pb = b.priority ? PRIORITY_RANK[b.priority] : 0;
        return (pa - pb) * dir || compareDue(a, b, 1);
      }
      case 'title':
        return a.title.toLowerCase().localeCompare(b.title.toLowerCase()) * dir;
      case 'updated':
        return (Date.parse(a.updatedAt) - Date.parse(b.updatedAt)) * dir;
      case 'created':
        return (Date.parse(a.createdAt) - Date.parse(b.createdAt)) * dir;
    }
  };
  return (a, b) =>
    primary(a, b) || Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : 1);
}

export type GroupKey = 'overdue' | 'today' | 'upcoming' | 'none' | 'completed';

export const GROUP_LABELS: Record<GroupKey, string> = {
  overdue: 'Overdue',
  today: 'Today',
  upcoming: 'Upcoming',
  none: 'No date',
  completed: 'Completed',
};

export const GROUP_ORDER: GroupKey[] = ['overdue', 'today', 'upcoming', 'none', 'completed'];

export function groupOf(task: Task, now: Date, zone: string): GroupKey {
  if (task.status === 'completed') return 'completed';
  if (!task.due) return 'none';
  const due = new Date(task.due);
  if (due.getTime() < now.getTime()) return 'overdue';
  return localDayNumber(due, zone) === localDayNumber(now, zone) ? 'today' : 'upcoming';
}

export interface TaskGroup {
  key: GroupKey;
  label: string;
  tasks: Task[];
}

/** Overdue / Today / Upcoming / No date / Completed, each sorted, empty groups left out. */
export function groupTasks(tasks: Task[], now: Date, zone: string, sort: Sort = 'due'): TaskGroup[] {
  const buckets = new Map<GroupKey, Task[]>(GROUP_ORDER.map((key) => [key, []]));
  for (const task of tasks) buckets.get(groupOf(task, now, zone))!.push(task);
  const bySort = compareTasks(sort);
  const byCompletion = (a: Task, b: Task) =>
    Date.parse(b.completedAt ?? b.updatedAt) - Date.parse(a.completedAt ?? a.updatedAt);
  return GROUP_ORDER.map((key) => ({
    key,
    label: GROUP_LABELS[key],
    tasks: buckets.get(key)!.sort(key === 'completed' ? byCompletion : bySort),
  })).filter((group) => group.tasks.length > 0);
}
