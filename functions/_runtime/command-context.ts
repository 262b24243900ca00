import type { CommandContext } from '../../core/tasks/commands';
import type { InvocationContext } from './define-function';

/** Adapts an invocation to the task commands, naming who acts. */
export function commandContext(ctx: InvocationContext, actor = 'api'): CommandContext {
  return {
    clock: ctx.deps.clock,
    newId: ctx.deps.newId,
    log: ctx.log,
    meta: ctx.meta,
    actor,
    defaultTimezone: async () => (await ctx.deps.settings.get()).timezone,
    transact: ctx.transact,
    insertAtomically: ctx.insertAtomically,
    db: ctx.deps.database.db,
  };
}
