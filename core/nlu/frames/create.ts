// New tasks asked for explicitly: "add a task to …", "remind me to …", "I need to …".

import { buildCreate, type Span, slotsIn } from '../build';
import { core, type Sentence } from '../sentence';
import { isTaskVerb } from '../verbs';
import { type Frame, match } from './frame';

const NOUN =
  '(?:tasks?|todos?|to-?dos?|to\\s+do|reminders?|items?|entry|action\\s+items?|chores?|errands?|alarms?|alerts?|notes?|memo)';
const CREATE_VERB =
  '(?:(?:create|add|make|new|set\\s+up|setup|open|start|log|enter|insert|put\\s+in|save|record|schedule|jot\\s+down|write\\s+down|note\\s+down|set|give\\s+me|get\\s+me|put|draft|book)\\s+(?:me\\s+)?' +
  "|(?:i\\s+)?(?:need|want|'d\\s+like|would\\s+like)\\s+(?=an?\\s|another\\s))";

export const taskNounFrame: Frame = (s, ctx) => {
  if (/^(?:add|create|new|make|remind(?:\s+me)?|add\s+(?:one|something|more|another))$/.test(core(s))) {
    return buildCreate(s.text, [], ctx, { confidence: 0.9, remind: /remind/.test(core(s)) });
  }
  const found =
    match(
      s,
      new RegExp(
        `^${CREATE_VERB}(?:(?:a|an|another|one|the|new|quick|one\\s+more|1|a\\s+new|my)\\s+)*(?<mid>(?:[\\w#@!'-]+\\s+){0,3}?)(?<noun>${NOUN})\\b(?<body>.*)$`,
        'd',
      ),
    ) ??
    match(
      s,
      new RegExp(
        `^(?<noun>new\\s+${NOUN}|${NOUN}|note\\s+to\\s+self|reminder\\s+to\\s+self)\\s*(?::|-|,)\\s*(?<body>.+)$|^(?<noun2>new\\s+${NOUN})\\s+(?<body2>.+)$|^(?<noun3>todo|to-?do|task)\\s+(?<body3>.+)$`,
        'd',
      ),
    );
  if (!found) return undefined;
  const noun = found.text('noun') || found.text('noun2') || found.text('noun3');
  const body = found.group('body') ?? found.group('body2') ?? found.group('body3');
  const mid = found.group('mid');
  const remind = /remind|alarm|alert/.test(noun);
  const spans: Span[] = body ? [body] : [];
  return buildCreate(s.text, spans, ctx, {
    confidence: 0.93,
    remind,
    mid: mid && mid[1] > mid[0] ? mid : undefined,
  });
};

