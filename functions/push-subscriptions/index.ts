import { z } from 'zod';
import { vapidIdentityOnce } from '../../core/push/keys';
import {
  PushSubscriptionInput,
  PushSubscriptionView,
  PushUnsubscribeInput,
  removeSubscription,
  saveSubscription,
} from '../../core/push/subscriptions';
import { defineFunction } from '../_runtime/define-function';

const PushKey = z.object({
  publicKey: z.string().describe('base64url of the uncompressed P-256 point: `applicationServerKey`'),
});

export default defineFunction({
  id: 'push-subscriptions',
  description:
    "Web Push: hands browsers the server's VAPID public key, and stores or removes their subscriptions.",
  setup: (deps) => ({
    identity: vapidIdentityOnce(deps.database.db, deps.env, () => deps.clock.now()),
  }),
  routes: (route) => [
    route({
      method: 'get',
      path: '/api/push/key',
      summary: "The server's VAPID public key",
      description:
        'The `applicationServerKey` for `pushManager.subscribe()` (RFC 8292). Made on first use and kept, unless VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY are set.',
      tags: ['push'],
      responses: { 200: { description: 'The key', schema: PushKey } },
      handler: async ({ local }) => ({
        status: 200,
        body: { publicKey: (await local.identity()).publicKey },
      }),
    }),
    route({
      method: 'post',
      path: '/api/push/subscriptions',
      summary: 'Subscribe a browser to reminders by push',
      description:
        "The browser's `PushSubscription` as `toJSON()` gives it. Every reminder is then pushed to it too. Sending one already known (same endpoint) refreshes its keys.",
      tags: ['push'],
      body: PushSubscriptionInput,
      responses: {
        201: { description: 'Subscribed', schema: PushSubscriptionView },
        200: { description: 'Already subscribed; keys refreshed', schema: PushSubscriptionView },
      },
      handler: async ({ body, deps, log }) => {
        const { created, subscription } = await saveSubscription(
          deps.database.db,
          body,
          deps.clock.now(),
          deps.newId,
        );
        if (created)
          log.info({ pushService: new URL(subscription.endpoint).origin }, 'push subscription added');
        return {
          status: created ? 201 : 200,
          body: {
            endpoint: subscription.endpoint,
            createdAt: subscription.createdAt.toISOString(),
            updatedAt: subscription.updatedAt.toISOString(),
          },
        };
      },
    }),
    route({
      method: 'delete',
      path: '/api/push/subscriptions',
      summary: 'Unsubscribe a browser',
      description: 'Forgets the subscription with this endpoint; pushes still waiting for it are cancelled.',
      tags: ['push'],
      body: PushUnsubscribeInput,
      responses: { 204: { description: 'Not subscribed (any more)' } },
      handler: async ({ body, transact, log }) => {
        const removed = await transact(async (tx) => ({
          value: await removeSubscription(tx, { endpoint: body.endpoint }, 'unsubscribed'),
        }));
        if (removed) log.info('push subscription removed');
        return { status: 204 };
      },
    }),
  ],
});
