import { z } from 'zod';
import { STREAMED_EVENTS } from '../../core/stream/updates';
import { defineFunction } from '../_runtime/define-function';

export default defineFunction({
  id: 'task-stream',
  description: 'Live updates over Server-Sent Events: every task change and notification, to every open tab.',
  /** The connections of this process, fed by every instance's own copy of each change. */
  setup: (deps) => {
    const stream = deps.openLiveStream();
    deps.onClose?.(() => stream.close());
    return stream;
  },
  on: STREAMED_EVENTS,
  ephemeral: true,
  broadcast: true,
  handler: async ({ event, local }) => {
    local.publish(event);
    return {};
  },
  routes: (route) => [
    route({
      method: 'get',
      path: '/api/stream',
      summary: 'Live updates (Server-Sent Events)',
      description:
        'event: hello on connect; event: update with {"updates": [...]} (changes within a short window coalesced, id = the last event); a heartbeat comment every 15 s. Send Last-Event-ID (EventSource does on reconnect) to replay what was missed; event: reset when that is too old.',
      tags: ['stream'],
      query: z.object({ lastEventId: z.string().max(200).optional() }),
      headers: { 'Last-Event-ID': 'Replay everything after this event' },
      responses: { 200: { description: 'An event stream', contentType: 'text/event-stream' } },
      handler: async (ctx) =>
        ctx.local.connect({
          lastEventId: ctx.header('last-event-id') || ctx.query.lastEventId,
          signal: ctx.request.signal,
          native: ctx.native,
          headers: { 'x-correlation-id': ctx.meta.correlationId },
        }),
    }),
  ],
});
