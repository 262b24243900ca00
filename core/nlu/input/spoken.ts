// Times as a speech recogniser writes them ("at seven thirty p m", "five o'clock", "half past
// nine") rewritten in digits, so the date grammar reads them like typed ones. Only words in a
// time's position change: "the one about", "two eggs" and "in five minutes" stay as they are.

const HOURS: Record<string, number> = {
  one: 1,
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
};
const MINUTES: Record<string, number> = {
  'oh five': 5,
  'o five': 5,
  five: 5,
  ten: 10,
  fifteen: 15,
  twenty: 20,
  'twenty five': 25,
  thirty: 30,
  'thirty five': 35,
  forty: 40,
  'forty five': 45,
  fifty: 50,
  'fifty five': 55,
};

const HOUR = `(${Object.keys(HOURS).join('|')})`;
const MINUTE = `(${Object.keys(MINUTES)
  .sort((a, b) => b.length - a.length)
  .map((m) => m.replace(' ', '[\\s-]+'))
  .join('|')})`;
const MERIDIEM = String.raw`(a\.?\s?m\b\.?|p\.?\s?m\b\.?)`;
const CUE = String.raw`\b(at|to|till|until|by|around|about|from|before|after|for)\s+`;
const NOT_A_TIME = String.raw`(?!\s+(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|times?|people|persons?|of|more|tasks?|items?|things?|eggs?|dollars?|percent|degrees?|and\s+a\s+half)\b)`;

function clock(hour: string, minute: string | undefined): string {
  const h = HOURS[hour.toLowerCase()]!;
  const m = minute ? MINUTES[minute.toLowerCase().replace(/[\s-]+/g, ' ')] : undefined;
  return m === undefined ? String(h) : `${h}:${String(m).padStart(2, '0')}`;
}

function meridiem(raw: string): string {
  return /^a/i.test(raw) ? 'am' : 'pm';
}

const WITH_MERIDIEM = new RegExp(
  String.raw`\b${HOUR}(?:[\s-]+${MINUTE})?(?:\s+o'?clock)?\s*${MERIDIEM}`,
  'gi',
);
const DIGITS_MERIDIEM = new RegExp(String.raw`\b(\d{1,2}(?::\d{2})?)\s*${MERIDIEM}`, 'gi');
const OCLOCK = new RegExp(String.raw`\b${HOUR}\s+o'?\s?clock\b`, 'gi');
const AFTER_CUE = new RegExp(String.raw`${CUE}${HOUR}(?:[\s-]+${MINUTE})?\b${NOT_A_TIME}`, 'gi');
const HALF_PAST = new RegExp(String.raw`\bhalf\s+past\s+${HOUR}\b`, 'gi');
const QUARTER = new RegExp(String.raw`\bquarter\s+(past|after|to|till)\s+${HOUR}\b`, 'gi');

/**
 * @example spokenTimes('remind me at seven thirty p m') // 'remind me at 7:30 pm'
 */
export function spokenTimes(text: string): string {
  if (!/[a-z]/i.test(text)) return text;
  return text
    .replace(
      WITH_MERIDIEM,
      (_, h: string, m: string | undefined, ap: string) => `${clock(h, m)} ${meridiem(ap)}`,
    )
    .replace(DIGITS_MERIDIEM, (_, t: string, ap: string) => `${t} ${meridiem(ap)}`)
    .replace(OCLOCK, (_, h: string) => `${HOURS[h.toLowerCase()]}:00`)
    .replace(HALF_PAST, (_, h: string) => `${HOURS[h.toLowerCase()]}:30`)
    .replace(QUARTER, (_, dir: string, h: string) => {
      const hour = HOURS[h.toLowerCase()]!;
      return /^(?:to|till)$/i.test(dir) ? `${hour === 1 ? 12 : hour - 1}:45` : `${hour}:15`;
    })
    .replace(AFTER_CUE, (_, cue: string, h: string, m: string | undefined) => `${cue} ${clock(h, m)}`);
}
