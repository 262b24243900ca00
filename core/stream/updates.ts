import { z } from 'zod';
import { TaskView } from '../domain/task';
import { NotificationCreated, TASK_EVENTS, TaskPurged } from '../events/catalog';
import type { TaskwireEvent } from '../events/define-event';
import { NotificationView } from '../notifications/view';

/** What a client renders: one task's new state, or a notification. */
export const Update = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('task'),
    type: z.enum(['created', 'updated', 'completed', 'reopened', 'deleted', 'restored', 'purged']),
    taskId: z.uuid(),
    /** The task's version: clients keep what they hold unless this is newer. */
    sequence: z.number().int(),
    task: TaskView.nullable(),
  }),
  z.object({ kind: z.literal('notification'), notification: NotificationView }),
]);
export type Update = z.infer<typeof Update>;

/** The event types the stream carries to clients. */
export const STREAMED_EVENTS = [...TASK_EVENTS, NotificationCreated] as const;
export const STREAMED_TYPES = STREAMED_EVENTS.map((d) => d.type);

/** Turns an event into what clients render (undefined for events clients do not see). */
export function toUpdate(event: TaskwireEvent): Update | undefined {
  if (NotificationCreated.is(event)) return { kind: 'notification', notification: event.data.notification };
  if (TaskPurged.is(event)) {
    return { kind: 'task', type: 'purged', taskId: event.data.taskId, sequence: event.sequence, task: null };
  }
  const def = TASK_EVENTS.find((d) => d.type === event.type);
  if (!def) return undefined;
  const data = event.data as { task: TaskView };
  const type = def.name.slice('task.'.length) as Exclude<Update & { kind: 'task' }, never>['type'];
  return { kind: 'task', type, taskId: event.subject, sequence: event.sequence, task: data.task };
}

/** Several updates of one task in a burst: only the newest matters. Order is kept otherwise. */
export function coalesce(updates: Update[]): Update[] {
  const newest = new Map<string, number>();
  updates.forEach((u, i) => {
    if (u.kind !== 'task') return;
    const prev = newest.get(u.taskId);
    if (prev === undefined || (updates[prev] as { sequence: number }).sequence <= u.sequence)
      newest.set(u.taskId, i);
  });
  return updates.filter((u, i) => u.kind !== 'task' || newest.get(u.taskId) === i);
}
