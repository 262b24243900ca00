import { Temporal } from 'temporal-polyfill';
import type { RecurrenceRule, Weekday } from '../recurrence-rule';
import { WEEKDAYS } from './engine';

export const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
export const MONTH_NAMES = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  const suffix = ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}

function dayList(days: readonly Weekday[]): string {
  return [...new Set(days)]
    .sort((a, b) => WEEKDAYS.indexOf(a) - WEEKDAYS.indexOf(b))
    .map((d) => WEEKDAY_NAMES[WEEKDAYS.indexOf(d)])
    .join(', ');
}

const WORKDAYS = 'MO,TU,WE,TH,FR';
const WEEKEND = 'SA,SU';

/**
 * A short English description for replies and emails. With `context` (the anchor and zone) it also
 * names the implied day and the time: "every week on Wed at 8:00 AM".
 *
 * @example
 * describeRule({ frequency: 'weekly', interval: 2, byWeekday: ['TH', 'MO'] }); // → "every 2 weeks on Mon, Thu"
 * describeRule({ frequency: 'monthly', interval: 1, byMonthDay: 31 });         // → "monthly on the 31st"
 * describeRule({ frequency: 'daily', interval: 1, byWeekday: ['MO', 'TU', 'WE', 'TH', 'FR'] }); // → "every weekday"
 */
export function describeRule(rule: RecurrenceRule, context?: { anchor: Date; timeZone: string }): string {
  const n = rule.interval ?? 1;
  const unit = { daily: 'day', weekly: 'week', monthly: 'month', yearly: 'year' }[rule.frequency];
  const every = n === 1 ? rule.frequency : `every ${n} ${unit}s`;
  let anchor: Temporal.ZonedDateTime | null = null;
  if (context && Number.isFinite(context.anchor.getTime())) {
    try {
      anchor = Temporal.Instant.fromEpochMilliseconds(context.anchor.getTime()).toZonedDateTimeISO(
        context.timeZone,
      );
    } catch {
      anchor = null;
    }
  }
  const days = rule.byWeekday?.length
    ? [...new Set(rule.byWeekday)].sort((a, b) => WEEKDAYS.indexOf(a) - WEEKDAYS.indexOf(b))
    : null;
  let text: string;
  switch (rule.frequency) {
    case 'daily': {
      const key = days?.join(',');
      if (!days || days.length === 7) text = every;
      else if (n === 1 && key === WORKDAYS) text = 'every weekday';
      else if (n === 1 && key === WEEKEND) text = 'every weekend day';
      else text = n === 1 ? `every ${dayList(days)}` : `${every} on ${dayList(days)}`;
      break;
    }
    case 'weekly': {
      const shown = days ?? (anchor ? [WEEKDAYS[anchor.dayOfWeek - 1]!] : null);
      text = shown ? `${every} on ${dayList(shown)}` : every;
      break;
    }
    case 'monthly': {
      const day = rule.byMonthDay ?? anchor?.day;
      text = day === undefined ? every : `${every} on the ${ordinal(day)}`;
      break;
    }
    case 'yearly': {
      text = anchor ? `${every} on ${MONTH_NAMES[anchor.month - 1]} ${anchor.day}` : every;
      break;
    }
  }
  if (anchor) {
    const time = new Intl.DateTimeFormat('en-US', {
      timeZone: anchor.timeZoneId,
      hour: 'numeric',
      minute: '2-digit',
    }).format(new Date(anchor.epochMilliseconds));
    text += ` at ${time}`;
  }
  if (rule.count !== undefined) text += rule.count === 1 ? ', once' : `, ${rule.count} times`;
  if (rule.until !== undefined) {
    const until = Temporal.Instant.from(rule.until).toZonedDateTimeISO(anchor?.timeZoneId ?? 'UTC');
    text += `, until ${MONTH_NAMES[until.month - 1]} ${until.day}, ${until.year}`;
  }
  return text;
}
