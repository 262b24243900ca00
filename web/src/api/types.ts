/**
 * The API's vocabulary as the web app uses it: the types generated from the server's schemas
 * (schema.gen.ts, `npm run gen:web-types`), and a few client-side views of them.
 */
import type { Priority, TaskListQuery, Update } from './schema.gen';

export type * from './schema.gen';

export type Sort = NonNullable<TaskListQuery['sort']>;
export type SortKey = Exclude<Sort, `-${string}`>;

/** GET /api/tasks as the client builds it: the lists as arrays (the client sends them comma-separated). */
export interface TaskQuery extends Omit<TaskListQuery, 'priority' | 'tag'> {
  priority?: Priority[];
  tag?: string[];
}

export type TaskUpdate = Extract<Update, { kind: 'task' }>;
export type NotificationUpdate = Extract<Update, { kind: 'notification' }>;
export type TaskChange = TaskUpdate['type'];
