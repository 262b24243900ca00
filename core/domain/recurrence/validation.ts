import { Temporal } from 'temporal-polyfill';
import { RecurrenceRule } from '../recurrence-rule';
import { WEEKDAY_NAMES } from './description';
import { MAX_YEAR, WEEKDAYS } from './engine';

export interface RuleIssue {
  /** The rule's field (`byWeekday`, `until`, …), or `anchor` / `timeZone`. */
  field: string;
  message: string;
}

/**
 * Checks a rule against its anchor and zone beyond what the zod schema can see. Returns one issue
 * per problem; an empty list means the series can be created. The anchor may fall on a day the
 * rule does not list: it still counts as occurrence 0 (see firstMatchingOccurrence).
 *
 * @example
 * validateRule({ frequency: 'monthly', interval: 1, byWeekday: ['MO'] }, due, 'Europe/Berlin');
 * // → [{ field: 'byWeekday', message: 'byWeekday applies to daily and weekly rules; …' }]
 */
export function validateRule(rule: RecurrenceRule, anchor: Date, timeZone: string): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const parsed = RecurrenceRule.safeParse(rule);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ field: issue.path.join('.') || 'rule', message: issue.message });
    }
  }
  let anchorDate: Temporal.PlainDate | null = null;
  const anchorMs = anchor instanceof Date ? anchor.getTime() : Number.NaN;
  if (!Number.isFinite(anchorMs)) {
    issues.push({ field: 'anchor', message: 'the first occurrence needs a valid date and time' });
  }
  try {
    const zdt = Temporal.Instant.fromEpochMilliseconds(
      Number.isFinite(anchorMs) ? anchorMs : 0,
    ).toZonedDateTimeISO(timeZone);
    if (Number.isFinite(anchorMs)) {
      anchorDate = zdt.toPlainDate();
      if (anchorDate.year < 1970 || anchorDate.year > MAX_YEAR) {
        issues.push({
          field: 'anchor',
          message: `the first occurrence must fall between 1970 and ${MAX_YEAR}`,
        });
        anchorDate = null;
      }
    }
  } catch {
    issues.push({ field: 'timeZone', message: `unknown IANA time zone "${timeZone}" (e.g. Europe/Berlin)` });
  }
  if (!parsed.success) return issues;
  const r = parsed.data;

  if (r.byWeekday && (r.frequency === 'monthly' || r.frequency === 'yearly')) {
    issues.push({
      field: 'byWeekday',
      message: `byWeekday applies to daily and weekly rules; a ${r.frequency} rule repeats on a day of the month`,
    });
  }
  if (r.byMonthDay !== undefined && r.frequency !== 'monthly') {
    issues.push({
      field: 'byMonthDay',
      message:
        r.frequency === 'yearly'
          ? 'a yearly rule repeats on the date of its first occurrence; byMonthDay applies to monthly rules'
          : `byMonthDay applies to monthly rules, not ${r.frequency} ones`,
    });
  }
  if (r.frequency === 'daily' && r.byWeekday && r.interval % 7 === 0 && anchorDate) {
    const only = WEEKDAYS[anchorDate.dayOfWeek - 1]!;
    if (r.byWeekday.some((d) => d !== only)) {
      issues.push({
        field: 'byWeekday',
        message: `every ${r.interval} days from a ${WEEKDAY_NAMES[anchorDate.dayOfWeek - 1]} always falls on a ${
          WEEKDAY_NAMES[anchorDate.dayOfWeek - 1]
        }; use a weekly rule to pick other days`,
      });
    }
  }
  if (r.until !== undefined && Number.isFinite(anchorMs)) {
    const untilMs = Temporal.Instant.from(r.until).epochMilliseconds;
    if (untilMs < anchorMs) {
      issues.push({ field: 'until', message: 'until is before the first occurrence' });
    }
  }
  return issues;
}
