import { ReminderDue } from '../../core/events/catalog';
import { claimDueReminders, firedReminders, nextTrigger } from '../../core/reminders/repository';
import { defineFunction } from '../_runtime/define-function';

/** Reminders claimed per transaction (and listed per reminder.due event). */
const CLAIM_LIMIT = 500;

export default defineFunction({
  id: 'fire-reminders',
  description:
    'Claims due reminders (a timer armed for the next one, a sweep, or a cron tick) and announces reminder.due.',
  tick: {
    cron: '* * * * *',
    everyMs: (deps) => deps.env.REMINDER_SWEEP_MS,
    nextRun: (deps) => nextTrigger(deps.database.db),
    async run(ctx) {
      let fired = 0;
      for (;;) {
        const claimed = await ctx.transact(async (tx) => {
          const now = ctx.deps.clock.now();
          const due = await claimDueReminders(tx, now, CLAIM_LIMIT);
          if (due.length === 0) return { value: 0 };
          const batchId = ctx.deps.newId();
          const event = ReminderDue.create(
            {
              data: {
                reminders: firedReminders(due, now),
                firedAt: now.toISOString(),
                actor: 'system:fire-reminders',
              },
              subject: batchId,
              sequence: 1,
              time: now,
            },
            ctx.meta,
          );
          const late = due.filter((r) => now.getTime() - r.triggerAt.getTime() > 60_000);
          if (late.length > 0) {
            ctx.log.warn(
              { count: late.length, reminderIds: late.map((r) => r.id) },
              'reminders fired late (missed ticks caught up)',
            );
          }
          return { value: due.length, emit: [event] };
        });
        fired += claimed;
        if (claimed < CLAIM_LIMIT || ctx.signal.aborted) break;
      }
      return { fired };
    },
  },
});
