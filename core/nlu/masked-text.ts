/**
 * A sentence from which extractors remove the parts they understood. Removed characters turn
 * into spaces in `view()`, so every extractor sees the same indices and what is left over at
 * the end is the title.
 */
export class MaskedText {
  readonly text: string;
  readonly lower: string;
  private readonly consumed: Uint8Array;

  constructor(text: string) {
    this.text = text;
    this.lower = lowerSameLength(text);
    this.consumed = new Uint8Array(text.length);
  }

  /** The lower-case text with consumed characters blanked out. */
  view(): string {
    let out = '';
    for (let i = 0; i < this.lower.length; i++) out += this.consumed[i] ? ' ' : this.lower[i];
    return out;
  }

  /** The original-case text with consumed characters blanked out. */
  originalView(): string {
    let out = '';
    for (let i = 0; i < this.text.length; i++) out += this.consumed[i] ? ' ' : this.text[i];
    return out;
  }

  consume(start: number, end: number): void {
    for (let i = Math.max(0, start); i < Math.min(end, this.text.length); i++) this.consumed[i] = 1;
  }

  /** The words not consumed, original case, single-spaced. */
  remaining(): string {
    return this.originalView().replace(/\s+/g, ' ').trim();
  }
}

/** Lower-cases character by character so indices stay aligned with the original text. */
export function lowerSameLength(text: string): string {
  let out = '';
  for (const ch of text) {
    const low = ch.toLowerCase();
    out += low.length === ch.length ? low : ch;
  }
  return out;
}

/** All matches of a global regex (`g` flag; add `d` for group indices), skipping empty ones. */
export function allMatches(re: RegExp, text: string): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let match = re.exec(text); match; match = re.exec(text)) {
    if (match[0].length === 0) re.lastIndex++;
    else found.push(match);
  }
  return found;
}
