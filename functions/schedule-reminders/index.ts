import {
  ReminderCancelled,
  ReminderScheduled,
  TaskCompleted,
  TaskCreated,
  TaskDeleted,
  TaskReopened,
  TaskRestored,
  TaskUpdated,
} from '../../core/events/catalog';
import type { TaskwireEvent } from '../../core/events/define-event';
import { desiredReminders } from '../../core/reminders/plan';
import { channelOf, type ReminderRow, reconcileReminders } from '../../core/reminders/repository';
import { findTask } from '../../core/tasks/repository';
import { defineFunction } from '../_runtime/define-function';

function ref(row: ReminderRow) {
  return {
    reminderId: row.id,
    taskId: row.taskId,
    minutesBefore: row.minutesBefore,
    channel: channelOf(row),
    triggerAt: row.triggerAt.toISOString(),
    dueAt: row.dueAt.toISOString(),
  };
}

/** Fields a reminder is computed from; an update touching none of them leaves reminders as they are. */
const REMINDER_FIELDS = ['due', 'reminders', 'timezone'];

/**
 * Most events cannot change a task's reminders (a task created without any, a renamed one): they
 * skip the reconciliation and its queries, which otherwise bound the whole relay's throughput.
 */
function cannotAffectReminders(event: TaskwireEvent): boolean {
  if (TaskCreated.is(event)) return event.data.task.reminders.length === 0;
  if (TaskUpdated.is(event)) return !Object.keys(event.data.changes).some((k) => REMINDER_FIELDS.includes(k));
  return false;
}

export default defineFunction({
  id: 'schedule-reminders',
  description: 'Keeps reminder rows in step with tasks: schedules, moves and cancels them.',
  // A purged task takes its reminders with it (foreign key cascade): nothing to do for task.purged.
  on: [TaskCreated, TaskUpdated, TaskCompleted, TaskReopened, TaskDeleted, TaskRestored],
  batch: true,
  ignores: cannotAffectReminders,
  handler: async ({ event, tx, deps, meta }) => {
    const now = deps.clock.now();
    const task = await findTask(tx, event.subject, { includeDeleted: true, forUpdate: true });
    const { defaultReminderChannel } = await deps.settings.get(tx);
    const changes = await reconcileReminders(
      tx,
      event.subject,
      desiredReminders(task, defaultReminderChannel, now),
      now,
      deps.newId,
    );
    const sequence = task?.version ?? event.sequence;
    const actor = `system:schedule-reminders`;
    const emit: TaskwireEvent[] = [
      ...changes.scheduled.map((r) =>
        ReminderScheduled.create(
          {
            data: { ...ref(r), action: 'scheduled', actor },
            subject: r.id,
            partitionKey: r.taskId,
            sequence,
            time: now,
          },
          meta,
        ),
      ),
      ...changes.rescheduled.map((r) =>
        ReminderScheduled.create(
          {
            data: { ...ref(r), action: 'rescheduled', actor },
            subject: r.id,
            partitionKey: r.taskId,
            sequence,
            time: now,
          },
          meta,
        ),
      ),
      ...changes.cancelled.map((r) =>
        ReminderCancelled.create(
          {
            data: { ...ref(r), reason: task ? `task ${event.type.split('.')[3]}` : 'task gone', actor },
            subject: r.id,
            partitionKey: r.taskId,
            sequence,
            time: now,
          },
          meta,
        ),
      ),
    ];
    const moved = changes.scheduled.length + changes.rescheduled.length > 0;
    return { emit, ...(moved ? { after: () => deps.wake('fire-reminders') } : {}) };
  },
});
