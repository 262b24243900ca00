// Edits that name the field they change: rename, tags, reminders, notes, priority.

import { buildUpdate, clamp, slotsIn } from '../build';
import { core } from '../sentence';
import { cleanTarget } from '../title';
import type { Priority } from '../types';
import { type Frame, match } from './frame';

const PRIORITY_WORDS: [RegExp, Priority][] = [
  [
    /^(?:low|lower|less\s+urgent|not\s+urgent|not\s+important|no\s+longer\s+urgent|low[\s-]priority|p[34]|unimportant|whenever)$/,
    'low',
  ],
  [/^(?:medium|normal|mid|moderate|medium[\s-]priority|p2)$/, 'medium'],
  [
    /^(?:high|higher|top|urgent|important|critical|more\s+urgent|high[\s-]priority|top[\s-]priority|p1|asap|a\s+priority)$/,
    'high',
  ],
];

export function priorityWord(raw: string): Priority | undefined {
  const text = raw
    .trim()
    .replace(/^(?:a|an)\s+/, '')
    .replace(/\s+priority$/, '')
    .replace(/\s+now$/, '');
  return PRIORITY_WORDS.find(([re]) => re.test(text) || re.test(`${text} priority`))?.[1];
}

export const FIELD =
  '(?:due\\s*date|due\\s*time|deadline|date|time|due|priority|title|name|description|notes?|tags?|labels?)';

export const renameFrame: Frame = (s, ctx) => {
  const rename =
    match(s, /^(?:rename|retitle|re-name|re-title)\s+(?<t>.+?)\s+(?:to|as|into)\s+(?<title>.+)$/d) ??
    match(
      s,
      /^(?:change|update|edit|set)\s+(?:the\s+)?(?:name|title|wording)\s+(?:of|for|on)\s+(?<t>.+?)\s+to\s+(?<title>.+)$/d,
    ) ??
    match(
      s,
      /^(?:change|update|edit|set)\s+(?<t>.+?)(?:'s|s')?\s+(?:name|title|wording)\s+to\s+(?<title>.+)$/d,
    ) ??
    match(s, /^(?:call|name)\s+(?<t>it|that|this)\s+(?<title>.+)$/d);
  if (!rename) return undefined;
  return buildUpdate(
    s.text,
    { target: rename.group('t'), change: [], title: rename.group('title'), confidence: 0.92 },
    ctx,
  );
};

