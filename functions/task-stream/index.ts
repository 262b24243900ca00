import { z } from 'zod';
import { StreamHub } from '../../core/stream/hub';
import { outboxReplay } from '../../core/stream/replay';
import { STREAMED_EVENTS } from '../../core/stream/updates';
import { defineFunction, route } from '../_runtime/define-function';
import type { Deps } from '../_runtime/deps';

const hubs = new WeakMap<Deps, StreamHub>();

/** One hub per process (per deps in tests): the registry of this gateway's live connections. */
export function hubFor(deps: Deps): StreamHub {
  let hub = hubs.get(deps);
  if (!hub) {
    hub = new StreamHub({
      log: deps.log.child({ fn: 'task-stream' }),
      registry: deps.metrics.registry,
      replay: outboxReplay(deps.database),
      heartbeatMs: deps.env.STREAM_HEARTBEAT_MS,
      coalesceMs: deps.env.STREAM_COALESCE_MS,
      maxBufferedBytes: deps.env.STREAM_MAX_BUFFERED_BYTES,
    });
    hubs.set(deps, hub);
    deps.onClose?.(() => hub!.close());
  }
  return hub;
}

export default defineFunction({
  id: 'task-stream',
  description: 'Live updates over Server-Sent Events: every task change and notification, to every open tab.',
  on: STREAMED_EVENTS,
  ephemeral: true,
  broadcast: true,
  handler: async ({ event, deps }) => {
    hubFor(deps).publish(event);
    return {};
  },
  routes: [
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
        hubFor(ctx.deps).connect({
          lastEventId: ctx.header('last-event-id') || ctx.query.lastEventId,
          signal: ctx.request.signal,
          outgoing: ctx.outgoing,
          headers: { 'x-correlation-id': ctx.meta.correlationId },
        }),
    }),
  ],
});
