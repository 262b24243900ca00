import { type CompletedEntry, completedBetween } from '../audit/repository';
import type { Db } from '../db/client';
import type { CreateTaskInput, TaskView, UpdateTaskInput } from '../domain/task';
import {
  type CommandContext,
  completeTask,
  createTask,
  getTask,
  reopenTask,
  restoreTask,
  trashTaskById,
  updateTask,
} from '../tasks/commands';
import { queryTasks, type TaskFilter, viewsOf } from '../tasks/repository';

export type { CompletedEntry };

/**
 * What the assistant may do to tasks: the same commands (and so the same events and audit trail)
 * as the REST API, run in the chat function's own process (against the shared database) wherever
 * it runs: no call to another function.
 */
export interface TaskOperations {
  create(input: CreateTaskInput): Promise<TaskView>;
  update(id: string, patch: UpdateTaskInput): Promise<TaskView>;
  complete(id: string): Promise<TaskView>;
  trash(id: string): Promise<TaskView>;
  /** Undo a completion ("no, the other one"). */
  reopen(id: string): Promise<TaskView>;
  /** Undo a deletion: back from the trash. */
  restore(id: string): Promise<TaskView>;
  get(id: string): Promise<TaskView | undefined>;
  list(filter: Partial<TaskFilter> & Pick<TaskFilter, 'status'>): Promise<TaskView[]>;
  /** Completions recorded in the audit trail between two instants (half-open). */
  completedBetween(from: Date, to: Date): Promise<CompletedEntry[]>;
}

export function inProcessOperations(ctx: CommandContext, db: Db): TaskOperations {
  return {
    create: (input) => createTask(ctx, input),
    update: (id, patch) => updateTask(ctx, id, patch),
    complete: async (id) => (await completeTask(ctx, id)).view,
    trash: async (id) => (await trashTaskById(ctx, id)).view,
    reopen: async (id) => (await reopenTask(ctx, id)).view,
    restore: async (id) => (await restoreTask(ctx, id)).view,
    get: async (id) => {
      try {
        return await getTask(db, id);
      } catch {
        return undefined;
      }
    },
    list: async (f) =>
      viewsOf(
        db,
        await queryTasks(db, {
          sort: 'due',
          direction: 'asc',
          limit: 200,
          offset: 0,
          ...f,
        }),
      ),
    completedBetween: (from, to) => completedBetween(db, from, to),
  };
}
