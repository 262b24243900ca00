import pino, { type DestinationStream, type Logger } from 'pino';
import { currentContext } from './context';

export type { Logger } from 'pino';

/**
 * JSON lines on stdout: `time` (ISO), `level` (name), `message`, and the correlation id of the
 * action being served, taken from the async context.
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
        return ctx ? { correlationId: ctx.correlationId } : {};
      },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
