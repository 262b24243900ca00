import { z } from 'zod';
import { TaskView, UpdateTaskInput } from '../../core/domain/task';
import { updateTask } from '../../core/tasks/commands';
import { commandContext } from '../_runtime/command-context';
import { defineFunction, route } from '../_runtime/define-function';
import { IfMatchHeader, parseIfMatch } from '../_shared/if-match';
import { TaskIdParams } from '../_shared/schemas';

export default defineFunction({
  id: 'update-task',
  description: 'Changes fields of a task, with optimistic locking through If-Match.',
  routes: [
    route({
      method: 'patch',
      path: '/api/tasks/:id',
      summary: 'Update a task',
      description:
        'Send only the fields to change; null clears description, due or priority. With If-Match a stale version is a 409; without it the last write wins and the overwritten values are audited.',
      tags: ['tasks'],
      params: TaskIdParams,
      query: z.object({
        scope: z
          .enum(['instance', 'series'])
          .default('instance')
          .describe('series: also change the template of future instances of a recurring task'),
      }),
      body: UpdateTaskInput,
      headers: { 'If-Match': { description: 'The version the client last saw', schema: IfMatchHeader } },
      responses: {
        200: { description: 'The updated task', schema: TaskView },
        404: { description: 'No such task' },
        409: { description: 'If-Match does not match the stored version' },
      },
      handler: async (ctx) => {
        const ifMatch = parseIfMatch(ctx.header('if-match'));
        const task = await updateTask(commandContext(ctx), ctx.params.id, ctx.body, {
          ifMatch,
          scope: ctx.query.scope,
        });
        return { status: 200, body: task, headers: { etag: `"${task.version}"` } };
      },
    }),
  ],
});
