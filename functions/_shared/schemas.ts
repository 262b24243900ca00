import { z } from 'zod';

export const TaskIdParams = z.object({ id: z.uuid('task ids are UUIDs') });

/** Opaque page cursor (an offset today; clients must not rely on its content). */
export const Cursor = z
  .string()
  .max(200)
  .transform((text, ctx) => {
    try {
      const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { o?: unknown };
      if (typeof value.o === 'number' && Number.isInteger(value.o) && value.o >= 0) return value.o;
    } catch {
      // fall through to the issue below
    }
    ctx.addIssue({ code: 'custom', message: 'not a cursor this API issued' });
    return z.NEVER;
  });

export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

/** Comma-separated list in a query string: `priority=high,low`. */
export function csv<T extends z.ZodType<unknown, string>>(item: T) {
  return z
    .string()
    .max(1000)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(50));
}

export const Limit = z.coerce.number().int().min(1).max(200).default(50);

export const IsoInstantParam = z.iso
  .datetime({ offset: true, message: 'an ISO 8601 instant such as 2030-01-02T17:00:00Z' })
  .transform((s) => new Date(s));
