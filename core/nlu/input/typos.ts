// Fixes the misspellings and chat shorthand that would otherwise hide a keyword from the
// grammar ("tomorow", "wendsday", "remnd me", "pls"). Only keywords are corrected: a title's
// own words stay as the user typed them.

const SHORTHAND: Record<string, string> = {
  // dates
  tmr: 'tomorrow',
  arvo: 'afternoon',
  wk: 'week',
  wks: 'weeks',
  // verbs, misspelt the usual ways (explicit: fuzzy matching would turn "chance" into "change")
  chnage: 'change',
  chagne: 'change',
  cahnge: 'change',
  chnge: 'change',
  chane: 'change',
  udpate: 'update',
  upate: 'update',
  updte: 'update',
  reomve: 'remove',
  remve: 'remove',
  cacnel: 'cancel',
  cnacel: 'cancel',
  tmrw: 'tomorrow',
  tmrow: 'tomorrow',
  tmw: 'tomorrow',
  tomo: 'tomorrow',
  tomoz: 'tomorrow',
  '2moro': 'tomorrow',
  '2morrow': 'tomorrow',
  '2mrw': 'tomorrow',
  '2mro': 'tomorrow',
  tommorow: 'tomorrow',
  tommorrow: 'tomorrow',
  tomorow: 'tomorrow',
  tomoro: 'tomorrow',
  tomorro: 'tomorrow',
  tmorrow: 'tomorrow',
  tonite: 'tonight',
  '2nite': 'tonight',
  '2night': 'tonight',
  tnight: 'tonight',
  tday: 'today',
  tdy: 'today',
  '2day': 'today',
  yday: 'yesterday',
  yest: 'yesterday',
  ystrdy: 'yesterday',
  tues: 'tuesday',
  weds: 'wednesday',
  wensday: 'wednesday',
  wendsday: 'wednesday',
  wednsday: 'wednesday',
  wedsday: 'wednesday',
  thurs: 'thursday',
  thur: 'thursday',
  thrs: 'thursday',
  thu: 'thursday',
  tue: 'tuesday',
  fri: 'friday',
  frday: 'friday',
  nite: 'night',
  b4: 'before',
  bfore: 'before',
  befor: 'before',
  // intents and slots
  remid: 'remind',
  remnd: 'remind',
  rmind: 'remind',
  rmd: 'remind',
  remaind: 'remind',
  reminde: 'remind',
  remine: 'remind',
  remidner: 'reminder',
  reminer: 'reminder',
  remindr: 'reminder',
  delet: 'delete',
  delte: 'delete',
  dlete: 'delete',
  deleet: 'delete',
  dleete: 'delete',
  delt: 'delete',
  rmv: 'remove',
  remvoe: 'remove',
  rmove: 'remove',
  compelte: 'complete',
  complte: 'complete',
  comlete: 'complete',
  copmlete: 'complete',
  completd: 'completed',
  complted: 'completed',
  finsihed: 'finished',
  finshed: 'finished',
  finised: 'finished',
  fnished: 'finished',
  creat: 'create',
  cretae: 'create',
  craete: 'create',
  creaet: 'create',
  taks: 'task',
  tsk: 'task',
  tsks: 'tasks',
  tasls: 'tasks',
  taskes: 'tasks',
  tasl: 'task',
  reschedual: 'reschedule',
  reshedule: 'reschedule',
  rescheduel: 'reschedule',
  reschdule: 'reschedule',
  resched: 'reschedule',
  shedule: 'schedule',
  schedual: 'schedule',
  scedule: 'schedule',
  priorty: 'priority',
  prority: 'priority',
  priortiy: 'priority',
  prioirty: 'priority',
  piority: 'priority',
  priotity: 'priority',
  prio: 'priority',
  pri: 'priority',
  urgnet: 'urgent',
  urgant: 'urgent',
  importnat: 'important',
  imporant: 'important',
  improtant: 'important',
  minuts: 'minutes',
  mintues: 'minutes',
  minites: 'minutes',
  minuets: 'minutes',
  evry: 'every',
  evrey: 'every',
  eveyr: 'every',
  everyy: 'every',
  dayly: 'daily',
  weekley: 'weekly',
  montly: 'monthly',
  monhtly: 'monthly',
  anually: 'annually',
  canel: 'cancel',
  cancle: 'cancel',
  cancell: 'cancel',
  // chat shorthand
  teh: 'the',
  pls: 'please',
  plz: 'please',
  plez: 'please',
  pleas: 'please',
  thx: 'thanks',
  thnx: 'thanks',
  thanx: 'thanks',
  tnx: 'thanks',
  u: 'you',
  ur: 'your',
  im: "i'm",
  ive: "i've",
  dont: "don't",
  didnt: "didn't",
  cant: "can't",
  whats: "what's",
  wats: "what's",
  wat: 'what',
  wht: 'what',
  wut: 'what',
  shw: 'show',
  thru: 'through',
  abt: 'about',
};

