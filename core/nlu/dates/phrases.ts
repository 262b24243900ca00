import { Temporal } from 'temporal-polyfill';
import { DURATION_LIST, NUMBER, parseDurationList, parseNumber } from '../numbers';
import {
  atTime,
  DEADLINE_TIME,
  DEFAULT_TIME,
  isAfter,
  LAST_MINUTE,
  startOfWeek,
  type WallTime,
  type Zoned,
} from '../zoned';
import type { DateContext, FoundDate } from './context';

// Phrases a to-do list reads its own way, resolved before chrono sees the text: "end of day",
// "next week" (its Monday), "on the 15th", "in 2 hours" (exact time), "before 7".

type Custom = {
  re: RegExp;
  resolve: (m: RegExpExecArray, ctx: DateContext) => Omit<FoundDate, 'spans' | 'before'>;
};

function dateOnly(zdt: Zoned, deadline = false): Omit<FoundDate, 'spans' | 'before'> {
  return { zdt, hasDate: true, hasTime: deadline, deadline, ambiguous: false };
}

function fridayDeadline(ctx: DateContext, weeksAhead: number): Zoned {
  const friday = startOfWeek(ctx.now).add({ days: 4 + 7 * weeksAhead });
  const due = atTime(friday, DEADLINE_TIME, ctx.timeZone);
  return isAfter(due, ctx.now) ? due : atTime(friday.add({ days: 2 }), DEADLINE_TIME, ctx.timeZone);
}

function todayDeadline(ctx: DateContext): Zoned {
  const due = atTime(ctx.now, DEADLINE_TIME, ctx.timeZone);
  return isAfter(due, ctx.now) ? due : atTime(ctx.now, LAST_MINUTE, ctx.timeZone);
}

/** Next date (today excluded when its time has passed) whose day of month is `day`. */
export function nextMonthDay(ctx: DateContext, day: number, time: WallTime): Zoned | undefined {
  let month = Temporal.PlainYearMonth.from({ year: ctx.now.year, month: ctx.now.month });
  for (let i = 0; i < 24; i++, month = month.add({ months: 1 })) {
    if (day > month.daysInMonth) continue;
    const candidate = atTime(month.toPlainDate({ day }), time, ctx.timeZone);
    if (isAfter(candidate, ctx.now)) return candidate;
  }
  return undefined;
}

