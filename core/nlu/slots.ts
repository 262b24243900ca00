import { type DateContext, type FoundDate, findDates } from './dates';
import { allMatches, type MaskedText, type SlotSources } from './masked-text';
import { extractPriority } from './priority';
import { extractRecurrence, firstOccurrence } from './recurrence';
import { extractRelativeReminders } from './reminders';
import { extractTags } from './tags';
import { cleanTitle } from './title';
import type { ReminderSlot, TaskSlots } from './types';
import { atTime, isAfter, toIso, type Zoned } from './zoned';

export interface Extracted {
  /** Every slot but the title. */
  task: TaskSlots;
  title: string;
  /** The leftover words as typed (no capitalisation), for naming an existing task. */
  rest: string;
  due?: FoundDate;
  /** The due time was said, not derived from a recurrence. */
  dueSaid: boolean;
  /** Readings that disagree or that people read differently ("next Friday", two dates). */
  ambiguousDate: boolean;
  /** Relative reminders were asked for but nothing says when the task is due. */
  reminderWithoutDue: boolean;
  /** "later", "sometime", "soon": a time was hinted at but not given. */
  vagueTime: boolean;
  quotedTitle: boolean;
  /** How many slots (besides the title) were found. */
  slotCount: number;
  /** The words each slot came from, in the coordinates of the text given. */
  sources(): SlotSources;
}

export interface ExtractOptions {
  /** The request was phrased as a reminder ("remind me …"), so a due time also means "remind me then". */
  remind?: boolean;
}

const REMIND_CUE_BEFORE =
  /(?:(?:remind|alert|notify|ping|nudge|text|email|message)\s+me|reminders?|alerts?|notifications?)(?:\s+(?:at|on|by|for))?\s*$/;
const VAGUE = /\b(?:later(?:\s+on)?|sometime|some\s+time|soon|at\s+some\s+point|one\s+of\s+these\s+days)\b/g;

function takeQuotedTitle(m: MaskedText): string | undefined {
  const re = /"([^"]{1,300})"|(?:^|(?<=[\s:]))'([^']{2,300})'(?=$|[\s,.!?:;])/g;
  const match = allMatches(re, m.view())[0];
  if (!match) return undefined;
  const inner = match[1] !== undefined ? 1 : 2;
  const start = match.index + match[0].indexOf(match[inner]!);
  const title = m.text.slice(start, start + match[inner]!.length).trim();
  m.consume(match.index, match.index + match[0].length);
  return title || undefined;
}

function takeDescription(m: MaskedText, parenthesisedOnly: boolean): string | undefined {
  const labelled =
    /(?:[,;.]\s*|\s+|^)(?:with\s+|and\s+|plus\s+)?(?:a\s+|the\s+|some\s+)?(?:notes?|description|details|desc|comment)\s*(?::|-|=|saying|that\s+says|reading)\s*(\S.*)$/d;
  const parenthesised = /\(([^()]{2,300})\)/d;
  for (const re of parenthesisedOnly ? [parenthesised] : [labelled]) {
    const match = re.exec(m.view());
    if (!match?.indices?.[1]) continue;
    const [start, end] = match.indices[1];
    const description = m.text.slice(start, end).trim().replace(/[.]$/, '');
    m.consume(match.index, match.index + match[0].length);
    if (description) return description;
  }
  return undefined;
}

function isReminderTime(m: MaskedText, date: FoundDate): boolean {
  return REMIND_CUE_BEFORE.test(m.lower.slice(0, date.spans[0]![0]));
}

function minutesBetween(earlier: Zoned, later: Zoned): number {
  return Math.round((later.epochMilliseconds - earlier.epochMilliseconds) / 60_000);
}

function reminderAt(remindAt: FoundDate, due: Zoned, ctx: DateContext): number | undefined {
  let at = remindAt.zdt;
  if (!remindAt.hasDate) {
    // "remind me at 2pm" on a task due Friday 5pm: 2pm that Friday (or the day before, if later than due).
    at = atTime(due, { hour: at.hour, minute: at.minute }, ctx.timeZone);
    if (isAfter(at, due)) at = at.subtract({ days: 1 });
  }
  const minutes = minutesBetween(at, due);
  return minutes >= 0 ? minutes : undefined;
}

