import type { Hono } from 'hono';
import type { TaskwireEvent } from '../../core/events/define-event';
import { fromHttp } from '../../core/events/http-binding';
import { type DeadLetterSink, isRetryableStatus } from '../../core/ports/bus';

/** Where Knative Triggers send what they give up on (their `deadLetterSink` uri). */
export const KNATIVE_DEAD_LETTER_PATH = '/knative/dead-letters';

/** The function a Trigger delivered to, from its address (`http://audit-sink.taskwire.svc.cluster.local/`). */
function consumerOf(dest: unknown): string {
  try {
    return new URL(String(dest)).hostname.split('.')[0] || 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The dead-letter sink Knative Triggers deliver to when they give up (their `deadLetterSink` uri):
 * records the event where people look for it, with the error Knative attached.
 */
export function mountKnativeDeadLetters(
  app: Hono,
  deadLetters: DeadLetterSink,
  attemptsOf: (consumer: string) => number,
): void {
  app.post(KNATIVE_DEAD_LETTER_PATH, async (c) => {
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => {
      headers[k.toLowerCase()] = v;
    });
    const raw = fromHttp(headers, await c.req.text());
    const { knativeerrorcode, knativeerrordata, knativeerrordest, ...event } = raw;
    const consumer = consumerOf(knativeerrordest);
    const code = Number(knativeerrorcode);
    const status = Number.isInteger(code) && code > 0 ? code : null;
    const reason = knativeerrordata
      ? Buffer.from(String(knativeerrordata), 'base64').toString('utf8').slice(0, 2000)
      : `delivery to ${String(knativeerrordest ?? 'the subscriber')} failed`;
    await deadLetters.record({
      consumer,
      event: event as unknown as TaskwireEvent,
      status,
      reason,
      // A status Knative does not retry was the only attempt; otherwise the Trigger used them all.
      attempts: status !== null && !isRetryableStatus(status) ? 1 : attemptsOf(consumer),
    });
    return c.json({ recorded: true }, 202);
  });
}