// Long keywords where one slip still reads unambiguously. Words a slip away from a keyword
// that are real words themselves stay as typed.
const FUZZY_TARGETS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'january',
  'february',
  'august',
  'september',
  'october',
  'november',
  'december',
  'tomorrow',
  'tonight',
  'yesterday',
  'priority',
  'important',
  'urgent',
  'remind',
  'delete',
  'complete',
  'reschedule',
  'minutes',
  'before',
  'weekly',
  'monthly',
  'weekdays',
];

const REAL_WORDS = new Set([
  'sundae',
  'sundaes',
  'rewind',
  'remains',
  'compete',
  'crate',
  'cremate',
  'minute',
  'minuet',
  'deleted',
  'deletes',
  'reminds',
  'augusta',
  'weekday',
  'remand',
  'deplete',
  'sundry',
  'weakly',
  'meekly',
]);

/** Damerau–Levenshtein distance, capped: returns 2 as soon as it exceeds 1. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) {
    const diffs: number[] = [];
    for (let i = 0; i < a.length && diffs.length <= 2; i++) if (a[i] !== b[i]) diffs.push(i);
    if (diffs.length <= 1) return true;
    const [i, j] = diffs as [number, number];
    return diffs.length === 2 && j === i + 1 && a[i] === b[j] && a[j] === b[i];
  }
  const [shorter, longer] = a.length < b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < shorter.length && shorter[i] === longer[i]) i++;
  return shorter.slice(i) === longer.slice(i + 1);
}

function fuzzyKeyword(word: string): string | undefined {
  if (word.length < 5 || REAL_WORDS.has(word)) return undefined;
  for (const target of FUZZY_TARGETS) {
    if (target.length < 6 || word === target) continue;
    if (word === `${target}s` || word === `${target}d` || word === `${target}ed`) continue;
    if (withinOneEdit(word, target)) return target;
  }
  return undefined;
}

function matchCase(original: string, replacement: string): string {
  return /^[A-Z]/.test(original) ? replacement[0]!.toUpperCase() + replacement.slice(1) : replacement;
}

/**
 * Corrects misspelt keywords and chat shorthand word by word, keeping every other word as typed.
 *
 * @example fixTypos('remnd me tomorow at 5 pls') // 'remind me tomorrow at 5 please'
 */
export function fixTypos(text: string): string {
  return (
    text
      .replace(/(^|\s)@\s*(?=\d)/g, '$1at ')
      .replace(/(^|\s)w\/o(?=\s)/gi, '$1without')
      .replace(/(^|\s)w\/(?=\s|[A-Za-z])/gi, '$1with ')
      // Texting's "2" for "to" before a verb: "need 2 buy stamps" (not "need 2 eggs").
      .replace(
        /\b(need|have|got|want|going|gotta|remember|forget)\s+2\s+(?=(?:buy|get|call|send|pay|do|make|go|pick|book|fix|email|text|write|finish|clean|check|take|bring|return|order|renew|schedule|see|visit|meet|feed|walk|wash|print|sign|file|cancel|ring|phone|reply|answer|grab)\b)/gi,
        '$1 to ',
      )
      .replace(/\s{2,}/g, ' ')
      .replace(/[A-Za-z0-9']+/g, (word, offset: number) => {
        // Inside a quoted title, the user's words are sacred.
        if (insideQuotes(text, offset)) return word;
        const lower = word.toLowerCase();
        const fixed = SHORTHAND[lower] ?? (/^[a-z]+$/.test(lower) ? fuzzyKeyword(lower) : undefined);
        return fixed && fixed !== lower ? matchCase(word, fixed) : word;
      })
  );
}

function insideQuotes(text: string, offset: number): boolean {
  let quotes = 0;
  for (let i = 0; i < offset; i++) if (text[i] === '"') quotes++;
  return quotes % 2 === 1 && text.indexOf('"', offset) !== -1;
}
