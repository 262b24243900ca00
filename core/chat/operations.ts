import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditLog } from '../db/schema';
import type { CreateTaskInput, TaskView, UpdateTaskInput } from '../domain/task';
import {
  type CommandContext,
  completeTask,
  createTask,
  getTask,
  trashTaskById,
  updateTask,
} from '../tasks/commands';
import { queryTasks, type TaskFilter, viewsOf } from '../tasks/repository';

export interface CompletedEntry {
  taskId: string;
  title: string;
  at: string;
}

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
    completedBetween: async (from, to) => {
      const rows = await db
        .select({ entityId: auditLog.entityId, details: auditLog.details, at: auditLog.at })
        .from(auditLog)
        .where(
          and(
            eq(auditLog.entityType, 'task'),
            eq(auditLog.action, 'completed'),
            gte(auditLog.at, from),
            lt(auditLog.at, to),
          ),
        )
        .orderBy(desc(auditLog.at))
        .limit(200);
      const seen = new Set<string>();
      const out: CompletedEntry[] = [];
      for (const r of rows) {
        if (seen.has(r.entityId)) continue;
        seen.add(r.entityId);
        out.push({
          taskId: r.entityId,
          title: String((r.details as { title?: unknown }).title ?? 'a task'),
          at: r.at.toISOString(),
        });
      }
      return out;
    },
  };
}
