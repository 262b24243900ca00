/**
 * Hashed word and character n-grams of a message: the classifier's view of the text. The
 * trainer (`scripts/nlu-train.ts`) and the parser share this file, so they see the same features.
 */

/** Lower case, digits folded to "0", words of letters, digits and apostrophes. */
export function tokens(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019`´]/g, "'")
    .replace(/\d+/g, '0')
    .split(/[^\p{L}\p{N}']+/u)
    .map((t) => t.replace(/^'+|'+$/g, ''))
    .filter(Boolean);
}

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The feature buckets of a message (each at most once) for a table of `buckets` rows: words,
 * word pairs (with sentence start and end), the first one and two words, and the 3- to 5-letter
 * pieces of each word (so "tomorow" still shares most of "tomorrow").
 */
export function featureIds(text: string, buckets: number): number[] {
  const words = tokens(text);
  const ids = new Set<number>();
  const add = (feature: string) => ids.add(hash(feature) % buckets);
  const padded = ['<s>', ...words, '</s>'];
  for (const w of words) add(`w:${w}`);
  for (let i = 0; i + 1 < padded.length; i++) add(`b:${padded[i]} ${padded[i + 1]}`);
  if (words[0]) add(`f:${words[0]}`);
  if (words[1]) add(`f2:${words[0]} ${words[1]}`);
  if (words.length <= 2) add(`len:${words.length}`);
  for (const w of words) {
    if (w.length < 3) continue;
    const p = `<${w}>`;
    for (let n = 3; n <= 5; n++) for (let i = 0; i + n <= p.length; i++) add(`c:${p.slice(i, i + n)}`);
  }
  return [...ids];
}
