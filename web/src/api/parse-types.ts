/** Views of `POST /api/parse` (ParseRequest and ParsedLine are generated into schema.gen.ts). */
import type { ParsedLine, ParseRequest } from './types';

export type { ParsedLine };
export type ParseInput = ParseRequest;
export type ParseMode = NonNullable<ParseRequest['mode']>;
/** One thing understood: a field whole, or one tag. */
export type ParsedPart = ParsedLine['parts'][number];
/** [start, end) offsets into the text that was parsed, end exclusive. */
export type Span = ParsedPart['spans'][number];
