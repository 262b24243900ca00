/**
 * A sentence from which extractors remove the parts they understood. Removed characters turn
 * into spaces in `view()`, so every extractor sees the same indices and what is left over at
 * the end is the title.
 */
/** The slots whose words are told apart, for showing what was understood and where. */
export const SOURCE_SLOTS = [
  'title',
  'description',
  'tags',
  'reminders',
  'recurrence',
  'priority',
  'due',
] as const;
export type SourceSlot = (typeof SOURCE_SLOTS)[number];

/** The words each slot came from: half-open character ranges of the text, in order. */
export type SlotSources = Partial<Record<SourceSlot, [number, number][]>>;

export class MaskedText {
  readonly text: string;
  readonly lower: string;
  private readonly consumed: Uint8Array;
  /** Per character: 1 + the index in SOURCE_SLOTS of the slot that consumed it, 0 for none. */
  private readonly owner: Uint8Array;
  private slot = 0;

  constructor(text: string) {
    this.text = text;
    this.lower = lowerSameLength(text);
    this.consumed = new Uint8Array(text.length);
    this.owner = new Uint8Array(text.length);
  }

  /** Runs `extract` with everything it consumes attributed to `slot` (the first consumer owns a character). */
  attribute<T>(slot: SourceSlot, extract: () => T): T {
    const outer = this.slot;
    this.slot = SOURCE_SLOTS.indexOf(slot) + 1;
    try {
      return extract();
    } finally {
      this.slot = outer;
    }
  }

  /**
   * The ranges each slot consumed. Two ranges of one slot with only spaces between them are one
   * ("sunday" + "at 3pm"), except tags, which stay one by one ("#home #errands"); leading and
   * trailing spaces are left out.
   */
  sources(): SlotSources {
    const out: SlotSources = {};
    const tags = SOURCE_SLOTS.indexOf('tags') + 1;
    let i = 0;
    while (i < this.text.length) {
      const code = this.owner[i]!;
      if (!code || /\s/.test(this.text[i]!)) {
        i++;
        continue;
      }
      let end = i + 1;
      let j = end;
      while (j < this.text.length) {
        const space = /\s/.test(this.text[j]!);
        if (this.owner[j] === code && !space) end = ++j;
        else if (space && (this.owner[j] === code || (this.owner[j] === 0 && code !== tags))) j++;
        else break;
      }
      const slot = SOURCE_SLOTS[code - 1]!;
      out[slot] = [...(out[slot] ?? []), [i, end]];
      i = end;
    }
    return out;
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
    for (let i = Math.max(0, start); i < Math.min(end, this.text.length); i++) {
      if (!this.consumed[i]) this.owner[i] = this.slot;
      this.consumed[i] = 1;
    }
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
