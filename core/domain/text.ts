import { z } from 'zod';

/**
 * The characters `String.prototype.trim` removes (ECMAScript WhiteSpace and LineTerminator), spelled
 * out: `\s` means something else in the Python and Rust regex engines that read our OpenAPI
 * document, so patterns that go into the contract name the characters instead.
 */
export const WHITESPACE =
  '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/** PostgreSQL text cannot hold U+0000, so free text that contains it is refused at the edge. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing U+0000 is the point
export const NO_NUL = /^[^\u0000]*$/;
/** At least one character that trimming keeps. */
export const NOT_BLANK = new RegExp(`[^${WHITESPACE}]`);

const EDGE_WHITESPACE = new RegExp(`^[${WHITESPACE}]+|[${WHITESPACE}]+$`, 'g');

/** Trims the characters of WHITESPACE (the same set as `String.prototype.trim`). */
export function trimText(text: string): string {
  return text.replace(EDGE_WHITESPACE, '');
}

/** Length in Unicode code points: what JSON Schema's `maxLength` counts (zod's `.max` counts UTF-16 units). */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * A string of at most `max` code points with no U+0000: the document says `maxLength: max` and a
 * pattern, and the server checks exactly that.
 */
export function plainText(max: number, message = `at most ${max} characters`) {
  return z
    .string()
    .regex(NO_NUL, 'must not contain NUL (U+0000) characters')
    .refine((s) => codePoints(s) <= max, message)
    .meta({ maxLength: max });
}

/**
 * Free text a person must fill in: not blank, at most `max` code points, no U+0000, trimmed once
 * accepted. The limit applies to the text as sent, so the contract can state it.
 */
export function requiredText(max: number, blankMessage: string) {
  return z
    .string()
    .min(1, { message: blankMessage, abort: true })
    .regex(NOT_BLANK, blankMessage)
    .regex(NO_NUL, 'must not contain NUL (U+0000) characters')
    .refine((s) => codePoints(s) <= max, `at most ${max} characters`)
    .meta({ maxLength: max })
    .transform(trimText);
}
