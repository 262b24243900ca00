import type { Recurrence, Weekday } from '../api/types';
import { zonedParts } from './time';

export const WEEKDAYS: { code: Weekday; short: string; long: string }[] = [
  { code: 'MO', short: 'Mon', long: 'Monday' },
  { code: 'TU', short: 'Tue', long: 'Tuesday' },
  { code: 'WE', short: 'Wed', long: 'Wednesday' },
  { code: 'TH', short: 'Thu', long: 'Thursday' },
  { code: 'FR', short: 'Fri', long: 'Friday' },
  { code: 'SA', short: 'Sat', long: 'Saturday' },
  { code: 'SU', short: 'Sun', long: 'Sunday' },
];

const UNIT = { daily: 'day', weekly: 'week', monthly: 'month', yearly: 'year' } as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "daily", "every 2 weeks on Mon, Thu", "monthly on day 5, 3 times", "weekly until Mar 1". */
export function describeRecurrence(rule: Recurrence, zone = 'UTC'): string {
  const interval = rule.interval ?? 1;
  let text =
    interval === 1
      ? rule.frequency
      : `every ${interval} ${UNIT[rule.frequency]}s`.replace('every 1 ', 'every ');
  if (rule.byWeekday?.length) {
    const days = WEEKDAYS.filter((d) => rule.byWeekday!.includes(d.code)).map((d) => d.short);
    text += ` on ${days.join(', ')}`;
  }
  if (rule.byMonthDay) text += ` on day ${rule.byMonthDay}`;
  if (rule.count) text += `, ${rule.count} time${rule.count === 1 ? '' : 's'}`;
  if (rule.until) {
    const p = zonedParts(new Date(rule.until), zone);
    text += ` until ${MONTHS[p.month - 1]} ${p.day}, ${p.year}`;
  }
  return text;
}
