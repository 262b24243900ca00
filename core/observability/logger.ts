import pino, { type DestinationStream, type Logger } from 'pino';
import { currentContext } from './context';
import { activeSpanIds, traceIdOf } from './tracing';

export type { Logger } from 'pino';

/**
 * JSON lines on stdout: `time` (ISO), `level` (name), `message`, and the correlation id of the
 * action being served, taken from the async context; `traceId` (and `spanId`) when it is traced.
 */
export function createLogger(
  opts: { level?: string; name?: string; destination?: DestinationStream } = {},
): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      name: opts.name ?? 'taskwire',
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      base: { pid: process.pid },
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const ctx = currentContext();
        const span = activeSpanIds();
        if (span) return ctx ? { correlationId: ctx.correlationId, ...span } : span;
        if (!ctx) return {};
        const traceId = traceIdOf(ctx.traceparent);
        return traceId ? { correlationId: ctx.correlationId, traceId } : { correlationId: ctx.correlationId };
      },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
