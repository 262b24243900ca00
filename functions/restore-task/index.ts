import { TaskView } from '../../core/domain/task';
import { restoreTask } from '../../core/tasks/commands';
import { commandContext } from '../_runtime/command-context';
import { defineFunction, route } from '../_runtime/define-function';
import { TaskIdParams } from '../_shared/schemas';

export default defineFunction({
  id: 'restore-task',
  description: 'Brings a task back from the trash.',
  routes: [
    route({
      method: 'post',
      path: '/api/tasks/:id/restore',
      summary: 'Restore a task from the trash',
      tags: ['tasks'],
      params: TaskIdParams,
      responses: {
        200: { description: 'The restored task', schema: TaskView },
        404: { description: 'No such task (or purged)' },
      },
      handler: async (ctx) => {
        const { view } = await restoreTask(commandContext(ctx), ctx.params.id);
        return { status: 200, body: view };
      },
    }),
  ],
});
