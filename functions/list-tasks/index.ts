import { z } from 'zod';
import { Priority, TAGS_MAX, TaskView } from '../../core/domain/task';
import { trimText } from '../../core/domain/text';
import { getTask } from '../../core/tasks/commands';
import { queryTasks, type SortKey, viewsOf } from '../../core/tasks/repository';
import { defineFunction, route } from '../_runtime/define-function';
import {
  Cursor,
  csvOf,
  encodeCursor,
  IsoInstantParam,
  Limit,
  queryText,
  TaskIdParams,
  tagList,
} from '../_shared/schemas';

const SORTS = ['due', 'created', 'updated', 'priority', 'title'] as const;

export const ListQuery = z.object({
  status: z.enum(['active', 'completed', 'all']).default('all'),
  priority: csvOf(Priority.options).optional(),
  tag: tagList(TAGS_MAX).optional(),
  dueBefore: IsoInstantParam.optional(),
  dueAfter: IsoInstantParam.optional(),
  q: queryText(200).transform(trimText).optional(),
  sort: z
    .enum([...SORTS, ...SORTS.map((s) => `-${s}` as const)])
    .default('due')
    .describe('Field to sort by; a leading "-" reverses. "priority" lists high first.'),
  limit: Limit,
  cursor: Cursor.optional(),
});

export const TaskPage = z.object({ tasks: z.array(TaskView), nextCursor: z.string().nullable() });

function sortOf(sort: string): { sort: SortKey; direction: 'asc' | 'desc' } {
  const reversed = sort.startsWith('-');
  const key = (reversed ? sort.slice(1) : sort) as SortKey;
  const natural = key === 'priority' || key === 'updated' || key === 'created' ? 'desc' : 'asc';
  const flip = (d: 'asc' | 'desc') => (d === 'asc' ? 'desc' : 'asc');
  return { sort: key, direction: reversed ? flip(natural) : natural };
}

export default defineFunction({
  id: 'list-tasks',
  description: 'Reads tasks: filtered pages, one task, the trash.',
  routes: [
    route({
      method: 'get',
      path: '/api/tasks',
      summary: 'List tasks',
      description: 'Filters combine with AND. Deleted tasks are never listed here (see /api/trash).',
      tags: ['tasks'],
      query: ListQuery,
      responses: { 200: { description: 'A page of tasks', schema: TaskPage } },
      handler: async ({ query, deps }) => {
        const offset = query.cursor ?? 0;
        const rows = await queryTasks(deps.database.db, {
          status: query.status,
          priority: query.priority,
          tags: query.tag,
          dueBefore: query.dueBefore,
          dueAfter: query.dueAfter,
          q: query.q || undefined,
          ...sortOf(query.sort),
          limit: query.limit + 1,
          offset,
        });
        const page = rows.slice(0, query.limit);
        const nextCursor = rows.length > query.limit ? encodeCursor(offset + query.limit) : null;
        return { status: 200, body: { tasks: await viewsOf(deps.database.db, page), nextCursor } };
      },
    }),
    route({
      method: 'get',
      path: '/api/tasks/:id',
      summary: 'Get one task',
      tags: ['tasks'],
      params: TaskIdParams,
      responses: {
        200: { description: 'The task', schema: TaskView },
        404: { description: 'No such task, or it is in the trash' },
      },
      handler: async ({ params, deps }) => {
        const task = await getTask(deps.database.db, params.id);
        return { status: 200, body: task, headers: { etag: `"${task.version}"` } };
      },
    }),
    route({
      method: 'get',
      path: '/api/trash',
      summary: 'List deleted tasks (kept 30 days)',
      tags: ['tasks'],
      query: z.object({ limit: Limit, cursor: Cursor.optional() }),
      responses: { 200: { description: 'Deleted tasks, newest first', schema: TaskPage } },
      handler: async ({ query, deps }) => {
        const offset = query.cursor ?? 0;
        const rows = await queryTasks(deps.database.db, {
          status: 'all',
          deleted: true,
          sort: 'updated',
          direction: 'desc',
          limit: query.limit + 1,
          offset,
        });
        const page = rows.slice(0, query.limit);
        const nextCursor = rows.length > query.limit ? encodeCursor(offset + query.limit) : null;
        return { status: 200, body: { tasks: await viewsOf(deps.database.db, page), nextCursor } };
      },
    }),
  ],
});
