import {
  and,
  asc,
  desc,
  eq,
  gte,
  ilike,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { Db } from '../db/client';
import { taskSeries, tasks } from '../db/schema';
import type { Priority, ReminderSpec, Task, TaskStatus, TaskView } from '../domain/task';
import { toView } from '../domain/task';

type TaskRow = typeof tasks.$inferSelect;

export function rowToTask(row: TaskRow): Task {
  return {
    ...row,
    priority: row.priority as Priority | null,
    status: row.status as TaskStatus,
    reminders: (row.reminders ?? []) as ReminderSpec[],
  };
}

export async function insertTask(tx: Db, task: Task): Promise<void> {
  await tx.insert(tasks).values(task);
}

export async function findTask(
  db: Db,
  id: string,
  opts: { forUpdate?: boolean; includeDeleted?: boolean } = {},
): Promise<Task | undefined> {
  const where = opts.includeDeleted ? eq(tasks.id, id) : and(eq(tasks.id, id), isNull(tasks.deletedAt));
  const q = db.select().from(tasks).where(where);
  const [row] = opts.forUpdate ? await q.for('update') : await q;
  return row ? rowToTask(row) : undefined;
}

/** Writes a changed task if its stored version is still `expectedVersion`; false when it moved on. */
export async function saveTask(tx: Db, task: Task, expectedVersion: number): Promise<boolean> {
  const { id, createdAt: _c, ...fields } = task;
  const rows = await tx
    .update(tasks)
    .set(fields)
    .where(and(eq(tasks.id, id), eq(tasks.version, expectedVersion)))
    .returning({ id: tasks.id });
  return rows.length === 1;
}

export async function removeTask(tx: Db, id: string): Promise<void> {
  await tx.delete(tasks).where(eq(tasks.id, id));
}

export type SortKey = 'due' | 'created' | 'updated' | 'priority' | 'title';

export interface TaskFilter {
  status: 'active' | 'completed' | 'all';
  priority?: Priority[] | undefined;
  tags?: string[] | undefined;
  dueBefore?: Date | undefined;
  dueAfter?: Date | undefined;
  q?: string | undefined;
  sort: SortKey;
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
  deleted?: boolean;
}

const PRIORITY_RANK = sql`case ${tasks.priority} when 'high' then 3 when 'medium' then 2 when 'low' then 1 else 0 end`;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (m) => `\\${m}`);
}

export async function queryTasks(db: Db, f: TaskFilter): Promise<Task[]> {
  const where: SQL[] = [f.deleted ? isNotNull(tasks.deletedAt) : isNull(tasks.deletedAt)];
  if (f.status !== 'all') where.push(eq(tasks.status, f.status));
  if (f.priority?.length) where.push(inArray(tasks.priority, f.priority));
  if (f.tags?.length) where.push(sql`${tasks.tags} @> ${sql.param(f.tags)}::text[]`);
  if (f.dueBefore) where.push(lt(tasks.due, f.dueBefore));
  if (f.dueAfter) where.push(gte(tasks.due, f.dueAfter));
  if (f.q) {
    const pattern = `%${escapeLike(f.q)}%`;
    where.push(or(ilike(tasks.title, pattern), ilike(tasks.description, pattern))!);
  }
  const dir = f.direction === 'asc' ? asc : desc;
  const nulls = sql.raw(f.direction === 'asc' ? 'nulls last' : 'nulls first');
  const order: SQL[] =
    f.sort === 'due'
      ? [sql`${tasks.due} ${sql.raw(f.direction)} ${nulls}`, asc(tasks.createdAt)]
      : f.sort === 'priority'
        ? [
            sql`${PRIORITY_RANK} ${sql.raw(f.direction === 'asc' ? 'asc' : 'desc')}`,
            sql`${tasks.due} asc nulls last`,
          ]
        : f.sort === 'title'
          ? [dir(sql`lower(${tasks.title})`)]
          : f.sort === 'updated'
            ? [dir(tasks.updatedAt)]
            : [dir(tasks.createdAt)];
  const rows = await db
    .select()
    .from(tasks)
    .where(and(...where))
    .orderBy(...order, asc(tasks.id))
    .limit(f.limit)
    .offset(f.offset);
  return rows.map(rowToTask);
}

/** Trash rows older than the retention period. */
export async function expiredTrash(db: Db, cutoff: Date, limit = 500): Promise<Task[]> {
  const rows = await db
    .select()
    .from(tasks)
    .where(and(isNotNull(tasks.deletedAt), lte(tasks.deletedAt, cutoff)))
    .limit(limit);
  return rows.map(rowToTask);
}

/** Task views with their series' rule, in one extra query for the whole page. */
export async function viewsOf(db: Db, list: Task[]): Promise<TaskView[]> {
  const ids = [...new Set(list.map((t) => t.seriesId).filter((x): x is string => x !== null))];
  const series = ids.length
    ? await db
        .select({ id: taskSeries.id, rule: taskSeries.rule, mode: taskSeries.mode })
        .from(taskSeries)
        .where(inArray(taskSeries.id, ids))
    : [];
  const byId = new Map(series.map((s) => [s.id, s]));
  return list.map((t) => toView(t, t.seriesId ? byId.get(t.seriesId) : null));
}

export async function viewOf(db: Db, task: Task): Promise<TaskView> {
  const [view] = await viewsOf(db, [task]);
  return view!;
}
