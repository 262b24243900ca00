import { TaskView } from '../../core/domain/task';
import { completeTask, reopenTask } from '../../core/tasks/commands';
import { commandContext } from '../_runtime/command-context';
import { defineFunction, route } from '../_runtime/define-function';
import { TaskIdParams } from '../_shared/schemas';

export default defineFunction({
  id: 'complete-task',
  description: 'Marks a task done (idempotently) or active again.',
  routes: [
    route({
      method: 'post',
      path: '/api/tasks/:id/complete',
      summary: 'Complete a task',
      description: 'Idempotent: completing a completed task keeps its first completion time.',
      tags: ['tasks'],
      params: TaskIdParams,
      responses: {
        200: { description: 'The completed task', schema: TaskView },
        404: { description: 'No such task' },
      },
      handler: async (ctx) => {
        const { view } = await completeTask(commandContext(ctx), ctx.params.id);
        return { status: 200, body: view };
      },
    }),
    route({
      method: 'post',
      path: '/api/tasks/:id/reopen',
      summary: 'Reopen a completed task',
      tags: ['tasks'],
      params: TaskIdParams,
      responses: {
        200: { description: 'The active task', schema: TaskView },
        404: { description: 'No such task' },
      },
      handler: async (ctx) => {
        const { view } = await reopenTask(commandContext(ctx), ctx.params.id);
        return { status: 200, body: view };
      },
    }),
  ],
});
