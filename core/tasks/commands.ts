import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { TableRow } from '../db/insert-rows';
import { taskSeries, tasks } from '../db/schema';
import {
  applyPatch,
  type CreateTaskInput,
  completeTask as completeTransition,
  newTask,
  reopenTask as reopenTransition,
  restoreTask as restoreTransition,
  type Task,
  TaskRuleError,
  type TaskView,
  toView,
  trashTask,
  type UpdateTaskInput,
} from '../domain/task';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors';
import {
  TaskCompleted,
  TaskCreated,
  TaskDeleted,
  TaskPurged,
  TaskReopened,
  TaskRestored,
  TaskUpdated,
} from '../events/catalog';
import type { EventMeta, TaskwireEvent } from '../events/define-event';
import type { Logger } from '../observability/logger';
import type { Clock } from '../ports/clock';
import { findTask, removeTask, saveTask, viewOf } from './repository';
import { assertRule, findSeries, patchSeries, type SeriesPatch, templateOf } from './series';

/** What a task command needs: the clock, ids, the actor, and a transaction that also writes events. */
export interface CommandContext {
  clock: Clock;
  newId: () => string;
  log: Logger;
  meta: EventMeta;
  /** `api`, `chat`, or `system:<function>`. */
  actor: string;
  /** The zone a task gets when its request names none. */
  defaultTimezone(): Promise<string>;
  transact<T>(work: (tx: Db) => Promise<{ value: T; emit?: TaskwireEvent[] }>): Promise<T>;
  /** Inserts and their events as one atomic statement (see InvocationContext.insertAtomically). */
  insertAtomically(rows: readonly TableRow[], emit: readonly TaskwireEvent[]): Promise<void>;
  db: Db;
}

function asUnprocessable(err: unknown): never {
  if (err instanceof TaskRuleError)
    throw new UnprocessableError(`${err.field}: ${err.message}`, [
      { field: err.field, message: err.message },
    ]);
  throw err;
}

async function mustFind(tx: Db, id: string): Promise<Task> {
  const task = await findTask(tx, id, { forUpdate: true, includeDeleted: true });
  if (!task) throw new NotFoundError(`no task with id ${id}`);
  return task;
}

function live(task: Task): Task {
  if (task.deletedAt) {
    throw new NotFoundError(
      `task ${task.id} is in the trash; restore it with POST /api/tasks/${task.id}/restore`,
    );
  }
  return task;
}

async function saveOrConflict(tx: Db, next: Task, previousVersion: number): Promise<void> {
  if (!(await saveTask(tx, next, previousVersion))) {
    throw new ConflictError(`task ${next.id} changed while it was being saved; retry`);
  }
}

export async function createTask(ctx: CommandContext, input: CreateTaskInput): Promise<TaskView> {
  const timezone = await ctx.defaultTimezone();
  const now = ctx.clock.now();
  let task: Task;
  try {
    task = newTask(input, { id: ctx.newId(), now, defaultTimezone: timezone });
  } catch (err) {
    asUnprocessable(err);
  }
  const rows: TableRow[] = [];
  let series: { rule: unknown; mode: string } | null = null;
  if (input.recurrence) {
    if (!task.due) {
      throw new UnprocessableError('a recurring task needs a due time to anchor its schedule', [
        { field: 'due', message: 'required when recurrence is set' },
      ]);
    }
    assertRule(input.recurrence, task.due, task.timezone);
    const seriesId = ctx.newId();
    series = { rule: input.recurrence, mode: input.recurrenceMode ?? 'schedule' };
    rows.push({
      table: taskSeries,
      values: {
        id: seriesId,
        ...series,
        template: {
          title: task.title,
          description: task.description,
          priority: task.priority,
          tags: task.tags,
          reminders: task.reminders,
        },
        timezone: task.timezone,
        anchor: task.due,
        createdAt: now,
        updatedAt: now,
      },
    });
    task = { ...task, seriesId, occurrenceAt: task.due, occurrenceIndex: 0 };
  }
  // The series row comes first in the statement; the task's foreign key is checked at its end.
  rows.push({ table: tasks, values: task as unknown as Record<string, unknown> });
  const view = toView(task, series);
  const event = TaskCreated.create(
    { data: { task: view, actor: ctx.actor }, subject: task.id, sequence: task.version, time: now },
    ctx.meta,
  );
  await ctx.insertAtomically(rows, [event]);
  return view;
}

