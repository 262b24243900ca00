import { z } from 'zod';
import { ValidationError } from '../../core/errors';

/** The version an `If-Match` header names: accepts `3`, `"3"` and `W/"3"`; none (or `*`) is undefined. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m)
    throw new ValidationError('If-Match must be the task version, e.g. "3"', [
      { field: 'If-Match', message: 'not a version' },
    ]);
  return Number(m[1]);
}

/**
 * The header as the OpenAPI document states it and the HTTP edge checks it before the handler:
 * a version as `3`, `"3"` or `W/"3"`, or `*`, with optional spaces or tabs around.
 */
export const IfMatchHeader = z
  .string()
  .regex(/^[ \t]*(?:\*|(?:W\/)?"?\d{1,9}"?)?[ \t]*$/, 'the version last seen, e.g. "3"');
