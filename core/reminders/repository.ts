import { and, asc, eq, inArray, lte, min, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { reminders, tasks } from '../db/schema';
import type { ReminderChannel } from '../domain/task';
import { type DesiredReminder, reminderKey } from './plan';

export type ReminderRow = typeof reminders.$inferSelect;

export interface Reconciled {
  scheduled: ReminderRow[];
  rescheduled: ReminderRow[];
  cancelled: ReminderRow[];
}

/**
 * Brings a task's reminder rows in line with what it should have now. State-based, so it is
 * idempotent and indifferent to the order of the events that led here: a reminder already fired
 * for the same due time is left alone; a changed due time re-arms it; one no longer wanted (or
 * whose task is done, deleted or undated) is cancelled.
 */
export async function reconcileReminders(
  tx: Db,
  taskId: string,
  desired: DesiredReminder[],
  now: Date,
  newId: () => string,
): Promise<Reconciled> {
  const existing = await tx.select().from(reminders).where(eq(reminders.taskId, taskId)).for('update');
  const byKey = new Map(existing.map((r) => [reminderKey(r), r]));
  const out: Reconciled = { scheduled: [], rescheduled: [], cancelled: [] };
  for (const d of desired) {
    const key = reminderKey(d);
    const row = byKey.get(key);
    byKey.delete(key);
    if (!row) {
      const [inserted] = await tx
        .insert(reminders)
        .values({
          id: newId(),
          taskId,
          minutesBefore: d.minutesBefore,
          channel: d.channel,
          dueAt: d.dueAt,
          triggerAt: d.triggerAt,
          status: 'scheduled',
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      out.scheduled.push(inserted!);
      continue;
    }
    const sameDue = row.dueAt.getTime() === d.dueAt.getTime();
    if (row.status === 'scheduled' && sameDue) continue;
    if ((row.status === 'fired' || row.status === 'sent' || row.status === 'failed') && sameDue) continue;
    const [updated] = await tx
      .update(reminders)
      .set({
        dueAt: d.dueAt,
        triggerAt: d.triggerAt,
        status: 'scheduled',
        firedAt: null,
        lateMs: null,
        lastError: null,
        updatedAt: now,
      })
      .where(eq(reminders.id, row.id))
      .returning();
    (row.status === 'cancelled' ? out.scheduled : out.rescheduled).push(updated!);
  }
  const stale = [...byKey.values()].filter((r) => r.status === 'scheduled');
  if (stale.length > 0) {
    out.cancelled = await tx
      .update(reminders)
      .set({ status: 'cancelled', updatedAt: now })
      .where(
        inArray(
          reminders.id,
          stale.map((r) => r.id),
        ),
      )
      .returning();
  }
  return out;
}

export interface DueReminder extends ReminderRow {
  title: string;
  timezone: string;
}

/**
 * Claims the reminders due at `now` inside the caller's transaction: `FOR UPDATE SKIP LOCKED`, so
 * replicas never take the same row, and marks them fired. The claim lives exactly as long as the
 * transaction: a worker that dies mid-way rolls back and the rows are due again at once.
 */
export async function claimDueReminders(tx: Db, now: Date, limit: number): Promise<DueReminder[]> {
  const rows = await tx
    .select({ reminder: reminders, title: tasks.title, timezone: tasks.timezone })
    .from(reminders)
    .innerJoin(tasks, eq(tasks.id, reminders.taskId))
    .where(and(eq(reminders.status, 'scheduled'), lte(reminders.triggerAt, now)))
    .orderBy(asc(reminders.triggerAt))
    .limit(limit)
    .for('update', { of: reminders, skipLocked: true });
  if (rows.length === 0) return [];
  await tx
    .update(reminders)
    .set({
      status: 'fired',
      firedAt: now,
      lateMs: sql`greatest(0, floor(extract(epoch from (${now.toISOString()}::timestamptz - ${reminders.triggerAt})) * 1000))::int`,
      updatedAt: now,
    })
    .where(
      inArray(
        reminders.id,
        rows.map((r) => r.reminder.id),
      ),
    );
  return rows.map((r) => ({ ...r.reminder, title: r.title, timezone: r.timezone }));
}

/** The earliest trigger still waiting, for the timer. */
export async function nextTrigger(db: Db): Promise<Date | null> {
  const [row] = await db
    .select({ at: min(reminders.triggerAt) })
    .from(reminders)
    .where(eq(reminders.status, 'scheduled'));
  return row?.at ?? null;
}

export async function markReminders(
  tx: Db,
  ids: string[],
  status: 'sent' | 'failed',
  now: Date,
  fromStatus: string[],
  lastError?: string,
): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(reminders)
    .set({ status, updatedAt: now, ...(lastError ? { lastError } : {}) })
    .where(and(inArray(reminders.id, ids), inArray(reminders.status, fromStatus)));
}

export function channelOf(row: { channel: string }): ReminderChannel {
  return row.channel === 'email' ? 'email' : 'in-app';
}

/** The reminders a claim took, as a reminder.due announces them (how late each fired, at `now`). */
export function firedReminders(due: readonly DueReminder[], now: Date) {
  return due.map((r) => ({
    reminderId: r.id,
    taskId: r.taskId,
    minutesBefore: r.minutesBefore,
    channel: channelOf(r),
    triggerAt: r.triggerAt.toISOString(),
    dueAt: r.dueAt.toISOString(),
    title: r.title,
    timezone: r.timezone,
    lateMs: Math.max(0, now.getTime() - r.triggerAt.getTime()),
  }));
}

export async function taskIdsOf(db: Db, reminderIds: string[]): Promise<string[]> {
  if (reminderIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ taskId: reminders.taskId })
    .from(reminders)
    .where(inArray(reminders.id, reminderIds));
  return rows.map((r) => r.taskId);
}