export interface UpdateOptions {
  /** The version the writer last saw (If-Match); a different stored version is a conflict. */
  ifMatch?: number | undefined;
  /** `series`: the change also applies to the series' template (this and future instances). */
  scope?: 'instance' | 'series' | undefined;
}

const TEMPLATE_FIELDS = ['title', 'description', 'priority', 'tags', 'reminders'] as const;

/**
 * The series side of an update: attach a series to a one-off task, change or stop the repetition,
 * or carry template fields over for "this and future". Returns the task (re-linked if needed) and
 * whether anything about its recurrence changed.
 */
async function applySeriesChange(
  ctx: CommandContext,
  tx: Db,
  task: Task,
  patch: UpdateTaskInput,
  scope: UpdateOptions['scope'],
  now: Date,
): Promise<{ task: Task; changed: boolean }> {
  const series = task.seriesId ? await findSeries(tx, task.seriesId, true) : undefined;
  if (patch.recurrence === null) {
    if (!series) return { task, changed: false };
    await tx
      .update(taskSeries)
      .set({ endedAt: now, updatedAt: now, version: series.version + 1 })
      .where(eq(taskSeries.id, series.id));
    return { task: { ...task, seriesId: null, occurrenceAt: null, occurrenceIndex: null }, changed: true };
  }
  if (!series || series.endedAt) {
    if (!patch.recurrence) {
      if (scope === 'series')
        throw new UnprocessableError('this task does not repeat', [{ field: 'scope', message: 'no series' }]);
      return { task, changed: false };
    }
    if (!task.due) {
      throw new UnprocessableError('a recurring task needs a due time to anchor its schedule', [
        { field: 'due', message: 'required when recurrence is set' },
      ]);
    }
    assertRule(patch.recurrence, task.due, task.timezone);
    const seriesId = ctx.newId();
    await tx.insert(taskSeries).values({
      id: seriesId,
      rule: patch.recurrence,
      mode: patch.recurrenceMode ?? 'schedule',
      template: templateOf(task),
      timezone: task.timezone,
      anchor: task.due,
      createdAt: now,
      updatedAt: now,
    });
    return { task: { ...task, seriesId, occurrenceAt: task.due, occurrenceIndex: 0 }, changed: true };
  }
  const seriesPatch: SeriesPatch = {};
  if (patch.recurrence) seriesPatch.recurrence = patch.recurrence;
  if (patch.recurrenceMode) seriesPatch.recurrenceMode = patch.recurrenceMode;
  if (scope === 'series') {
    for (const field of TEMPLATE_FIELDS) {
      if (patch[field] !== undefined) Object.assign(seriesPatch, { [field]: task[field] });
    }
  }
  if (Object.keys(seriesPatch).length === 0) return { task, changed: false };
  await patchSeries(tx, series, seriesPatch, now);
  return { task, changed: seriesPatch.recurrence !== undefined || seriesPatch.recurrenceMode !== undefined };
}

