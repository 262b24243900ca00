import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  type ParseResult,
  ParseResultSchema,
  type PendingClarification,
  type PendingClarificationSchema,
  parseUtterance,
} from './index';
import { NY, NY_NOW } from './test-support';

describe('ParseResultSchema', () => {
  it('describes the same shape as the TypeScript types', () => {
    expectTypeOf<z.infer<typeof ParseResultSchema>>().toEqualTypeOf<ParseResult>();
    expectTypeOf<z.infer<typeof PendingClarificationSchema>>().toEqualTypeOf<PendingClarification>();
  });

  it('accepts what the parser returns and rejects a malformed result', () => {
    const result = parseUtterance('Call mom Sunday at 3pm, remind me 15 minutes before #family', {
      now: new Date(NY_NOW),
      timeZone: NY,
    });
    expect(ParseResultSchema.safeParse(result).success).toBe(true);
    expect(ParseResultSchema.safeParse({ intent: 'delete', confidence: 2 }).success).toBe(false);
    expect(
      ParseResultSchema.safeParse({ intent: 'create', confidence: 0.9, task: { due: 'Sunday' } }).success,
    ).toBe(false);
  });
});
