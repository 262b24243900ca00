/** Longest utterance we read; longer text is cut at a word boundary. */
export const MAX_INPUT_CHARS = 1000;

// C0/C1 controls, zero-width and bidi-override characters: invisible, and a classic way to
// smuggle instructions past a reader.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;

/**
 * Makes raw chat text safe and regular: NFKC, straight quotes, no control or invisible
 * characters, single spaces, at most {@link MAX_INPUT_CHARS} characters.
 *
 * @example sanitise('  call\u0000 mom\u200b “now” ') // 'call mom "now"'
 */
export function sanitise(raw: string): string {
  let text = raw.normalize('NFKC').replace(INVISIBLE, ' ');
  text = text
    .replace(/[\u2018\u2019\u201a\u201b\u2032`´]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033«»]/g, '"')
    .replace(/[\u2013\u2014\u2212]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length > MAX_INPUT_CHARS) {
    const cut = text.lastIndexOf(' ', MAX_INPUT_CHARS);
    text = text.slice(0, cut > MAX_INPUT_CHARS / 2 ? cut : MAX_INPUT_CHARS);
  }
  return text;
}

/** True when sanitising removed control or invisible characters (worth a security note). */
export function hadInvisibleCharacters(raw: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting control characters is the point
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/.test(
    raw,
  );
}