export async function updateTask(
  ctx: CommandContext,
  id: string,
  patch: UpdateTaskInput,
  opts: UpdateOptions = {},
): Promise<TaskView> {
  return ctx.transact(async (tx) => {
    const now = ctx.clock.now();
    const current = live(await mustFind(tx, id));
    if (opts.ifMatch !== undefined && current.version !== opts.ifMatch) {
      throw new ConflictError(
        `task ${id} is at version ${current.version}, not ${opts.ifMatch}; reload and retry`,
        [{ field: 'If-Match', message: `stale version ${opts.ifMatch}` }],
      );
    }
    let applied: ReturnType<typeof applyPatch>;
    try {
      applied = applyPatch(current, patch, now);
    } catch (err) {
      asUnprocessable(err);
    }
    const emit: TaskwireEvent[] = [];
    let task = current;
    const seriesChange = await applySeriesChange(ctx, tx, applied.task, patch, opts.scope, now);
    if (seriesChange.changed) {
      const before = current.seriesId ? await findSeries(tx, current.seriesId) : undefined;
      applied.changes.recurrence = {
        from: before && !before.endedAt ? { rule: before.rule, mode: before.mode } : null,
        to:
          patch.recurrence === null
            ? null
            : {
                rule: patch.recurrence ?? before?.rule,
                mode: patch.recurrenceMode ?? before?.mode ?? 'schedule',
              },
      };
      applied.task = {
        ...seriesChange.task,
        version: current.version + 1,
        updatedAt: now,
      };
    }
    if (Object.keys(applied.changes).length > 0) {
      await saveOrConflict(tx, applied.task, current.version);
      task = applied.task;
      const precondition = opts.ifMatch === undefined ? 'none' : 'if-match';
      if (precondition === 'none') {
        ctx.log.info(
          { taskId: id, overwroteVersion: current.version, fields: Object.keys(applied.changes) },
          'update without If-Match: last write wins',
        );
      }
      emit.push(
        TaskUpdated.create(
          {
            data: { task: await viewOf(tx, task), actor: ctx.actor, changes: applied.changes, precondition },
            subject: id,
            sequence: task.version,
            time: now,
          },
          ctx.meta,
        ),
      );
    }
    if (patch.status && patch.status !== task.status) {
      const next = patch.status === 'completed' ? completeTransition(task, now) : reopenTransition(task, now);
      if (next) {
        await saveOrConflict(tx, next, task.version);
        task = next;
        const def = patch.status === 'completed' ? TaskCompleted : TaskReopened;
        emit.push(
          def.create(
            {
              data: { task: await viewOf(tx, task), actor: ctx.actor },
              subject: id,
              sequence: task.version,
              time: now,
            },
            ctx.meta,
          ),
        );
      }
    }
    return { value: await viewOf(tx, task), emit };
  });
}

type Transition = (task: Task, now: Date) => Task | null;

async function transition(
  ctx: CommandContext,
  id: string,
  step: Transition,
  def: typeof TaskCompleted | typeof TaskReopened | typeof TaskDeleted | typeof TaskRestored,
  requireLive: boolean,
): Promise<{ view: TaskView; changed: boolean }> {
  return ctx.transact<{ view: TaskView; changed: boolean }>(async (tx) => {
    const now = ctx.clock.now();
    const found = await mustFind(tx, id);
    const current = requireLive ? live(found) : found;
    const next = step(current, now);
    if (!next) return { value: { view: await viewOf(tx, current), changed: false } };
    await saveOrConflict(tx, next, current.version);
    const view = await viewOf(tx, next);
    const event = def.create(
      { data: { task: view, actor: ctx.actor }, subject: id, sequence: next.version, time: now },
      ctx.meta,
    );
    return { value: { view, changed: true }, emit: [event] };
  });
}

/** Idempotent: completing a completed task changes nothing and keeps the first completion time. */
export const completeTask = (ctx: CommandContext, id: string) =>
  transition(ctx, id, completeTransition, TaskCompleted, true);
export const reopenTask = (ctx: CommandContext, id: string) =>
  transition(ctx, id, reopenTransition, TaskReopened, true);
/** Moves a task to the trash; a task already there stays as it is. */
export const trashTaskById = (ctx: CommandContext, id: string) =>
  transition(ctx, id, trashTask, TaskDeleted, false);
export const restoreTask = (ctx: CommandContext, id: string) =>
  transition(ctx, id, restoreTransition, TaskRestored, false);

/** Deletes a task for good, from the trash or not. */
export async function purgeTask(
  ctx: CommandContext,
  id: string,
  reason: 'permanent-delete' | 'retention',
): Promise<void> {
  await ctx.transact(async (tx) => {
    const task = await mustFind(tx, id);
    await removeTask(tx, id);
    const event = TaskPurged.create(
      {
        data: { taskId: id, title: task.title, actor: ctx.actor, reason },
        subject: id,
        sequence: task.version + 1,
        time: ctx.clock.now(),
      },
      ctx.meta,
    );
    return { value: undefined, emit: [event] };
  });
}

export async function getTask(db: Db, id: string): Promise<TaskView> {
  const task = await findTask(db, id, { includeDeleted: true });
  if (!task) throw new NotFoundError(`no task with id ${id}`);
  return viewOf(db, live(task));
}
