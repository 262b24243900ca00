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

export default defineFunction({
  id: 'schedule-reminders',
  description: 'Keeps reminder rows in step with tasks: schedules, moves and cancels them.',
  // A purged task takes its reminders with it (foreign key cascade): nothing to do for task.purged.
  on: [TaskCreated, TaskUpdated, TaskCompleted, TaskReopened, TaskDeleted, TaskRestored],
  batch: true,
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