/**
 * Pulls every slot out of the still-unconsumed text of `m` and returns them with the clean
 * title made of what is left. Order matters: reminders and recurrence go before dates so
 * "15 minutes before" or "every Monday" are not read as due dates.
 */
export function extractSlots(m: MaskedText, ctx: DateContext, options: ExtractOptions = {}): Extracted {
  const quoted = m.attribute('title', () => takeQuotedTitle(m));
  const labelled = m.attribute('description', () => takeDescription(m, false));
  const tags = m.attribute('tags', () => extractTags(m));
  const offsets = m.attribute('reminders', () => extractRelativeReminders(m));
  const recurrence = m.attribute('recurrence', () => extractRecurrence(m));
  const priority = m.attribute('priority', () => extractPriority(m));
  const dates = findDates(m.view(), ctx);
  let vagueTime = false;
  for (const match of allMatches(VAGUE, m.view())) {
    vagueTime = true;
    m.consume(match.index, match.index + match[0].length);
  }

  // Parentheses go last: "(low priority)" or "(by Friday)" are slots, "(size 10)" is a note.
  const description = labelled ?? m.attribute('description', () => takeDescription(m, true));
  const reminderTimes = dates.length > 1 ? dates.filter((d) => isReminderTime(m, d)) : [];
  const dueCandidates = dates.filter((d) => !reminderTimes.includes(d));
  let due = dueCandidates.find((d) => d.hasDate && d.hasTime) ?? dueCandidates[0];
  for (const d of dates) {
    m.attribute(reminderTimes.includes(d) ? 'reminders' : 'due', () => {
      for (const [start, end] of d.spans) m.consume(start, end);
    });
  }

  let dueZdt = due?.zdt;
  if (recurrence?.rule.frequency === 'monthly' && !recurrence.rule.byMonthDay && due?.dayOfMonth) {
    recurrence.rule.byMonthDay = due.dayOfMonth;
  }
  if (recurrence) {
    // "at 8" guessed as 20:00 for today means 08:00 on the days the task repeats.
    const hour = due?.pmGuess ? due.zdt.hour - 12 : due?.zdt.hour;
    const said = due && hour !== undefined ? { hour, minute: due.zdt.minute } : undefined;
    const time = due?.hasTime ? said : (recurrence.time ?? said);
    dueZdt = firstOccurrence(recurrence.rule, time, ctx, due?.hasDate ? due.zdt : undefined);
    due ??= {
      spans: [],
      zdt: dueZdt,
      hasDate: true,
      hasTime: true,
      deadline: false,
      ambiguous: false,
      before: '',
    };
  }

  const reminders: ReminderSlot[] = offsets.map((minutesBefore) => ({ minutesBefore }));
  if (dueZdt) {
    for (const at of reminderTimes) {
      const minutes = reminderAt(at, dueZdt, ctx);
      if (minutes !== undefined) reminders.push({ minutesBefore: minutes });
    }
    if (options.remind && reminders.length === 0) reminders.push({ minutesBefore: 0 });
  }

  const task: TaskSlots = {};
  if (description) task.description = description;
  if (dueZdt) task.due = toIso(dueZdt);
  if (priority) task.priority = priority;
  if (tags.length) task.tags = tags;
  if (recurrence) task.recurrence = recurrence.rule;
  // Without a due time the reminders only make sense once a due time arrives (see reminderWithoutDue).
  if (reminders.length) task.reminders = dedupe(reminders);

  return {
    task,
    title: quoted ?? cleanTitle(m.originalView()),
    rest: quoted ?? m.remaining(),
    due,
    dueSaid: dates.length > 0 && dueCandidates.length > 0,
    ambiguousDate: dueCandidates.length > 1 || dates.some((d) => d.ambiguous),
    reminderWithoutDue: offsets.length > 0 && !dueZdt,
    vagueTime,
    quotedTitle: quoted !== undefined,
    slotCount: Object.keys(task).length + (offsets.length && !dueZdt ? 1 : 0),
    sources: () => m.sources(),
  };
}

function dedupe(reminders: ReminderSlot[]): ReminderSlot[] {
  const seen = new Set<number>();
  return reminders.filter((r) => !seen.has(r.minutesBefore) && seen.add(r.minutesBefore));
}