export const tagFrame: Frame = (s, ctx) => {
  const removal = match(
    s,
    /^(?:remove|delete|take\s+off|drop|untag)\s+(?:the\s+)?(?:tags?|labels?)\s+(?<tags>.+?)\s+(?:from|on|off)\s+(?<t>.+)$/d,
  );
  if (removal) {
    const target = cleanTarget(s.text.slice(...removal.group('t')!)) || 'it';
    return {
      intent: 'clarify',
      confidence: 0.7,
      question: `Which tags should ${/^(?:it|that|this)$/.test(target) ? 'it' : `“${target}”`} keep? I'll replace its tags with the ones you name.`,
      pending: { intent: 'update', target, missing: ['what'] },
    };
  }
  const found =
    match(
      s,
      /^(?:add|put|attach|apply|stick)\s+(?:the\s+)?(?<tags>[\w#-]+(?:\s*(?:,|and|&)\s*[\w#-]+)*)\s+(?:tags?|labels?)\s+(?:to|on|onto)\s+(?<t>.+)$/d,
    ) ??
    match(
      s,
      /^(?:add|put|attach|apply|give|stick)\s+(?:the\s+|a\s+)?(?:tags?|labels?)\s+(?<tags>.+?)\s+(?:to|on|onto)\s+(?<t>.+)$/d,
    ) ??
    match(
      s,
      /^(?:add|put|attach|apply|stick)\s+(?<tags>#\S+(?:\s*(?:,|and|&)\s*#\S+)*)\s+(?:to|on|onto)\s+(?<t>.+)$/d,
    ) ??
    match(s, /^(?:tag|label)\s+(?<t>.+?)\s+(?:as|with|under|in)\s+(?<tags>.+)$/d) ??
    match(s, /^(?:tag|label)\s+(?<t>it|that|this|them)\s+(?<tags>.+)$/d) ??
    // "add the tag work" (to the task just discussed)
    match(
      s,
      /^(?:add|put|attach|apply|stick)\s+(?:the\s+|a\s+)?(?:tags?|labels?)\s+(?<tags>#?[\w-]+(?:\s*(?:,|and|&)\s*#?[\w-]+)*)(?:\s+(?:to|on|onto)\s+(?:it|that|this))?$/d,
    ) ??
    // "give the report the tag work" (not "add buy paint, tag it home": that is a new task)
    match(s, /^(?:add|give)\s+(?<t>[^,;]+?)\s+(?:the|a)\s+(?:tags?|labels?)\s+(?<tags>.+)$/d);
  if (!found) return undefined;
  const tagSpan = found.group('tags')!;
  const tags = tagList(s.text.slice(...tagSpan));
  if (!tags.length) return undefined;
  return buildUpdate(
    s.text,
    { target: found.group('t'), change: [], extra: { tags }, confidence: 0.88 },
    ctx,
  );
};

export function tagList(raw: string): string[] {
  return raw
    .toLowerCase()
    .split(/\s*(?:,|&|\+|\/|\band\b)\s*/)
    .map((t) => t.trim().replace(/^#+/, '').replace(/\s+/g, '-'))
    .filter((t) => /^[\p{L}\p{N}][\p{L}\p{N}_.-]*$/u.test(t));
}

export const reminderFrame: Frame = (s, ctx) => {
  const clear =
    match(
      s,
      /^(?:remove|delete|cancel|turn\s+off|disable|clear|drop|stop|mute|silence)\s+(?:the\s+|all\s+|my\s+|any\s+)?(?:reminders?|alerts?|notifications?)\s+(?:for|on|from|of|about)\s+(?<t>.+)$/d,
    ) ??
    match(
      s,
      /^(?:don'?t|do\s+not|no\s+need\s+to|stop)\s+(?:remind(?:ing)?|notify(?:ing)?|ping(?:ing)?)\s+me\s+(?:about|of|for)\s+(?<t>.+)$/d,
    ) ??
    match(s, /^no\s+(?:more\s+)?reminders?\s+(?:for|on|about)\s+(?<t>.+)$/d);
  if (clear)
    return buildUpdate(
      s.text,
      { target: clear.group('t'), change: [], extra: { reminders: [] }, confidence: 0.85 },
      ctx,
    );
  const clearIt =
    /^(?:remove|delete|cancel|turn\s+off|disable|clear|drop|stop)\s+(?:the|all|my|its|any|that)?\s*(?:reminders?|alerts?|notifications?)$/;
  if (clearIt.test(core(s)))
    return { intent: 'update', confidence: 0.75, task: { reminders: [] }, target: 'it' };
  const add =
    match(
      s,
      /^(?:an?\s+|another\s+)?(?:reminders?|alerts?|notifications?|heads[\s-]?up)\s+(?<rest>(?:for|on|about|to)\s+.+)$/d,
    ) ??
    match(
      s,
      /^(?:also\s+|and\s+)?(?:add|set|put|create|attach|schedule)\s+(?:a\s+|an\s+|another\s+)?(?:reminders?|alerts?|notifications?)\s+(?<rest>.+)$/d,
    ) ??
    match(s, /^(?:also\s+|and\s+)?(?:remind|alert|notify|ping|nudge)\s+me\s+(?<rest>.+)$/d);
  if (!add) return undefined;
  const rest = add.group('rest')!;
  const x = slotsIn(s.text, [rest], ctx);
  // A relative reminder with no due date of its own belongs to a task that already has one.
  if (!x.reminderWithoutDue || x.task.recurrence) return undefined;
  const leftover = x.rest.toLowerCase();
  if (
    /^(?:to|that)\b/.test(s.lower.slice(rest[0], rest[1]).trim()) &&
    !/^(?:about|of|for|on)\b/.test(leftover)
  )
    return undefined;
  const target = cleanTarget(x.rest.replace(/^(?:about|of|for|on|to)\s+/i, '')) || 'it';
  return {
    intent: 'update',
    confidence: clamp(target === 'it' ? 0.8 : 0.85),
    task: { reminders: x.task.reminders ?? [] },
    target,
  };
};

export const descriptionFrame: Frame = (s, ctx) => {
  const found =
    match(
      s,
      /^(?:add|attach|put|write|leave)\s+(?:a\s+|the\s+|this\s+)?(?:note|description|comment|details?)\s+(?:to|on|for)\s+(?<t>.+?)\s*(?::|-|saying|that\s+says|reading)\s*(?<d>.+)$/d,
    ) ??
    match(
      s,
      /^(?:set|change|update)\s+(?:the\s+)?(?:description|notes?|details)\s+(?:of|for|on)\s+(?<t>.+?)\s+to\s+(?<d>.+)$/d,
    );
  if (!found) return undefined;
  const description = s.text.slice(...found.group('d')!).trim();
  return buildUpdate(
    s.text,
    { target: found.group('t'), change: [], extra: { description }, confidence: 0.85 },
    ctx,
  );
};

export const priorityBump: Frame = (s, ctx) => {
  const found =
    match(
      s,
      /^(?<verb>bump|raise|increase|up|boost|lower|decrease|drop|reduce)\s+(?:up\s+)?(?:the\s+)?priority\s+(?:on|of|for)\s+(?<t>.+)$/d,
    ) ??
    match(s, /^(?<verb>bump|raise|increase|boost|lower|decrease|reduce)\s+(?<t>.+?)(?:'s)?\s+priority$/d);
  // "bump the slides to high priority", "drop the gym to low"
  const to = match(
    s,
    /^(?:bump|raise|increase|boost|lower|decrease|drop|reduce|move|push|put)\s+(?<t>.+?)\s+(?:up\s+|down\s+)?to\s+(?<p>(?:high|medium|normal|low|top)(?:\s+priority|\s+prio)?|urgent)$/d,
  );
  if (to) {
    const priority = priorityWord(to.text('p'));
    if (priority)
      return buildUpdate(
        s.text,
        { target: to.group('t'), change: [], extra: { priority }, confidence: 0.85 },
        ctx,
      );
  }
  if (!found) return undefined;
  const priority = /^(?:lower|decrease|drop|reduce)$/.test(found.text('verb')) ? 'low' : 'high';
  return buildUpdate(
    s.text,
    { target: found.group('t'), change: [], extra: { priority }, confidence: 0.8 },
    ctx,
  );
};

// "the bank call went fine, mark it done", "won't make the 5k, delete it": the command comes last.
