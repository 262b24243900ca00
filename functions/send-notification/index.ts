import { enqueueEmail } from '../../core/email/queue';
import { NotificationCreated, ReminderDue, ReminderSent } from '../../core/events/catalog';
import { insertNotification } from '../../core/notifications/repository';
import { composeReminder } from '../../core/reminders/compose';
import { markReminders } from '../../core/reminders/repository';
import { defineFunction } from '../_runtime/define-function';

export default defineFunction({
  id: 'send-notification',
  description:
    'Turns due reminders into an in-app notification (always) and an email to send (when configured).',
  on: [ReminderDue],
  handler: async ({ event, tx, deps, meta, log }) => {
    const now = deps.clock.now();
    const items = ReminderDue.narrow(event).data.reminders;
    const settings = await deps.settings.get(tx);
    const reminderIds = items.map((i) => i.reminderId);
    const taskIds = [...new Set(items.map((i) => i.taskId))];
    const compose = (list: typeof items) =>
      composeReminder(list, { timeZone: settings.timezone, now, publicUrl: deps.env.publicUrl });
    const inApp = compose(items);
    const notification = await insertNotification(tx, {
      id: deps.newId(),
      kind: inApp.kind,
      title: inApp.title,
      body: inApp.body,
      taskIds,
      reminderIds,
      createdAt: now,
    });
    await markReminders(tx, reminderIds, 'sent', now, ['fired']);
    const actor = 'system:send-notification';
    const emit = [
      NotificationCreated.create(
        { data: { notification, actor }, subject: notification.id, sequence: 1, time: now },
        meta,
      ),
      ReminderSent.create(
        {
          data: {
            reminderIds,
            taskIds,
            channel: 'in-app',
            notificationId: notification.id,
            attempts: 1,
            actor,
          },
          subject: notification.id,
          sequence: 1,
          time: now,
        },
        meta,
      ),
    ];
    const byEmail = items.filter((i) => i.channel === 'email');
    if (byEmail.length === 0) return { emit };
    if (deps.mailer.kind === 'none' || !settings.email) {
      log.info(
        {
          reminderIds: byEmail.map((i) => i.reminderId),
          mailer: deps.mailer.kind,
          hasAddress: Boolean(settings.email),
        },
        'email reminder shown in-app only: no email provider or no address in settings',
      );
      return { emit };
    }
    const mail = compose(byEmail);
    await enqueueEmail(
      tx,
      {
        id: deps.newId(),
        notificationId: notification.id,
        reminderIds: byEmail.map((i) => i.reminderId),
        to: settings.email,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      },
      now,
    );
    return { emit, after: () => deps.wake('deliver-email') };
  },
});
