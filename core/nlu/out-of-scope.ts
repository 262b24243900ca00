// Requests for other services ("shuffle some 80s rock", "find me a lasagna recipe", "wake me up at
// 6"): what they are about, for a reply that says what Taskwire can do, and — only when it is
// plausible — the to-do they could become, offered and added only after a yes.

import { dueSaidIn, slotsIn } from './build';
import type { DateContext } from './dates';
import { core, type Sentence } from './sentence';
import { isChatter } from './smalltalk';
import { cleanTitle } from './title';
import type { OutOfScope, TaskSlots } from './types';
import { toIso } from './zoned';

const TOPICS: [string, RegExp][] = [
  ['alarms', /\b(?:alarms?|timers?|wake\s+me|snooze|countdown)\b/],
  [
    'music',
    /\b(?:play(?:ing)?|songs?|music|playlists?|album|tracks?|spotify|radio|podcasts?|audiobooks?|shuffle|sing|singer|volume|louder|quieter)\b/,
  ],
  [
    'weather',
    /\b(?:weather|forecast|rain(?:ing)?|snow(?:ing)?|sunny|temperature|umbrella|jacket|windy|humid(?:ity)?|storms?|sunscreen|uv)\b/,
  ],
  ['recipes', /\b(?:recipes?|cook|bake|boil|roast|grill|dinner\s+idea|cups?\s+in|tablespoons?|ounces)\b/],
  [
    'home',
    /\b(?:lights?|lamp|thermostat|heating|heat|ac|air\s+con(?:ditioning)?|lock|unlock|blinds|curtains|vacuum|roomba|dishwasher|fan|tv|plugs?|heater|garage\s+door|coffee\s+maker|make\s+me\s+a\s+coffee)\b/,
  ],
  ['messages', /\b(?:e-?mails?|inbox|texts?|messages?|slack|voicemails?|reply|facetime)\b/],
  ['news', /\b(?:news|headlines|trending|top\s+stories)\b/],
  [
    'restaurants',
    /\b(?:restaurants?|table\s+for|book\s+a\s+table|takeaway|takeout|delivery|pizza|sushi|cafe|coffee\s+shop)\b/,
  ],
  ['shopping', /\b(?:order|buy|cart|basket|amazon|package|parcel|shipped|price|cost|on\s+sale|reorder)\b/],
  [
    'travel',
    /\b(?:uber|lyft|taxi|cab|ride|train|bus|flight|traffic|directions|commute|hotel|drive\s+to|get\s+to)\b/,
  ],
  [
    'time',
    /\b(?:what\s+time|the\s+date|what\s+day|days\s+(?:until|till)|holiday|christmas|thanksgiving|easter)\b/,
  ],
];

/** Topics whose requests can plausibly become a to-do ("order more paper towels"). */
const OFFERABLE = new Set(['recipes', 'shopping', 'messages', 'restaurants', 'travel']);
const ACTION =
  /^(?:find|look\s+up|search\s+for|get|order|re-?order|buy|book|send|email|e-mail|text|message|write|reply\s+to|call|schedule|reserve|pick\s+up)\b/;

function offerTitle(s: Sentence): string | undefined {
  const words = core(s)
    .replace(/^(?<verb>\S+(?:\s+(?:up|for|to))?)\s+me\s+/, '$<verb> ')
    .replace(/\s+(?:please|pls|for\s+me|now|right\s+now|asap)$/, '')
    .replace(/\s+(?:saying|that\s+says|telling\s+(?:him|her|them))\s+.*$/, '');
  const title = cleanTitle(words);
  return title && title.split(/\s+/).length <= 12 ? title : undefined;
}

function alarmOffer(s: Sentence, ctx: DateContext): TaskSlots | undefined {
  const c = core(s);
  if (
    !/\b(?:wake\s+me|alarm)\b/.test(c) ||
    /\b(?:cancel|delete|stop|turn\s+off|snooze|remove|disable)\b/.test(c)
  )
    return undefined;
  // "an alarm for 7": a time, as "at 7" would be.
  const text = s.text.replace(/\b(alarm|me(?:\s+up)?)\s+for\s+(?=\d)/i, '$1 at ');
  const x = slotsIn(text, [[s.start, s.start + (s.end - s.start) + (text.length - s.text.length)]], ctx);
  if (!x.task.due || x.task.recurrence || !x.due) return undefined;
  let due = x.due.zdt;
  // An alarm "at 6" wakes you in the morning.
  if (!dueSaidIn(text, x)?.meridiem && due.hour >= 12) due = due.subtract({ hours: 12 });
  if (due.epochMilliseconds <= ctx.now.epochMilliseconds) due = due.add({ days: 1 });
  return {
    title: /\bwake\b/.test(c) ? 'Wake up' : 'Alarm',
    due: toIso(due),
    reminders: [{ minutesBefore: 0 }],
  };
}

/** What an out-of-scope request was about, and the to-do it could become; undefined for chatter. */
export function outOfScope(s: Sentence, ctx: DateContext): OutOfScope | undefined {
  const c = core(s);
  if (!c || isChatter(c)) return undefined;
  const topic = TOPICS.find(([, re]) => re.test(c))?.[0];
  const result: OutOfScope = topic ? { topic } : {};
  if (topic === 'alarms') {
    const offer = alarmOffer(s, ctx);
    if (offer) result.offer = offer;
  } else if (topic && OFFERABLE.has(topic) && ACTION.test(c) && !s.question) {
    const title = offerTitle(s);
    if (title) result.offer = { title };
  }
  return result;
}
