import { CreateTaskInput, TaskView } from '../../core/domain/task';
import { createTask } from '../../core/tasks/commands';
import { commandContext } from '../_runtime/command-context';
import { defineFunction, type LinkDoc, route } from '../_runtime/define-function';

const byId = { id: '$response.body#/id' };

/**
 * What a client does next with the task it created (OpenAPI links). Restoring is left out: it
 * follows a delete, and link-walking tools read a deleted task that is readable again as a bug.
 */
const TASK_LINKS = {
  GetTask: { method: 'get', path: '/api/tasks/:id', parameters: byId },
  UpdateTask: { method: 'patch', path: '/api/tasks/:id', parameters: byId },
  CompleteTask: { method: 'post', path: '/api/tasks/:id/complete', parameters: byId },
  ReopenTask: { method: 'post', path: '/api/tasks/:id/reopen', parameters: byId },
  DeleteTask: { method: 'delete', path: '/api/tasks/:id', parameters: byId },
} satisfies Record<string, LinkDoc>;

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
        201: { description: 'The created task', schema: TaskView, links: TASK_LINKS },
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
