import { and, desc, eq, isNotNull, isNull, lte } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { taskSeries, tasks } from '../db/schema';
import {
  DEFAULT_HORIZON_DAYS,
  describeRule,
  nextOccurrence,
  type Plan,
  planNextInstances,
  validateRule,
} from '../domain/recurrence';
import { RecurrenceMode, RecurrenceRule } from '../domain/recurrence-rule';
import { Description, Priority, type ReminderSpec, Reminders, Tags, type Task, Title } from '../domain/task';
import { type FieldIssue, UnprocessableError } from '../errors';

export type SeriesRow = typeof taskSeries.$inferSelect;

export interface SeriesTemplate {
  title: string;
  description: string | null;
  priority: Task['priority'];
  tags: string[];
  reminders: ReminderSpec[];
}

export function templateOf(
  task: Pick<Task, 'title' | 'description' | 'priority' | 'tags' | 'reminders'>,
): SeriesTemplate {
  return {
    title: task.title,
    description: task.description,
    priority: task.priority,
    tags: task.tags,
    reminders: task.reminders,
  };
}

/** Rule problems as API field issues (`anchor` is the task's due time). */
export function ruleIssues(
  rule: RecurrenceRule,
  anchor: Date,
  timeZone: string,
  prefix = 'recurrence',
): FieldIssue[] {
  return validateRule(rule, anchor, timeZone).map((i) => ({
    field: i.field === 'anchor' ? 'due' : i.field === 'timeZone' ? 'timezone' : `${prefix}.${i.field}`,
    message: i.message,
  }));
}

