import type { ReminderChannel, Task } from '../domain/task';

export interface DesiredReminder {
  minutesBefore: number;
  channel: ReminderChannel;
  dueAt: Date;
  triggerAt: Date;
}

export function reminderKey(r: { minutesBefore: number; channel: string }): string {
  return `${r.minutesBefore}:${r.channel}`;
}

/**
 * The reminders a task should have right now: one per spec while it is active, not in the trash
 * and due in the future. A trigger already in the past (the task was created or moved close to its
 * due time) still fires — at once, marked late.
 */
export function desiredReminders(
  task: Task | undefined,
  defaultChannel: ReminderChannel,
  now: Date,
): DesiredReminder[] {
  if (task?.status !== 'active' || task.deletedAt || !task.due) return [];
  if (task.due.getTime() <= now.getTime()) return [];
  const due = task.due;
  const seen = new Set<string>();
  const out: DesiredReminder[] = [];
  for (const spec of task.reminders) {
    const wanted = { minutesBefore: spec.minutesBefore, channel: spec.channel ?? defaultChannel };
    const key = reminderKey(wanted);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...wanted, dueAt: due, triggerAt: new Date(due.getTime() - spec.minutesBefore * 60_000) });
  }
  return out;
}
