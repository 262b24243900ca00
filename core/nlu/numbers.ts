// Numbers and durations as people type them: "15", "fifteen", "an", "a couple of", "1.5",
// "half an hour", "an hour and a half", "1h30".

const WORD_NUMBERS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  single: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  'twenty-five': 25,
  'twenty five': 25,
  thirty: 30,
  'thirty-five': 35,
  forty: 40,
  'forty-five': 45,
  'forty five': 45,
  fifty: 50,
  sixty: 60,
  ninety: 90,
  'a couple of': 2,
  'a couple': 2,
  'couple of': 2,
  couple: 2,
  'a few': 3,
  few: 3,
  several: 3,
  other: 2,
  second: 2,
  third: 3,
  fourth: 4,
};

const WORDS_ALTERNATION = Object.keys(WORD_NUMBERS)
  .sort((a, b) => b.length - a.length)
  .map((w) => w.replace(/ /g, '\\s+'))
  .join('|');

/** A count: digits or a number word (longest alternatives first). */
export const NUMBER = `(?:\\d+(?:\\.\\d+)?|${WORDS_ALTERNATION})`;

export function parseNumber(raw: string): number | undefined {
  const text = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  return WORD_NUMBERS[text];
}

const UNIT_MINUTES: [RegExp, number][] = [
  [/^(?:m|mins?|minutes?|mn)$/, 1],
  [/^(?:h|hrs?|hours?)$/, 60],
  [/^(?:d|days?)$/, 1440],
  [/^(?:w|wks?|weeks?)$/, 10080],
];

export function unitMinutes(unit: string): number | undefined {
  const u = unit.toLowerCase();
  return UNIT_MINUTES.find(([re]) => re.test(u))?.[1];
}

const LONG_UNIT = '(?:minutes?|mins?|hours?|hrs?|days?|weeks?|wks?)';
const SHORT_UNIT = '(?:m|h|d|w|mn)';
const HALF = '(?:\\s+and\\s+a\\s+half)?';

/** One duration piece: "15 minutes", "15m", "an hour and a half", "half an hour", "quarter of an hour". */
export const DURATION_ATOM =
  `(?:\\d+(?:\\.\\d+)?\\s?${SHORT_UNIT}(?:\\s?\\d+\\s?${SHORT_UNIT}?)?\\b` +
  `|${NUMBER}(?:\\s*-\\s*|\\s*)${LONG_UNIT}\\b${HALF}` +
  '|half\\s+(?:an?\\s+)?(?:hour|day)\\b|a\\s+half[\\s-]+hour\\b|(?:a\\s+)?quarter\\s+(?:of\\s+)?(?:an?\\s+)?hour\\b)';

/** Several numbers sharing one unit: "10 and 30 minutes", "5, 10 or 15 min". */
// Separators are written so that each space can be matched one way only: no catastrophic backtracking.
const SHARED_UNIT = `(?:${NUMBER}(?:\\s*,\\s*${NUMBER})*(?:\\s*,\\s*|\\s+)(?:and|or|&)\\s+${NUMBER}(?:\\s*-\\s*|\\s*)${LONG_UNIT}\\b)`;

/** A list of durations: "an hour", "1 day and 2 hours", "10 and 30 minutes", "1h30". */
export const DURATION_LIST = `(?:${SHARED_UNIT}|${DURATION_ATOM}(?:(?:\\s*,\\s*|\\s+)(?:(?:and|plus)\\s+|&\\s+)?${DURATION_ATOM})*)`;

function atomMinutes(atom: string): number | undefined {
  const text = atom.trim().toLowerCase().replace(/\s+/g, ' ');
  if (/^half (?:an? )?hour$|^a half[ -]hour$/.test(text)) return 30;
  if (/^half (?:a )?day$/.test(text)) return 720;
  if (/quarter/.test(text)) return 15;
  const compact = /^(\d+(?:\.\d+)?) ?(m|h|d|w|mn)(?: ?(\d+) ?(m|h|d|w|mn)?)?$/.exec(text);
  if (compact) {
    const first = Number(compact[1]) * unitMinutes(compact[2]!)!;
    if (!compact[3]) return first;
    // "1h30" means 1 hour 30 minutes when the second unit is left out.
    const secondUnit = compact[4] ? unitMinutes(compact[4])! : compact[2] === 'h' ? 1 : 60;
    return first + Number(compact[3]) * secondUnit;
  }
  const long = new RegExp(`^(${NUMBER}) ?-? ?(${LONG_UNIT})( and a half)?$`).exec(text);
  if (!long) return undefined;
  const count = parseNumber(long[1]!);
  const unit = unitMinutes(long[2]!);
  if (count === undefined || unit === undefined) return undefined;
  return (count + (long[3] ? 0.5 : 0)) * unit;
}

/**
 * Minutes for each duration in a list. "1 hour 30 minutes" and "1 hour and 30 minutes" add up
 * (a smaller unit completing a bigger one); "10 and 30 minutes" or "a day and an hour" are two
 * separate durations.
 *
 * @example parseDurationList('an hour and a half') // [90]
 * @example parseDurationList('1 day and 1 hour') // [1440, 60]
 */
export function parseDurationList(raw: string): number[] {
  const text = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  const shared = new RegExp(`^${SHARED_UNIT}$`).test(text);
  if (shared) {
    const unit = new RegExp(`(${LONG_UNIT})$`).exec(text)?.[1];
    const numbers = text
      .replace(new RegExp(`\\s*-?\\s*${LONG_UNIT}$`), '')
      .split(/\s*(?:,|\band\b|\bor\b|&)\s*/)
      .filter(Boolean);
    const perUnit = unit ? unitMinutes(unit) : undefined;
    if (!perUnit) return [];
    return numbers.map(parseNumber).flatMap((n) => (n === undefined ? [] : [Math.round(n * perUnit)]));
  }
  const atomRe = new RegExp(DURATION_ATOM, 'g');
  const pieces: number[] = [];
  for (const match of text.matchAll(atomRe)) {
    const minutes = atomMinutes(match[0]);
    if (minutes === undefined) continue;
    pieces.push(minutes);
  }
  const result: number[] = [];
  for (const minutes of pieces) {
    const previous = result[result.length - 1];
    // Minutes after whole hours complete them ("1 hour and 30 minutes" is 90).
    const completesPrevious =
      previous !== undefined && minutes < 60 && previous >= 60 && previous % 60 === 0 && previous < 1440;
    if (completesPrevious) result[result.length - 1] = previous + minutes;
    else result.push(minutes);
  }
  return result.map((m) => Math.round(m));
}