export function assertRule(rule: RecurrenceRule, anchor: Date, timeZone: string): void {
  const issues = ruleIssues(rule, anchor, timeZone);
  if (issues.length > 0)
    throw new UnprocessableError(issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
}

export const SeriesView = z.object({
  id: z.uuid(),
  rule: RecurrenceRule,
  mode: RecurrenceMode,
  summary: z.string(),
  timezone: z.string(),
  anchor: z.iso.datetime({ offset: true }),
  template: z.object({
    title: z.string(),
    description: z.string().nullable(),
    priority: Priority.nullable(),
    tags: z.array(z.string()),
    reminders: z.array(z.object({ minutesBefore: z.number(), channel: z.string().optional() })),
  }),
  generatedCount: z.number().int(),
  version: z.number().int(),
  endedAt: z.iso.datetime({ offset: true }).nullable(),
  nextOccurrence: z.iso.datetime({ offset: true }).nullable(),
});
export type SeriesView = z.infer<typeof SeriesView>;

export function toSeriesView(row: SeriesRow, now: Date): SeriesView {
  const rule = row.rule as RecurrenceRule;
  const next = row.endedAt ? null : nextOccurrence({ rule, anchor: row.anchor, timeZone: row.timezone }, now);
  return {
    id: row.id,
    rule,
    mode: row.mode as SeriesView['mode'],
    summary: describeRule(rule, { anchor: row.anchor, timeZone: row.timezone }),
    timezone: row.timezone,
    anchor: row.anchor.toISOString(),
    template: row.template as SeriesView['template'],
    generatedCount: row.generatedCount,
    version: row.version,
    endedAt: row.endedAt ? row.endedAt.toISOString() : null,
    nextOccurrence: next ? next.at.toISOString() : null,
  };
}

export const SeriesPatch = z
  .object({
    title: Title.optional(),
    description: Description.nullish(),
    priority: Priority.nullish(),
    tags: Tags.optional(),
    reminders: Reminders.optional(),
    recurrence: RecurrenceRule.optional(),
    recurrenceMode: RecurrenceMode.optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'send at least one field to change' })
  .meta({ minProperties: 1 });
export type SeriesPatch = z.output<typeof SeriesPatch>;

export async function findSeries(db: Db, id: string, forUpdate = false): Promise<SeriesRow | undefined> {
  const q = db.select().from(taskSeries).where(eq(taskSeries.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

/**
 * Changes the series for instances generated from now on. A new rule restarts the schedule from
 * the newest instance (it becomes occurrence 0), so indices and `count` count from the edit.
 */
export async function patchSeries(tx: Db, row: SeriesRow, patch: SeriesPatch, now: Date): Promise<SeriesRow> {
  const template = { ...(row.template as SeriesTemplate) };
  if (patch.title !== undefined) template.title = patch.title;
  if (patch.description !== undefined) template.description = patch.description ?? null;
  if (patch.priority !== undefined) template.priority = patch.priority ?? null;
  if (patch.tags !== undefined) template.tags = patch.tags;
  if (patch.reminders !== undefined) template.reminders = patch.reminders;
  const set: Partial<SeriesRow> = { template, version: row.version + 1, updatedAt: now };
  if (patch.recurrenceMode) set.mode = patch.recurrenceMode;
  if (patch.recurrence) {
    const [newest] = await tx
      .select({ id: tasks.id, occurrenceAt: tasks.occurrenceAt })
      .from(tasks)
      .where(and(eq(tasks.seriesId, row.id), isNotNull(tasks.occurrenceAt)))
      .orderBy(desc(tasks.occurrenceAt))
      .limit(1);
    const anchor = newest?.occurrenceAt ?? row.anchor;
    assertRule(patch.recurrence, anchor, row.timezone);
    set.rule = patch.recurrence;
    set.anchor = anchor;
    set.endedAt = null;
    set.deferredAt = null;
    set.deferredIndex = null;
    if (newest) await tx.update(tasks).set({ occurrenceIndex: 0 }).where(eq(tasks.id, newest.id));
  }
  const [updated] = await tx.update(taskSeries).set(set).where(eq(taskSeries.id, row.id)).returning();
  return updated!;
}

export interface GeneratedInstance {
  task: Task;
  catchUp: boolean;
}

/**
 * Creates the instances a completion calls for. Each insert is guarded by the unique
 * (series, occurrence) index, so a replayed or duplicated completion creates nothing more.
 */
export async function generateInstances(
  tx: Db,
  series: SeriesRow,
  plan: Plan,
  now: Date,
  newId: () => string,
): Promise<GeneratedInstance[]> {
  const template = series.template as SeriesTemplate;
  const created: GeneratedInstance[] = [];
  for (const instance of plan.instances) {
    const task: Task = {
      id: newId(),
      title: template.title,
      description: template.description,
      due: instance.at,
      timezone: series.timezone,
      priority: template.priority,
      tags: template.tags,
      status: 'active',
      completedAt: null,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
      version: 1,
      reminders: template.reminders,
      seriesId: series.id,
      occurrenceAt: instance.at,
      occurrenceIndex: instance.index,
      catchUp: instance.catchUp,
    };
    const rows = await tx
      .insert(tasks)
      .values(task)
      .onConflictDoNothing({ target: [tasks.seriesId, tasks.occurrenceAt] })
      .returning({ id: tasks.id });
    if (rows.length === 1) created.push({ task, catchUp: instance.catchUp });
  }
  await tx
    .update(taskSeries)
    .set({
      generatedCount: series.generatedCount + created.length,
      deferredAt: plan.deferred ? plan.deferred.at : null,
      deferredIndex: plan.deferred ? plan.deferred.index : null,
      endedAt: plan.ended && !plan.deferred && plan.instances.length === 0 ? now : series.endedAt,
      updatedAt: now,
    })
    .where(eq(taskSeries.id, series.id));
  return created;
}

export function planFor(series: SeriesRow, completed: Task, now: Date): Plan {
  return planNextInstances({
    schedule: { rule: series.rule as RecurrenceRule, anchor: series.anchor, timeZone: series.timezone },
    mode: series.mode as RecurrenceMode,
    completedOccurrence: completed.occurrenceAt ?? completed.due ?? series.anchor,
    completedIndex: completed.occurrenceIndex ?? 0,
    completedAt: completed.completedAt ?? now,
    now,
    horizonDays: DEFAULT_HORIZON_DAYS,
  });
}

/** Series whose deferred next occurrence has come within the horizon. */
export async function dueDeferredSeries(db: Db, now: Date): Promise<SeriesRow[]> {
  const horizon = new Date(now.getTime() + DEFAULT_HORIZON_DAYS * 86_400_000);
  return db
    .select()
    .from(taskSeries)
    .where(
      and(isNotNull(taskSeries.deferredAt), lte(taskSeries.deferredAt, horizon), isNull(taskSeries.endedAt)),
    )
    .limit(200);
}

/** The deferred occurrence was created: the series has nothing deferred any more. */
export async function clearDeferral(tx: Db, seriesId: string): Promise<void> {
  await tx
    .update(taskSeries)
    .set({ deferredAt: null, deferredIndex: null })
    .where(eq(taskSeries.id, seriesId));
}
