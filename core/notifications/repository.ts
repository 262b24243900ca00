import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { notifications } from '../db/schema';
import type { NotificationView } from './view';

type Row = typeof notifications.$inferSelect;

export function toNotificationView(row: Row): NotificationView {
  return {
    id: row.id,
    kind: row.kind as NotificationView['kind'],
    title: row.title,
    body: row.body,
    taskIds: row.taskIds as string[],
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt ? row.readAt.toISOString() : null,
  };
}

export async function insertNotification(
  tx: Db,
  n: {
    id: string;
    kind: NotificationView['kind'];
    title: string;
    body: string;
    taskIds: string[];
    reminderIds: string[];
    createdAt: Date;
  },
): Promise<NotificationView> {
  const [row] = await tx.insert(notifications).values(n).returning();
  return toNotificationView(row!);
}

export async function listNotifications(
  db: Db,
  opts: { limit: number; before?: Date | undefined; unreadOnly?: boolean },
) {
  const where = [];
  if (opts.before) where.push(lt(notifications.createdAt, opts.before));
  if (opts.unreadOnly) where.push(isNull(notifications.readAt));
  const rows = await db
    .select()
    .from(notifications)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(opts.limit);
  const [{ unread }] = (await db
    .select({ unread: sql<number>`count(*)::int` })
    .from(notifications)
    .where(isNull(notifications.readAt))) as [{ unread: number }];
  return { notifications: rows.map(toNotificationView), unread: Number(unread) };
}

export async function markRead(db: Db, id: string | 'all', at: Date): Promise<NotificationView[]> {
  const rows = await db
    .update(notifications)
    .set({ readAt: at })
    .where(
      id === 'all'
        ? isNull(notifications.readAt)
        : and(eq(notifications.id, id), isNull(notifications.readAt)),
    )
    .returning();
  return rows.map(toNotificationView);
}

export async function findNotification(db: Db, id: string): Promise<NotificationView | undefined> {
  const [row] = await db.select().from(notifications).where(eq(notifications.id, id));
  return row ? toNotificationView(row) : undefined;
}
