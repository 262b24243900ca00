import {
  claimEmail,
  emailFailed,
  emailSucceeded,
  interruptedEmails,
  nextEmailDue,
  type QueuedEmail,
  releaseEmail,
} from '../../core/email/queue';
import { NotificationCreated, ReminderFailed, ReminderSent } from '../../core/events/catalog';
import type { TaskwireEvent } from '../../core/events/define-event';
import { insertNotification } from '../../core/notifications/repository';
import { markReminders, taskIdsOf } from '../../core/reminders/repository';
import { defineFunction, type InvocationContext } from '../_runtime/define-function';

type Delivery = QueuedEmail;

/** How long an attempt may take before the row is treated as interrupted. */
const SENDING_LEASE_MS = 90_000;
const ACTOR = 'system:deliver-email';

async function fail(ctx: InvocationContext, d: Delivery, reason: string, now: Date): Promise<void> {
  const reminderIds = d.reminderIds as string[];
  await ctx.transact(async (tx) => {
    await emailFailed(tx, d.id, reason);
    await markReminders(tx, reminderIds, 'failed', now, ['sent', 'fired'], reason);
    const taskIds = await taskIdsOf(tx, reminderIds);
    const notification = await insertNotification(tx, {
      id: ctx.deps.newId(),
      kind: 'reminder-failed',
      title: 'A reminder email could not be sent',
      body: `${d.subject} — ${reason}`,
      taskIds,
      reminderIds,
      createdAt: now,
    });
    const emit: TaskwireEvent[] = [
      ReminderFailed.create(
        {
          data: {
            reminderIds,
            taskIds,
            channel: 'email',
            notificationId: d.notificationId,
            attempts: d.attempts,
            reason,
            actor: ACTOR,
          },
          subject: d.id,
          sequence: d.attempts,
          time: now,
        },
        ctx.meta,
      ),
      NotificationCreated.create(
        { data: { notification, actor: ACTOR }, subject: notification.id, sequence: 1, time: now },
        ctx.meta,
      ),
    ];
    return { value: undefined, emit };
  });
  ctx.log.error({ deliveryId: d.id, attempts: d.attempts, reason }, 'reminder email failed for good');
}

/**
 * An attempt whose process died mid-send has an unknown outcome. SMTP has no idempotency, so it
 * is never repeated (at most once) and ends failed; Resend dedupes on the idempotency key, so it
 * is simply tried again.
 */
async function recoverInterrupted(ctx: InvocationContext, now: Date): Promise<void> {
  for (const d of await interruptedEmails(ctx.deps.database.db, now)) {
    if (ctx.deps.mailer.kind === 'resend') {
      await releaseEmail(ctx.deps.database.db, d.id, now);
    } else {
      await fail(
        ctx,
        d,
        'the sending process stopped mid-attempt; not resent, so it is never sent twice',
        now,
      );
    }
  }
}

export default defineFunction({
  id: 'deliver-email',
  description: 'Sends reminder emails (SMTP or Resend), retrying on a schedule, never twice.',
  tick: {
    cron: '* * * * *',
    everyMs: (deps) => deps.env.REMINDER_SWEEP_MS,
    nextRun: (deps) => nextEmailDue(deps.database.db),
    async run(ctx) {
      const delays = ctx.deps.env.EMAIL_RETRY_DELAYS;
      let sent = 0;
      let failed = 0;
      await recoverInterrupted(ctx, ctx.deps.clock.now());
      while (!ctx.signal.aborted) {
        const now = ctx.deps.clock.now();
        const d = await claimEmail(ctx.deps.database, now, ctx.meta.correlationId, SENDING_LEASE_MS);
        if (!d) break;
        try {
          const { id } = await ctx.deps.mailer.send({
            to: d.toAddress,
            subject: d.subject,
            text: d.textBody,
            html: d.htmlBody,
            idempotencyKey: `taskwire-email-${d.id}`,
          });
          await ctx.transact(async (tx) => {
            const at = ctx.deps.clock.now();
            await emailSucceeded(tx, d.id, at, id ?? null);
            const reminderIds = d.reminderIds as string[];
            const taskIds = await taskIdsOf(tx, reminderIds);
            return {
              value: undefined,
              emit: [
                ReminderSent.create(
                  {
                    data: {
                      reminderIds,
                      taskIds,
                      channel: 'email',
                      notificationId: d.notificationId,
                      attempts: d.attempts,
                      actor: ACTOR,
                    },
                    subject: d.id,
                    sequence: d.attempts,
                    time: at,
                  },
                  ctx.meta,
                ),
              ],
            };
          });
          sent++;
        } catch (err) {
          const reason = (err as Error).message.slice(0, 500);
          const retryIn = delays[d.attempts - 1];
          if (retryIn === undefined) {
            await fail(ctx, d, reason, ctx.deps.clock.now());
            failed++;
          } else {
            const at = new Date(ctx.deps.clock.now().getTime() + retryIn * 1000);
            await releaseEmail(ctx.deps.database.db, d.id, at, reason);
            ctx.log.warn(
              { deliveryId: d.id, attempt: d.attempts, retryAt: at.toISOString(), reason },
              'reminder email failed; will retry',
            );
          }
        }
      }
      return { sent, failed };
    },
  },
});
