// Verbs that start a to-do ("Buy milk", "Email Bob"). A message that opens with one is very
// likely a task even without "add" or "remind me".

export const TASK_VERBS = new Set(
  (
    'add answer apply arrange ask assemble attend back bake bathe bike blow book borrow bring brush buy call ' +
    'cancel change charge chase check choose clean clear close collect comb come compare complete confirm contact ' +
    'cook copy correct create cut deal decide declutter defrost deliver deposit design dig discuss do donate download ' +
    'draft draw drink drive drop dust eat edit email e-mail empty exercise explore fax feed fetch file fill find finish ' +
    'fix floss fold follow get give go google grab grill hand handle hang have help hire hoover host ice install invite ' +
    'iron jog join keep kick knit label learn leave lend let list load lock look mail make meal measure meet message ' +
    'mop move mow negotiate note oil order organise organize pack paint pay phone pick plan plant play post practice ' +
    'practise prep prepare print proofread publish purchase put query read rebook recharge record recycle redo ' +
    'refill register reheat remember remove renew rent repair replace reply report request research reserve respond ' +
    'restock return review revise ride rinse run sanitize save scan schedule scrub see sell send set setup sew shave ' +
    'ship shop shovel shower sign sing skype sleep sort speak spray start stop stretch study submit swap sweep swim ' +
    'take talk tell test text thank tidy top track train transfer translate trim try turn type unpack update upload ' +
    'vacuum verify visit wake walk wash watch water wax weed weigh wipe wrap write ping sync follow-up backup ' +
    'celebrate congratulate vote sweep service inspect pickup dropoff'
  ).split(/\s+/),
);

const IRREGULAR_PAST: Record<string, string> = {
  bought: 'buy',
  paid: 'pay',
  sent: 'send',
  took: 'take',
  wrote: 'write',
  made: 'make',
  did: 'do',
  went: 'go',
  got: 'get',
  ran: 'run',
  met: 'meet',
  gave: 'give',
  brought: 'bring',
  fed: 'feed',
  found: 'find',
  sold: 'sell',
  built: 'build',
  spoke: 'speak',
  told: 'tell',
  drove: 'drive',
  swept: 'sweep',
  hung: 'hang',
  caught: 'catch',
  taught: 'teach',
  threw: 'throw',
  won: 'win',
  ate: 'eat',
  read: 'read',
  rode: 'ride',
  sang: 'sing',
  swam: 'swim',
  mowed: 'mow',
  dug: 'dig',
  sewed: 'sew',
  drew: 'draw',
  chose: 'choose',
  froze: 'freeze',
  hid: 'hide',
  lent: 'lend',
  spent: 'spend',
  understood: 'understand',
  taken: 'take',
  written: 'write',
  given: 'give',
  driven: 'drive',
  eaten: 'eat',
  spoken: 'speak',
  ridden: 'ride',
  chosen: 'choose',
  gone: 'go',
  seen: 'see',
  hidden: 'hide',
};

// Past forms that tell a story rather than report a finished to-do ("I needed", "I added").
const NOT_COMPLETIONS = new Set(
  (
    'needed wanted decided tried started planned wondered hoped liked loved hated used noticed realized realised ' +
    'forgot missed failed learned remembered added created deleted changed updated moved rescheduled scheduled ' +
    'renamed removed marked checked completed finished asked meant thought felt heard seemed guessed supposed ' +
    'expected worried wished tired bored stressed excited annoyed interested confused concerned married named ' +
    'supposed scared surprised pleased disappointed amazed embarrassed exhausted overwhelmed'
  ).split(/\s+/),
);

/** The base form of a past-tense verb that reports a finished chore ("called" → "call"), or undefined. */
export function completionBase(word: string): string | undefined {
  const lower = word.toLowerCase();
  if (NOT_COMPLETIONS.has(lower)) return undefined;
  if (IRREGULAR_PAST[lower]) return IRREGULAR_PAST[lower];
  if (!/^[a-z]{3,}ed$/.test(lower) || /eed$/.test(lower)) return undefined;
  const withoutEd = lower.slice(0, -2);
  const candidates = [
    withoutEd,
    lower.slice(0, -1),
    withoutEd.replace(/([bdgmnprtl])\1$/, '$1'),
    withoutEd.replace(/i$/, 'y'),
  ];
  // Unknown verbs: "carved" → "carve", "raked" → "rake", "called" → "call".
  const needsE = /(?:v|z|dg|rg|lg|[^aeiou][aeiou][ckz])$/.test(withoutEd) && !/ck$/.test(withoutEd);
  return candidates.find((c) => TASK_VERBS.has(c)) ?? (needsE ? `${withoutEd}e` : withoutEd);
}

/** Like {@link completionBase}, but only for forms that cannot be anything else than a finished chore. */
export function knownCompletionBase(word: string): string | undefined {
  const lower = word.toLowerCase();
  const base = completionBase(lower);
  if (!base || base === lower || lower === 'read') return undefined;
  return IRREGULAR_PAST[lower] || TASK_VERBS.has(base) ? base : undefined;
}

export function isTaskVerb(word: string): boolean {
  return TASK_VERBS.has(word.toLowerCase());
}
