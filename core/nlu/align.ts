// The parser reads a screened message (NFKC, single spaces, typos fixed, spoken times in
// digits), so the ranges it finds are ranges of that text. To point at the words the person
// typed, the screened text is aligned with the raw one: a character diff (Myers), case
// folded. Screening cuts long messages, so when the whole texts are too far apart the raw
// text's tail may be dropped for free.

import { lowerSameLength } from './masked-text';

export type Span = [number, number];

/** Beyond this many edits the texts are too far apart to align cheaply: no mapping. */
const MAX_EDITS = 400;

/** Pairs [raw index, screened index] of matched characters, in order; undefined past MAX_EDITS. */
function matches(raw: string, screened: string, freeTail: boolean): [number, number][] | undefined {
  const a = lowerSameLength(raw);
  const b = lowerSameLength(screened);
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= Math.min(max, MAX_EDITS); d++) {
    trace.push(v);
    v = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[k - 1 + offset]! < v[k + 1 + offset]!)
          ? v[k + 1 + offset]!
          : v[k - 1 + offset]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[k + offset] = x;
      // With a free tail, every screened character placed is enough: the rest was cut off.
      if (y === m && (freeTail ? x <= n : x === n)) return backtrack(trace, x, y, d, offset);
    }
  }
  return undefined;
}

function backtrack(trace: Int32Array[], x: number, y: number, d: number, offset: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let step = d; step >= 0; step--) {
    const v = trace[step]!;
    const k = x - y;
    const prevK = k === -step || (k !== step && v[k - 1 + offset]! < v[k + 1 + offset]!) ? k + 1 : k - 1;
    const prevX = step === 0 ? 0 : v[prevK + offset]!;
    const prevY = step === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      pairs.push([x, y]);
    }
    x = prevX;
    y = prevY;
  }
  return pairs.reverse();
}

/**
 * A function taking a range of `screened` to the range of `raw` it came from, or undefined when
 * the two cannot be aligned. A changed word maps to the whole word as typed ("tomorow" for
 * "tomorrow", "seven thirty p m" for "7:30 pm").
 *
 * @example spanMapper('call mom tomorow', 'call mom tomorrow')?.([9, 17]) // [9, 16]
 */
export function spanMapper(raw: string, screened: string): ((span: Span) => Span) | undefined {
  if (raw === screened) return (span) => [span[0], span[1]];
  const pairs = matches(raw, screened, false) ?? matches(raw, screened, true);
  if (!pairs) return undefined;
  // For each screened index: where it starts and ends in the raw text.
  const start = new Int32Array(screened.length);
  const end = new Int32Array(screened.length);
  const matched = new Int32Array(screened.length).fill(-1);
  for (const [i, j] of pairs) matched[j] = i;
  let previous = -1;
  for (let j = 0; j < screened.length; j++) {
    if (matched[j]! >= 0) previous = matched[j]!;
    start[j] = matched[j]! >= 0 ? matched[j]! : previous + 1;
  }
  let next = pairs.length ? pairs[pairs.length - 1]![0] + 1 : raw.length;
  for (let j = screened.length - 1; j >= 0; j--) {
    end[j] = matched[j]! >= 0 ? matched[j]! + 1 : next;
    if (matched[j]! >= 0) next = matched[j]!;
  }
  return ([from, to]) => {
    const a = Math.max(0, Math.min(from, screened.length - 1));
    const b = Math.max(a, Math.min(to, screened.length) - 1);
    const rawStart = start[a]!;
    return [rawStart, Math.max(rawStart, end[b]!)];
  };
}
