// Edits said as a move or a new state: "push X to Friday", "X is now due Monday", "make it weekly".

import { buildUpdate, type Span, slotsIn } from '../build';
import { askFor } from '../clarify/ask';
import { parseNumber } from '../numbers';
import { core } from '../sentence';
import { cleanTarget } from '../title';
import { type Frame, match, TASK_WORD } from './frame';
import { FIELD, priorityWord, tagList } from './update-fields';

export const insteadFrame: Frame = (s, ctx) => {
  const found = match(
    s,
    /^(?:(?:let'?s|we\s+can|we\s+could|maybe)\s+)?(?:do|have|make|move|put|schedule|hold)\s+(?<rest>.+?)\s+instead$/d,
  );
  if (!found) return undefined;
  const x = slotsIn(s.text, [found.group('rest')!], ctx);
  if (!x.task.due && !x.task.priority) return undefined;
  return buildUpdate(s.text, { change: [found.group('rest')!], confidence: 0.75 }, ctx);
};

export const priorityStatement: Frame = (s, ctx) => {
  const found =
    match(
      s,
      /^(?<t>.+?)(?:\s+(?:is|are|should\s+be|needs\s+to\s+be|must\s+be)|'s)\s+(?:now\s+|actually\s+|really\s+|super\s+|very\s+|kind\s+of\s+|pretty\s+)?(?<p>(?:an?\s+)?(?:high|low|medium|top|urgent|important|critical|not\s+urgent|not\s+important|no\s+longer\s+urgent|less\s+urgent|more\s+urgent|low[\s-]priority|high[\s-]priority|top[\s-]priority|a\s+priority)(?:\s+priority)?)(?:\s+(?:now|anymore|any\s+more))?$/d,
    ) ?? match(s, /^(?<verb>prioriti[sz]e|escalate|deprioriti[sz]e|de-prioriti[sz]e)\s+(?<t>.+)$/d);
  if (!found) return undefined;
  const verb = found.text('verb');
  const priority = verb ? (/^de/.test(verb) ? 'low' : 'high') : priorityWord(found.text('p'));
  if (!priority) return undefined;
  return buildUpdate(
    s.text,
    { target: found.group('t'), change: [], extra: { priority }, confidence: verb ? 0.85 : 0.75 },
    ctx,
  );
};

export const dueStatement: Frame = (s, ctx) => {
  // "X is due Friday now", "the plumber is coming on Wednesday now": a new date for X.
  const trailingNow = match(
    s,
    /^(?<t>.+?)(?:\s+(?:is|are)|'s)\s+(?<d>(?:due|coming|happening|scheduled|booked|set)\s+.+?)\s+(?:now|instead)$/d,
  );
  if (trailingNow) {
    const x = slotsIn(s.text, [trailingNow.group('d')!], ctx);
    const parts = { target: trailingNow.group('t'), change: [trailingNow.group('d')!], confidence: 0.8 };
    if (x.task.due) return buildUpdate(s.text, parts, ctx);
  }
  const found = match(
    s,
    /^(?<t>.+?)\s+(?:is\s+now|is\s+actually|should\s+(?:now\s+)?be|now|has\s+been\s+moved\s+to|got\s+moved\s+to|was\s+moved\s+to|has\s+moved\s+to|moved\s+to|got\s+pushed\s+to|was\s+pushed\s+to|is\s+pushed\s+to|is\s+moved\s+to|got\s+rescheduled\s+(?:to|for)|was\s+rescheduled\s+(?:to|for)|has\s+been\s+rescheduled\s+(?:to|for))\s+(?<d>.+)$/d,
  );
  if (!found) return undefined;
  const x = slotsIn(s.text, [found.group('d')!], ctx);
  if (!x.task.due && !x.task.recurrence) return undefined;
  return buildUpdate(s.text, { target: found.group('t'), change: [found.group('d')!], confidence: 0.8 }, ctx);
};

// "stop repeating the gym", "the gym shouldn't repeat anymore", "make standup a one-off".
const STOP_REPEATING: RegExp[] = [
  /^(?:stop|quit|end|cancel|turn\s+off|remove|delete|clear|drop)\s+(?:the\s+)?(?:repeating|recurring|repeats?|repetition|recurrence|series)\s+(?:of|for|on|from\s+)?(?:the\s+)?(?<t>.+)$/d,
  /^(?:stop|end)\s+(?<t>.+?)\s+(?:from\s+)?(?:repeating|recurring)(?:\s+(?:anymore|any\s+more))?$/d,
  /^(?:don'?t|do\s+not|no\s+need\s+to)\s+repeat\s+(?<t>.+?)(?:\s+(?:anymore|any\s+more))?$/d,
  /^(?<t>.+?)\s+(?:should(?:n'?t|\s+not)|does(?:n'?t|\s+not)\s+(?:need\s+to|have\s+to)|no\s+longer\s+needs\s+to|won'?t|will\s+not|need(?:n'?t|\s+not))\s+(?:repeat|recur)(?:\s+(?:anymore|any\s+more))?$/d,
  /^(?<t>.+?)\s+(?:no\s+longer|doesn'?t|does\s+not)\s+(?:repeats?|recurs?)(?:\s+(?:anymore|any\s+more))?$/d,
  /^make\s+(?<t>.+?)\s+(?:a\s+)?(?:one[\s-]?off|one[\s-]?time|non[\s-]?recurring|not\s+recurring|not\s+repeat(?:ing)?)(?:\s+(?:task|thing|event))?$/d,
];

export const stopRepeating: Frame = (s, ctx) => {
  for (const re of STOP_REPEATING) {
    const found = match(s, re);
    if (!found) continue;
    const target = cleanTarget(s.text.slice(...found.group('t')!));
    if (!target) continue;
    return buildUpdate(
      s.text,
      { target: found.group('t'), change: [], extra: { recurrence: null }, confidence: 0.85 },
      ctx,
    );
  }
  return undefined;
};

export const recurrenceStatement: Frame = (s, ctx) => {
  const found = match(
    s,
    /^(?<t>.+?)\s+(?:should|needs\s+to|has\s+to|must|will|is\s+going\s+to)\s+(?:now\s+)?(?<d>(?:repeat|recur|reoccur|happen)\s+.+)$/d,
  );
  if (!found) return undefined;
  const x = slotsIn(s.text, [found.group('d')!], ctx);
  if (!x.task.recurrence) return undefined;
  return buildUpdate(s.text, { target: found.group('t'), change: [found.group('d')!], confidence: 0.8 }, ctx);
};

const MOVE_VERBS =
  /^(?<verb>reschedule|postpone|push(?:\s+back)?|move(?:\s+back|\s+up|\s+forward)?|shift|bump|delay|defer|snooze|put\s+off|bring\s+forward|pull\s+forward|bring\s+(?:it\s+)?forward)\s+(?<rest>.+)$/d;

// A shift relative to the task's own date ("push X back a day") needs the date it has: ask.
const RELATIVE_SHIFT =
  /\s(?:back|forward|out|up|later|earlier)(?:\s+by)?\s+(?:a|an|one|\d+|two|three|a\s+couple\s+(?:of\s+)?)\s*(?:days?|weeks?|hours?)$/i;

const SHIFT =
  /\b(?<dir>back|forward|out|up|later|earlier|ahead)?(?:\s+by)?\s+(?<n>a|an|one|\d+|two|three|four|five|six|a\s+couple\s+(?:of\s+)?)\s*(?<unit>minutes?|mins?|hours?|days?|weeks?)(?:\s+(?<dir2>later|earlier))?$/i;
const SHIFT_UNIT: Record<string, number> = { m: 1, h: 60, d: 1440, w: 10080 };

/** "push X back an hour" → +60: minutes to move the task from its own due time. */
export function shiftMinutes(c: string, verb: string): number | undefined {
  const m = SHIFT.exec(c);
  if (!m?.groups) return undefined;
  const raw = m.groups.n!.toLowerCase().replace(/\s+/g, ' ');
  const n = parseNumber(raw) ?? Number(raw);
  const unit = SHIFT_UNIT[m.groups.unit!.toLowerCase()[0]!]!;
  const dir = (m.groups.dir ?? m.groups.dir2 ?? '').toLowerCase();
  const earlier = /^(?:forward|up|earlier)$/.test(dir) || (!dir && /^(?:bring|pull)/.test(verb));
  return Number.isFinite(n) && n > 0 ? (earlier ? -1 : 1) * n * unit : undefined;
}

export const moveFrame: Frame = (s, ctx) => {
  if (
    /^(?:move|reschedule|postpone|push|shift|bump|delay)\s+(?:all|everything|every\s+task)\b/.test(core(s))
  ) {
    return {
      intent: 'clarify',
      confidence: 0.8,
      question: 'I can move one task at a time. Which task should I move, and to when?',
      pending: { intent: 'update', missing: ['target'] },
    };
  }
  const putOff = match(
    s,
    /^(?:put|push|move|hold)\s+(?<t>.+?)\s+(?:off|back)\s+(?<v>(?:until|till|to|for|by)\s+.+)$/d,
  );
  if (putOff) {
    const x = slotsIn(s.text, [putOff.group('v')!], ctx);
    if (x.task.due)
      return buildUpdate(
        s.text,
        { target: putOff.group('t'), change: [putOff.group('v')!], confidence: 0.88 },
        ctx,
      );
  }
  const found = match(s, MOVE_VERBS);
  if (!found) return undefined;
  const verb = found.text('verb');
  const rest = found.group('rest')!;
  let x = slotsIn(s.text, [rest], ctx);
  // "push it to 7": a bare hour after "to" is a time, read as "at 7" would be.
  const bareHour = /\s+to\s+(?<h>(?:[1-9]|1[0-2])(?::[0-5]\d)?)$/.exec(s.lower.slice(...rest));
  if (!x.task.due && bareHour?.groups?.h) {
    const at = `${s.text.slice(rest[0], rest[0] + bareHour.index)} at ${bareHour.groups.h}`;
    const atX = slotsIn(at, [[0, at.length]], ctx);
    if (atX.task.due) return buildUpdate(at, { change: [[0, at.length]], confidence: 0.8 }, ctx);
    x = atX;
  }
  const pronounOnly = /^(?:it|that|this|that\s+one|this\s+one)$/.test(s.lower.slice(...rest).trim());
  const mustClarify =
    /^(?:reschedule|postpone|delay|defer|snooze|put\s+off|push\s+back)$/.test(verb) ||
    RELATIVE_SHIFT.test(core(s)) ||
    pronounOnly;
  if (!x.task.due) {
    if (!mustClarify) return undefined;
    const target =
      cleanTarget(
        x.rest
          .replace(/\b(?:by|for)\s+(?:a|an|one|\d+|two|three)\s+(?:days?|weeks?|hours?)$/i, '')
          .replace(RELATIVE_SHIFT, ''),
      ) || 'it';
    // The agent knows the task's due time and applies the shift itself; without it, it asks.
    const shift = shiftMinutes(core(s), verb);
    return {
      intent: 'clarify',
      confidence: 0.8,
      question: askFor(['due'], { intent: 'update', target }),
      pending: { intent: 'update', target, missing: ['due'], ...(shift ? { shift } : {}) },
    };
  }
  const leftover = cleanTarget(x.rest);
  if (!leftover && !/^(?:it|that|this)\b/.test(core(s).slice(verb.length).trim()) && /^move$/.test(verb))
    return undefined;
  return buildUpdate(s.text, { change: [rest], confidence: 0.9 }, ctx);
};

const CHANGE_VERBS =
  /^(?<verb>change|update|edit|modify|adjust|set|make|mark|flag|switch|turn)\s+(?<rest>.+)$/d;

export const changeFrame: Frame = (s, ctx) => {
  const found = match(s, CHANGE_VERBS);
  if (!found) return undefined;
  const verb = found.text('verb');
  const rest = found.group('rest')!;
  const restText = s.lower.slice(...rest);
  const setsSomethingElse =
    /^(?:up|aside|off|out|me|the\s+table|alarm)\b/.test(restText) ||
    /^an?\s+(?!(?:new\s+)?(?:due|deadline|priority|title|name|tag|label))/.test(restText);
  if (verb === 'set' && setsSomethingElse) return undefined;
  if (verb === 'make' && /^(?:a|an|me|some|sure|new)\b/.test(restText)) return undefined;
  if (verb === 'turn' && !/^(?:it|that|this)\s+into\b/.test(restText)) return undefined;
  const pronoun = /^(?:it|that|this|them)\b/.test(restText);
  // "change the due date of X to Y", "set X's deadline to Y", "change X priority to high"
  const field =
    /^(?:the\s+)?(?<field>FIELD)\s+(?:of|for|on)\s+(?<t>.+?)\s+(?:to|for|as|on|into)\s+(?<v>.+)$/.source.replace(
      'FIELD',
      FIELD,
    );
  const fieldAfter =
    /^(?<t>.+?)(?:'s|s')?\s+(?<field>FIELD)\s+(?:to|for|as|on|into|=|:)?\s*(?<v>.+)$/.source.replace(
      'FIELD',
      FIELD,
    );
  const fieldValueTarget =
    /^(?:a|the)\s+(?<field>FIELD)\s+(?:of|to|for|as|on)\s+(?<v>.+?)\s+(?:for|on|of)\s+(?<t>.+)$/.source.replace(
      'FIELD',
      FIELD,
    );
  const fieldOnly = /^(?:the\s+)?(?<field>FIELD)\s+(?:to|for|as|on|into)\s+(?<v>.+)$/.source.replace(
    'FIELD',
    FIELD,
  );
  for (const pattern of [fieldValueTarget, field, fieldOnly, fieldAfter]) {
    const m = new RegExp(pattern, 'd').exec(restText);
    if (!m?.indices?.groups) continue;
    const offset = rest[0];
    const shift = (span: [number, number] | undefined): Span | undefined =>
      span ? [span[0] + offset, span[1] + offset] : undefined;
    const value = shift(m.indices.groups.v)!;
    const fieldName = m.groups!.field!;
    const target = shift(m.indices.groups.t);
    if (/^(?:title|name)$/.test(fieldName)) {
      return buildUpdate(s.text, { target, change: [], title: value, confidence: 0.9 }, ctx);
    }
    if (/^(?:description|notes?)$/.test(fieldName)) {
      return buildUpdate(
        s.text,
        { target, change: [], extra: { description: s.text.slice(...value).trim() }, confidence: 0.85 },
        ctx,
      );
    }
    if (/^(?:tags?|labels?)$/.test(fieldName)) {
      const tags = tagList(s.text.slice(...value));
      if (tags.length)
        return buildUpdate(s.text, { target, change: [], extra: { tags }, confidence: 0.85 }, ctx);
      continue;
    }
    if (fieldName === 'priority') {
      const priority = priorityWord(s.lower.slice(...value));
      if (priority)
        return buildUpdate(s.text, { target, change: [], extra: { priority }, confidence: 0.9 }, ctx);
      continue;
    }
    const x = slotsIn(s.text, [value], ctx);
    if (x.task.due) return buildUpdate(s.text, { target, change: [value], confidence: 0.92 }, ctx);
  }
  // "change the date", "update the due time of the essay": which date, to when?
  const bareField =
    /^(?:the\s+)?(?:due\s+)?(?:date|time|day|deadline|due\s+date)(?:\s+(?:of|for|on)\s+(?<t>.+))?$/d.exec(
      restText,
    );
  if (bareField && /^(?:change|update|edit|modify|adjust|set|switch)$/.test(verb)) {
    const t = bareField.indices?.groups?.t;
    const target = t ? cleanTarget(restText.slice(...t)) || 'it' : 'it';
    return {
      intent: 'clarify',
      confidence: 0.8,
      question: askFor(['due'], { intent: 'update', target }),
      pending: { intent: 'update', target, missing: ['due'] },
    };
  }
  // "change X to Y": a new date, priority … or else a new title.
  const to = /^(?<t>.+?)\s+(?:to|into)\s+(?<v>.+)$/d.exec(restText);
  if (to?.indices?.groups) {
    const value: Span = [to.indices.groups.v![0] + rest[0], to.indices.groups.v![1] + rest[0]];
    const target: Span = [to.indices.groups.t![0] + rest[0], to.indices.groups.t![1] + rest[0]];
    const x = slotsIn(s.text, [value], ctx);
    const priority = priorityWord(s.lower.slice(...value));
    if (priority)
      return buildUpdate(s.text, { target, change: [], extra: { priority }, confidence: 0.88 }, ctx);
    if (Object.keys(x.task).length && !x.title)
      return buildUpdate(s.text, { target, change: [value], confidence: 0.88 }, ctx);
    // "change the call to 5": a bare hour is a time, read as "at 5" would be.
    const bareHour = /^(?:[1-9]|1[0-2])(?::[0-5]\d)?$/.test(s.lower.slice(...value).trim());
    if (bareHour && verb !== 'rename') {
      const at = `at ${s.text.slice(...value).trim()}`;
      const due = slotsIn(at, [[0, at.length]], ctx).task.due;
      if (due) return buildUpdate(s.text, { target, change: [], extra: { due }, confidence: 0.8 }, ctx);
    }
    if (/^(?:change|rename|update|edit|modify|switch)$/.test(verb) && !Object.keys(x.task).length) {
      return buildUpdate(s.text, { target, change: [], title: value, confidence: 0.7 }, ctx);
    }
  }
  const x = slotsIn(s.text, [rest], ctx);
  const fields = Object.keys(x.task);
  const flagOnly = verb === 'flag' && !fields.length;
  if (flagOnly)
    return buildUpdate(s.text, { change: [rest], extra: { priority: 'high' }, confidence: 0.75 }, ctx);
  // "change the oil every 3 months" is a chore; only a pronoun or "due" makes it an edit.
  const mentionsDue = Boolean(x.task.due && /\b(?:due|deadline)\b/.test(restText));
  const instead = /\binstead\b/.test(restText) && fields.length > 0;
  const byVerb =
    verb === 'make' || verb === 'mark'
      ? Boolean(x.task.priority || x.task.recurrence || mentionsDue || (pronoun && fields.length))
      : verb === 'set'
        ? fields.length > 0 && (pronoun || /\b(?:for|to|as|due)\b/.test(restText))
        : (pronoun || mentionsDue) && fields.length > 0;
  const enough = instead || byVerb;
  if (enough) return buildUpdate(s.text, { change: [rest], confidence: 0.85 }, ctx);
  if (
    /^(?:change|update|edit|modify|adjust)$/.test(verb) &&
    !fields.length &&
    (pronoun || TASK_WORD.test(restText))
  ) {
    return buildUpdate(s.text, { target: rest, change: [], confidence: 0.6 }, ctx);
  }
  return undefined;
};
