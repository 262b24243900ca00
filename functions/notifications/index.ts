import { z } from 'zod';
import { NotFoundError } from '../../core/errors';
import { findNotification, listNotifications, markRead } from '../../core/notifications/repository';
import { NotificationView } from '../../core/notifications/view';
import { defineFunction, route } from '../_runtime/define-function';
import { IsoInstantParam, Limit } from '../_shared/schemas';

const NotificationPage = z.object({ notifications: z.array(NotificationView), unread: z.number().int() });

export default defineFunction({
  id: 'notifications',
  description: 'The bell: lists notifications and marks them read.',
  routes: [
    route({
      method: 'get',
      path: '/api/notifications',
      summary: 'List notifications, newest first, with the unread count',
      tags: ['notifications'],
      query: z.object({
        limit: Limit,
        before: IsoInstantParam.optional(),
        unread: z.enum(['true', 'false']).default('false'),
      }),
      responses: { 200: { description: 'Notifications', schema: NotificationPage } },
      handler: async ({ query, deps }) => ({
        status: 200,
        body: await listNotifications(deps.database.db, {
          limit: query.limit,
          before: query.before,
          unreadOnly: query.unread === 'true',
        }),
      }),
    }),
    route({
      method: 'post',
      path: '/api/notifications/:id/read',
      summary: 'Mark one notification read',
      tags: ['notifications'],
      params: z.object({ id: z.uuid('notification ids are UUIDs') }),
      responses: {
        200: { description: 'The notification', schema: NotificationView },
        404: { description: 'No such notification' },
      },
      handler: async ({ params, deps }) => {
        await markRead(deps.database.db, params.id, deps.clock.now());
        const found = await findNotification(deps.database.db, params.id);
        if (!found) throw new NotFoundError(`no notification ${params.id}`);
        return { status: 200, body: found };
      },
    }),
    route({
      method: 'post',
      path: '/api/notifications/read-all',
      summary: 'Mark every notification read',
      tags: ['notifications'],
      responses: { 200: { description: 'How many changed', schema: z.object({ marked: z.number().int() }) } },
      handler: async ({ deps }) => ({
        status: 200,
        body: { marked: (await markRead(deps.database.db, 'all', deps.clock.now())).length },
      }),
    }),
  ],
});
