import { z } from 'zod';
import { RecurrenceMode, RecurrenceRule } from '../domain/recurrence-rule';
import { ReminderChannel, TaskView } from '../domain/task';
import { ValidationError } from '../errors';
import { NotificationView } from '../notifications/view';
import { defineEvent, Envelope, type EventDefinition, type TaskwireEvent } from './define-event';

/** Who caused a change: `api` (REST), `chat`, or `system:<function>` for automatic work. */
export const Actor = z.string().min(1).max(100);

const FieldChange = z.object({ from: z.unknown(), to: z.unknown() });

const TaskChangeData = z.object({
  task: TaskView,
  actor: Actor,
});

export const TaskCreated = defineEvent({
  name: 'task.created',
  topic: 'task-events',
  description: 'A task was created (by a person or as the next occurrence of a series).',
  data: TaskChangeData,
});

export const TaskUpdated = defineEvent({
  name: 'task.updated',
  topic: 'task-events',
  description: 'Fields of a task changed. `changes` holds each changed field before and after.',
  data: TaskChangeData.extend({
    changes: z.record(z.string(), FieldChange),
    /** `none` when the writer sent no If-Match: last write won, and `changes.*.from` is what it overwrote. */
    precondition: z.enum(['if-match', 'none']),
  }),
});

export const TaskCompleted = defineEvent({
  name: 'task.completed',
  topic: 'task-events',
  description: 'A task was marked done.',
  data: TaskChangeData,
});

export const TaskReopened = defineEvent({
  name: 'task.reopened',
  topic: 'task-events',
  description: 'A completed task was made active again.',
  data: TaskChangeData,
});

export const TaskDeleted = defineEvent({
  name: 'task.deleted',
  topic: 'task-events',
  description: 'A task was moved to the trash (restorable for 30 days).',
  data: TaskChangeData,
});

export const TaskRestored = defineEvent({
  name: 'task.restored',
  topic: 'task-events',
  description: 'A task came back from the trash.',
  data: TaskChangeData,
});

export const TaskPurged = defineEvent({
  name: 'task.purged',
  topic: 'task-events',
  description: 'A task was removed for good (permanent delete, or 30 days in the trash).',
  data: z.object({
    taskId: z.uuid(),
    title: z.string(),
    actor: Actor,
    reason: z.enum(['permanent-delete', 'retention']),
  }),
});

export const TASK_EVENTS = [
  TaskCreated,
  TaskUpdated,
  TaskCompleted,
  TaskReopened,
  TaskDeleted,
  TaskRestored,
  TaskPurged,
] as const;

const Instant = z.iso.datetime({ offset: true });

export const RecurringGenerated = defineEvent({
  name: 'recurring.generated',
  topic: 'task-events',
  description:
    'Completing an instance of a series created the next one (or, completed late, the missed ones too).',
  data: z.object({
    seriesId: z.uuid(),
    sourceTaskId: z.uuid(),
    taskId: z.uuid(),
    occurrenceAt: Instant,
    occurrenceIndex: z.number().int().nonnegative(),
    catchUp: z.boolean(),
    rule: RecurrenceRule,
    mode: RecurrenceMode,
    generatedAt: Instant,
    actor: Actor,
  }),
});

export const SeriesUpdated = defineEvent({
  name: 'series.updated',
  topic: 'task-events',
  description:
    'The rule or the template of a recurring series changed (applies to instances generated from now on).',
  data: z.object({
    seriesId: z.uuid(),
    rule: RecurrenceRule,
    mode: RecurrenceMode,
    template: z.record(z.string(), z.unknown()),
    changedFields: z.array(z.string()),
    actor: Actor,
  }),
});

const ReminderRef = z.object({
  reminderId: z.uuid(),
  taskId: z.uuid(),
  minutesBefore: z.number().int().nonnegative(),
  channel: ReminderChannel,
  triggerAt: Instant,
  dueAt: Instant,
});

