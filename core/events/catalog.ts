import { z } from 'zod';
import { TaskView } from '../domain/task';
import { ValidationError } from '../errors';
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

/** Every event type Taskwire knows. Adding one here publishes its JSON Schema and OpenAPI docs. */
export const CATALOG: readonly EventDefinition[] = [...TASK_EVENTS];

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