// Phrases chrono misreads or reads differently from what a to-do list means by them.
export const CUSTOM: Custom[] = [
  {
    re: /\b(?:the\s+)?(?:end\s+of\s+(?:the\s+)?(?:business\s+|work\s+|working\s+)?day|end\s+of\s+today|eod|cob|close\s+of\s+business)\b/g,
    resolve: (_m, ctx) => dateOnly(todayDeadline(ctx), true),
  },
  {
    re: /\b(?:the\s+)?end\s+of\s+next\s+week\b/g,
    resolve: (_m, ctx) => dateOnly(fridayDeadline(ctx, 1), true),
  },
  {
    re: /\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?:work\s+)?week|eow|(?:later\s+|sometime\s+)?this\s+week)\b/g,
    resolve: (_m, ctx) => dateOnly(fridayDeadline(ctx, 0), true),
  },
  {
    re: /\b(?:(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month|eom)\b/g,
    resolve: (_m, ctx) => {
      const last = ctx.now.with({ day: ctx.now.daysInMonth });
      return dateOnly(atTime(last, DEADLINE_TIME, ctx.timeZone), true);
    },
  },
  {
    re: /\b(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?year\b/g,
    resolve: (_m, ctx) =>
      dateOnly(atTime(ctx.now.with({ month: 12, day: 31 }), DEADLINE_TIME, ctx.timeZone), true),
  },
  {
    // "next week" in a to-do list is its Monday, not seven days from now.
    re: /(?<!\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\s+)\b(?:early\s+|sometime\s+)?next\s+week\b(?!\s+(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b)/g,
    resolve: (_m, ctx) =>
      dateOnly(atTime(startOfWeek(ctx.now).add({ weeks: 1 }), DEFAULT_TIME, ctx.timeZone)),
  },
  {
    re: /\b(?:the\s+)?day\s+after\s+tomorrow\b/g,
    resolve: (_m, ctx) => dateOnly(atTime(ctx.now.add({ days: 2 }), DEFAULT_TIME, ctx.timeZone)),
  },
  {
    re: new RegExp(`\\b(${NUMBER})\\s+(days?|weeks?|months?)\\s+from\\s+(?:today|now)\\b`, 'g'),
    resolve: (m, ctx) => {
      const count = Math.round(parseNumber(m[1]!) ?? Number.NaN);
      if (!Number.isFinite(count)) throw new SkipMatch();
      const unit = m[2]!.startsWith('day') ? 'days' : m[2]!.startsWith('week') ? 'weeks' : 'months';
      return dateOnly(atTime(ctx.now.add({ [unit]: count }), DEFAULT_TIME, ctx.timeZone));
    },
  },
  {
    // "before 7", "by 5:30", "until 4": chrono only reads a bare hour after "at".
    re: /\b(?:before|by|until|till|around|about)\s+(\d{1,2})(?::(\d{2}))?(?!\s*(?:am|pm|a\.m|p\.m|%|[/:.,-]\d|st\b|nd\b|rd\b|th\b|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|people|kg|km|miles|pages|items|dollars|euros))\b/g,
    resolve: (m, ctx) => {
      const hour = Number(m[1]);
      const minute = Number(m[2] ?? 0);
      if (hour < 1 || hour > 12 || minute > 59) throw new SkipMatch();
      const deadline = !/^(?:around|about)/.test(m[0]);
      const morning = atTime(ctx.now, { hour: hour % 12, minute }, ctx.timeZone);
      const evening = atTime(ctx.now, { hour: (hour % 12) + 12, minute }, ctx.timeZone);
      // Same reading as "at 3": small hours are afternoons, others whichever comes next.
      let zdt = hour <= 6 ? evening : isAfter(morning, ctx.now) ? morning : evening;
      if (!isAfter(zdt, ctx.now)) zdt = zdt.add({ days: 1 });
      const pmGuess = hour > 6 && hour < 12 && zdt.hour >= 12;
      return { zdt, hasDate: false, hasTime: true, deadline, ambiguous: hour > 6, pmGuess };
    },
  },
  {
    re: /\blater\s+today\b/g,
    resolve: (_m, ctx) => dateOnly(todayDeadline(ctx)),
  },
  {
    re: new RegExp(`\\b(?:in|within)\\s+(${DURATION_LIST})`, 'g'),
    resolve: (m, ctx) => {
      const minutes = parseDurationList(m[1]!).reduce((a, b) => a + b, 0);
      const zdt = ctx.now.add({ minutes });
      return minutes < 1440
        ? { zdt, hasDate: true, hasTime: true, deadline: false, ambiguous: false }
        : dateOnly(atTime(zdt, DEFAULT_TIME, ctx.timeZone));
    },
  },
  {
    // "on Christmas Eve", "by New Year's Eve": fixed-date holidays, only after a preposition so
    // "buy Christmas presents" keeps its title.
    re: /\b(on|by|before|until|till|due)\s+(christmas\s+eve|xmas\s+eve|christmas(?:\s+day)?|xmas(?:\s+day)?|boxing\s+day|new\s+year'?s\s+eve|nye|new\s+year'?s(?:\s+day)?|halloween|valentine'?s(?:\s+day)?)\b/g,
    resolve: (m, ctx) => {
      const name = m[2]!;
      const [month, day] = /eve$/.test(name)
        ? /new|nye/.test(name)
          ? [12, 31]
          : [12, 24]
        : name === 'nye'
          ? [12, 31]
          : /^(?:christmas|xmas)/.test(name)
            ? [12, 25]
            : /^boxing/.test(name)
              ? [12, 26]
              : /^new/.test(name)
                ? [1, 1]
                : /^halloween/.test(name)
                  ? [10, 31]
                  : [2, 14];
      const deadline = m[1] !== 'on';
      const time = deadline ? DEADLINE_TIME : DEFAULT_TIME;
      let zdt = atTime(Temporal.PlainDate.from({ year: ctx.now.year, month, day }), time, ctx.timeZone);
      if (!isAfter(zdt, ctx.now))
        zdt = atTime(Temporal.PlainDate.from({ year: ctx.now.year + 1, month, day }), time, ctx.timeZone);
      return { ...dateOnly(zdt, deadline), deadline };
    },
  },
  {
    // "on the 15th": chrono leaves bare ordinals alone, which also keeps "The 5th Wave" a title.
    re: /\b(?:on|by|before|until|due|for)\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b(?!\s+of\b)/g,
    resolve: (m, ctx) => {
      const day = Number(m[1]);
      const zdt = day >= 1 && day <= 31 ? nextMonthDay(ctx, day, DEFAULT_TIME) : undefined;
      if (!zdt) throw new SkipMatch();
      return { ...dateOnly(zdt), deadline: /^(?:by|before|until|due)\b/.test(m[0]), dayOfMonth: day };
    },
  },
];

export class SkipMatch extends Error {}