export const ReminderScheduled = defineEvent({
  name: 'reminder.scheduled',
  topic: 'reminders',
  description: "A reminder was scheduled, or moved because its task's due time changed.",
  data: ReminderRef.extend({ action: z.enum(['scheduled', 'rescheduled']), actor: Actor }),
});

export const ReminderCancelled = defineEvent({
  name: 'reminder.cancelled',
  topic: 'reminders',
  description:
    'A reminder will not fire: its task was completed, deleted, lost its due time or the reminder.',
  data: ReminderRef.extend({ reason: z.string(), actor: Actor }),
});

const FiredReminder = ReminderRef.extend({
  title: z.string(),
  timezone: z.string(),
  /** How late it fired (0 when on time): a missed tick is caught up, never lost. */
  lateMs: z.number().int().nonnegative(),
});

export const ReminderDue = defineEvent({
  name: 'reminder.due',
  topic: 'reminders',
  description:
    'Reminders reached their trigger time. Several due together travel as one event and become one digest.',
  data: z.object({ reminders: z.array(FiredReminder).min(1), firedAt: Instant, actor: Actor }),
});

export const ReminderSent = defineEvent({
  name: 'reminder.sent',
  topic: 'reminders',
  description: 'A reminder reached the person on a channel (in-app, email).',
  data: z.object({
    reminderIds: z.array(z.uuid()),
    taskIds: z.array(z.uuid()),
    channel: ReminderChannel,
    notificationId: z.uuid(),
    attempts: z.number().int().positive(),
    actor: Actor,
  }),
});

export const ReminderFailed = defineEvent({
  name: 'reminder.failed',
  topic: 'reminders',
  description: 'A reminder could not be delivered on a channel after every retry.',
  data: z.object({
    reminderIds: z.array(z.uuid()),
    taskIds: z.array(z.uuid()),
    channel: ReminderChannel,
    notificationId: z.uuid(),
    attempts: z.number().int().nonnegative(),
    reason: z.string(),
    actor: Actor,
  }),
});

export const NotificationCreated = defineEvent({
  name: 'notification.created',
  topic: 'task-updates',
  description: 'Something to show under the bell (and as a toast): a reminder, a digest, a failure.',
  data: z.object({ notification: NotificationView, actor: Actor }),
});

export const ChatInputFlagged = defineEvent({
  name: 'chat.input-flagged',
  topic: 'audit-events',
  description:
    'A chat message looked like an attempt to instruct the assistant (a security event; nothing was changed).',
  data: z.object({
    conversationId: z.uuid(),
    findings: z.array(z.string()),
    excerpt: z.string().max(200),
    actor: Actor,
  }),
});

export const REMINDER_EVENTS = [
  ReminderScheduled,
  ReminderCancelled,
  ReminderDue,
  ReminderSent,
  ReminderFailed,
] as const;

/** Every event type Taskwire knows. Adding one here publishes its JSON Schema and OpenAPI docs. */
export const CATALOG: readonly EventDefinition[] = [
  ...TASK_EVENTS,
  RecurringGenerated,
  SeriesUpdated,
  ChatInputFlagged,

  ...REMINDER_EVENTS,
  NotificationCreated,
];

const byType = new Map<string, EventDefinition>(CATALOG.map((d) => [d.type, d]));

export function definitionOf(type: string): EventDefinition | undefined {
  return byType.get(type);
}

/** Validates a received event against the catalog: unknown types and bad data are ValidationErrors. */
const EventType = Envelope.pick({ type: true });

export function parseEvent(raw: unknown): TaskwireEvent {
  const head = EventType.safeParse(raw);
  if (!head.success)
    throw new ValidationError('event has no valid type', [{ field: 'type', message: 'required' }]);
  const def = byType.get(head.data.type);
  if (!def) {
    throw new ValidationError(`unknown event type ${head.data.type}`, [
      { field: 'type', message: 'not in the catalog' },
    ]);
  }
  return def.parse(raw);
}

export type { EventDefinition, TaskwireEvent } from './define-event';
