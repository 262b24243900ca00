import { z } from 'zod';
import { purgeTask, trashTaskById } from '../../core/tasks/commands';
import { commandContext } from '../_runtime/command-context';
import { defineFunction, route } from '../_runtime/define-function';
import { TaskIdParams } from '../_shared/schemas';

export default defineFunction({
  id: 'delete-task',
  description: 'Moves a task to the trash, or deletes it for good with ?permanent=true.',
  routes: [
    route({
      method: 'delete',
      path: '/api/tasks/:id',
      summary: 'Delete a task',
      description: 'By default the task goes to the trash for 30 days; permanent=true removes it at once.',
      tags: ['tasks'],
      params: TaskIdParams,
      query: z.object({ permanent: z.enum(['true', 'false']).default('false') }),
      responses: { 204: { description: 'Deleted' }, 404: { description: 'No such task' } },
      handler: async (ctx) => {
        if (ctx.query.permanent === 'true')
          await purgeTask(commandContext(ctx), ctx.params.id, 'permanent-delete');
        else await trashTaskById(commandContext(ctx), ctx.params.id);
        return { status: 204 };
      },
    }),
  ],
});
