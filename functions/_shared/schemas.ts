import { z } from 'zod';
import { normaliseTag, STORED_TAG_SOURCE, TAG_MAX } from '../../core/domain/task';
import { NO_NUL } from '../../core/domain/text';

export const TaskIdParams = z.object({ id: z.uuid('task ids are UUIDs') });

const CURSOR_RE = /^o(?:0|[1-9]\d{0,14})$/;

/** Opaque page cursor (an offset today; clients must not rely on its content, only pass it back). */
export const Cursor = z
  .string()
  .regex(CURSOR_RE, 'not a cursor this API issued')
  .transform((text) => Number(text.slice(1)));

export function encodeCursor(offset: number): string {
  return `o${offset}`;
}

/**
 * A comma-separated list of enum values in a query string: `priority=high,low`. Exactly what the
 * pattern says is accepted (no spaces, no empty items), so the contract can state it.
 */
export function csvOf<const T extends string>(values: readonly T[], maxItems = 50) {
  const one = `(?:${values.map((v) => v.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|')})`;
  return z
    .string()
    .regex(
      new RegExp(`^${one}(?:,${one}){0,${maxItems - 1}}$`),
      `a comma-separated list of at most ${maxItems} of: ${values.join(', ')}`,
    )
    .transform((s) => s.split(',') as T[]);
}

/** `tag=work,home`: tags as stored (letters, digits, '_', '-', '.'), compared after lower-casing. */
export function tagList(maxItems: number) {
  return z
    .string()
    .regex(
      new RegExp(`^${STORED_TAG_SOURCE}(?:,${STORED_TAG_SOURCE}){0,${maxItems - 1}}$`, 'u'),
      `a comma-separated list of at most ${maxItems} tags (letters, digits, "-", "_" or ".", starting with a letter or digit, at most ${TAG_MAX} each)`,
    )
    .transform((s) => s.split(',').map(normaliseTag));
}

/** Free text in a query string (search words, ids of other systems): no U+0000, at most `max` characters. */
export function queryText(max: number) {
  return z.string().max(max).regex(NO_NUL, 'must not contain NUL (U+0000) characters');
}

const DECIMAL_RE = /^(?:0|-?[1-9]\d{0,15})$/;

/**
 * An integer in a path or query string, written plainly: `12`, not ` 12`, `012`, `1e1` or `0x0c`
 * (which `Number()` would all take). The document shows the number's own schema.
 */
export function intParam(bounds: { min: number; max?: number }) {
  return z.preprocess(
    (v) => (typeof v === 'string' && DECIMAL_RE.test(v) ? Number(v) : v),
    z
      .number({ error: 'a whole number written in digits' })
      .int()
      .min(bounds.min)
      .max(bounds.max ?? Number.MAX_SAFE_INTEGER),
  );
}

export const Limit = intParam({ min: 1, max: 200 }).default(50);

export const IsoInstantParam = z.iso
  .datetime({ offset: true, message: 'an ISO 8601 instant such as 2030-01-02T17:00:00Z' })
  .transform((s) => new Date(s));