const createFrames: [RegExp, number, boolean][] = [
  // "I keep forgetting to take my vitamins (, can you remind me every morning at 8)": see createFrame.
  [
    /^(?:i\s+)?(?:(?:keep|always|often|sometimes|tend\s+to)\s+(?:forgetting|forget)|(?:totally\s+|completely\s+|just\s+)?forgot)\s+(?:to\s+|about\s+)(?<body>.+)$/d,
    0.88,
    false,
  ],
  // "add to my list: vacuum the stairs", "put on the shopping list - eggs"
  [
    /^(?:add|put|write|jot)(?:\s+(?:this|that))?\s+(?:to|on|onto|in)\s+(?:my|the)\s+(?:[\w-]+\s+)?(?:list|to-?do\s+list|todo\s+list|todos?|to-?dos?|tasks|agenda|calendar)\s*(?::|-|,)\s*(?<body>.+)$/d,
    0.9,
    false,
  ],
  [/^(?:remind|alert|notify|ping|nudge|text|email|message|buzz)\s+me(?<body>.*)$/d, 0.92, true],
  [/^(?:don'?t|do\s+not|never)\s+(?:let\s+me\s+)?forget(?:\s+(?:to|about|that))?(?<body>.*)$/d, 0.9, false],
  [/^(?:make\s+sure|be\s+sure|ensure)\s+(?:that\s+)?(?:i\s+|to\s+|we\s+)?(?<body>.+)$/d, 0.85, false],
  [
    /^(?:add|note|jot\s+down|note\s+down|remember|(?:write|put)\s+down\s*:)\s*(?::|-)?\s+(?:to\s+|that\s+)?(?<body>.+)$/d,
    0.88,
    false,
  ],
  [
    /^put\s+(?<body>.+?\s+(?:on|onto|in)\s+(?:my|the)\s+.*(?:list|agenda|calendar|todos?|tasks).*)$/d,
    0.88,
    false,
  ],
  [
    /^(?:i\s+|we\s+|i(?=')|we(?='))?(?:really\s+|still\s+|also\s+|definitely\s+|seriously\s+|just\s+)?(?:need|have|got|ought|want|plan|intend|am\s+going|'m\s+going|are\s+going|'re\s+going|would\s+like|'d\s+like|'ve\s+got|has)\s+to\s+(?<body>.+)$/d,
    0.85,
    false,
  ],
  [
    /^(?:i\s+|we\s+)(?:really\s+|still\s+|also\s+|definitely\s+|seriously\s+|just\s+)?(?:gotta|gota|hafta|must|should|wanna|gonna|will|'ll|better|'d\s+better|had\s+better|can|could)\s+(?<body>.+)$/d,
    0.78,
    false,
  ],
  [
    /^(?:i'll|ill|we'll|i'm\s+gonna|i'm\s+going\s+to|gotta|need\s+to|have\s+to|must|should)\s+(?<body>.+)$/d,
    0.8,
    false,
  ],
];

// "every thursday remind me to put the bins out": the reminder request comes after the when.
const REMIND_INSIDE =
  /^(?<lead>.+?)[,;\s]+(?:and\s+|please\s+|also\s+|then\s+)*(?:remind|alert|notify|ping|nudge)\s+me\s+(?:to|about|that)\b(?<body>.*)$/d;

export const createFrame: Frame = (s, ctx) => {
  for (const [re, confidence, remind] of createFrames) {
    const found = match(s, re);
    if (!found) continue;
    let body = found.group('body')!;
    // "… , can you remind me every morning at 8": the request's tail carries only the when.
    const ask =
      /[,;.]\s*(?:so\s+)?(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?(?:remind|ping|nudge|alert)\s+me|(?:please\s+)?(?:add|put|make)\s+(?:it|that|this)(?:\s+(?:on|to)\s+(?:my|the)\s+list|\s+a\s+task)?)\b/d.exec(
        s.lower.slice(body[0], body[1]),
      );
    const tail: Span[] = [];
    if (ask?.indices) {
      tail.push([body[0] + ask.indices[0]![1], body[1]]);
      body = [body[0], body[0] + ask.indices[0]![0]];
    }
    // "I'm going to the gym" tells a plan, "I'm going to call mom" asks for a task.
    if (/\b(?:going\s+to|gonna)\b/.test(found.m[0].slice(0, body[0] - s.start)) && !startsWithVerb(s, body))
      continue;
    return buildCreate(s.text, [body, ...tail], ctx, {
      confidence,
      remind: remind || (ask !== null && /remind|ping|nudge|alert/.test(ask[0])),
    });
  }
  const inside = match(s, REMIND_INSIDE);
  if (inside && !slotsIn(s.text, [inside.group('lead')!], ctx).title) {
    return buildCreate(s.text, [inside.group('lead')!, inside.group('body')!], ctx, {
      confidence: 0.88,
      remind: true,
    });
  }
  return undefined;
};

function startsWithVerb(s: Sentence, span: Span): boolean {
  const first = s.lower.slice(span[0], span[1]).trim().split(/\s+/)[0] ?? '';
  return isTaskVerb(first);
}
