import { pruneOutbox } from '../../core/outbox/outbox';
import { purgeTask } from '../../core/tasks/commands';
import { expiredTrash } from '../../core/tasks/repository';
import { commandContext } from '../_runtime/command-context';
import { defineFunction } from '../_runtime/define-function';

export default defineFunction({
  id: 'purge-trash',
  description: 'Removes tasks that spent the retention period in the trash, and prunes the event log.',
  tick: {
    cron: '17 * * * *',
    everyMs: 60 * 60_000,
    async run(ctx) {
      const days = ctx.deps.env.TRASH_RETENTION_DAYS;
      const cutoff = new Date(ctx.now.getTime() - days * 86_400_000);
      const cmd = commandContext(ctx, 'system:purge-trash');
      let purged = 0;
      for (;;) {
        const batch = await expiredTrash(ctx.deps.database.db, cutoff, 200);
        for (const task of batch) {
          await purgeTask(cmd, task.id, 'retention');
          purged++;
        }
        if (batch.length < 200 || ctx.signal.aborted) break;
      }
      const pruned = await pruneOutbox(ctx.deps.database);
      const expired = (await ctx.deps.state.purgeExpired?.()) ?? 0;
      if (expired) ctx.log.info({ expired }, 'expired conversations and state purged');

      if (purged || pruned) ctx.log.info({ purged, pruned }, 'trash purged');
      return { purged, prunedEvents: pruned };
    },
  },
});
