import { z } from 'zod';

export const NotificationKind = z.enum(['reminder', 'digest', 'reminder-failed']);

export const NotificationView = z.object({
  id: z.uuid(),
  kind: NotificationKind,
  title: z.string(),
  body: z.string(),
  taskIds: z.array(z.uuid()),
  createdAt: z.iso.datetime({ offset: true }),
  readAt: z.iso.datetime({ offset: true }).nullable(),
});
export type NotificationView = z.infer<typeof NotificationView>;
