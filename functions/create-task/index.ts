import { CreateTaskInput, TaskView } from '../../core/domain/task';
import { createTask } from '../../core/tasks/commands';
import { commandContext } from '../_runtime/command-context';
import { defineFunction, route } from '../_runtime/define-function';

export default defineFunction({
  id: 'create-task',
  description: 'Creates a task (and its series when it recurs) and announces task.created.',
  routes: [
    route({
      method: 'post',
      path: '/api/tasks',
      summary: 'Create a task',
      tags: ['tasks'],
      body: CreateTaskInput,
      responses: {
        201: { description: 'The created task', schema: TaskView },
        400: { description: 'A field is invalid (named in errors[].field)' },
        413: { description: 'Body too large' },
        415: { description: 'Body is not JSON' },
      },
      handler: async (ctx) => {
        const task = await createTask(commandContext(ctx), ctx.body);
        return {
          status: 201,
          body: task,
          headers: { location: `/api/tasks/${task.id}`, etag: `"${task.version}"` },
        };
      },
    }),
  ],
});
