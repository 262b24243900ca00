import type {
  FieldError,
  Frequency,
  Priority,
  Recurrence,
  RecurrenceMode,
  Reminder,
  ReminderChannel,
  Task,
  TaskInput,
  TaskPatch,
  Weekday,
} from '../api/types';
import { instantToWallClock, wallClockToInstant } from './time';

export type ReminderUnit = 'min' | 'h' | 'd';
export const UNIT_MINUTES: Record<ReminderUnit, number> = { min: 1, h: 60, d: 1440 };

export interface ReminderDraft {
  amount: string;
  unit: ReminderUnit;
  channel: '' | ReminderChannel;
}

/** What the task form edits: every control's value as the control holds it. */
export interface TaskDraft {
  title: string;
  description: string;
  due: string;
  timezone: string;
  priority: '' | Priority;
  tags: string;
  reminders: ReminderDraft[];
  frequency: '' | Frequency;
  interval: string;
  byWeekday: Weekday[];
  byMonthDay: string;
  ends: 'never' | 'until' | 'count';
  until: string;
  count: string;
  recurrenceMode: RecurrenceMode;
}

export function emptyDraft(timezone: string): TaskDraft {
  return {
    title: '',
    description: '',
    due: '',
    timezone,
    priority: '',
    tags: '',
    reminders: [],
    frequency: '',
    interval: '1',
    byWeekday: [],
    byMonthDay: '',
    ends: 'never',
    until: '',
    count: '',
    recurrenceMode: 'schedule',
  };
}

export function reminderDraft(reminder: Reminder): ReminderDraft {
  const m = reminder.minutesBefore;
  const unit: ReminderUnit = m > 0 && m % 1440 === 0 ? 'd' : m > 0 && m % 60 === 0 ? 'h' : 'min';
  return { amount: String(m / UNIT_MINUTES[unit]), unit, channel: reminder.channel ?? '' };
}

export function draftFromTask(task: Task): TaskDraft {
  const rule = task.recurrence;
  return {
    title: task.title,
    description: task.description ?? '',
    due: task.due ? instantToWallClock(task.due, task.timezone) : '',
    timezone: task.timezone,
    priority: task.priority ?? '',
    tags: task.tags.join(', '),
    reminders: task.reminders.map(reminderDraft),
    frequency: rule?.frequency ?? '',
    interval: String(rule?.interval ?? 1),
    byWeekday: rule?.byWeekday ?? [],
    byMonthDay: rule?.byMonthDay ? String(rule.byMonthDay) : '',
    ends: rule?.until ? 'until' : rule?.count ? 'count' : 'never',
    until: rule?.until ? instantToWallClock(rule.until, task.timezone).slice(0, 10) : '',
    count: rule?.count ? String(rule.count) : '',
    recurrenceMode: task.recurrenceMode ?? 'schedule',
  };
}

const WHOLE = /^\d+$/;

/** Turns the draft into a request body, or the fields a person has to fix first. */
export function draftToInput(draft: TaskDraft): { input: TaskInput } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const title = draft.title.trim();
  if (!title) errors.push({ field: 'title', message: 'Give the task a title.' });
  const reminders: Reminder[] = [];
  for (const r of draft.reminders) {
    if (!WHOLE.test(r.amount.trim())) {
      errors.push({ field: 'reminders', message: 'Reminder times are whole numbers.' });
      break;
    }
    reminders.push({
      minutesBefore: Number(r.amount) * UNIT_MINUTES[r.unit],
      ...(r.channel ? { channel: r.channel } : {}),
    });
  }
  let recurrence: Recurrence | null = null;
  if (draft.frequency) {
    if (!WHOLE.test(draft.interval.trim()) || Number(draft.interval) < 1) {
      errors.push({ field: 'recurrence', message: 'Repeat every 1 or more.' });
    }
    if (!draft.due) errors.push({ field: 'due', message: 'A repeating task needs a first due time.' });
    recurrence = { frequency: draft.frequency, interval: Number(draft.interval) || 1 };
    if (draft.frequency === 'weekly' && draft.byWeekday.length) recurrence.byWeekday = [...draft.byWeekday];
    if (draft.frequency === 'monthly' && draft.byMonthDay.trim()) {
      recurrence.byMonthDay = Number(draft.byMonthDay);
    }
    if (draft.ends === 'until' && draft.until) {
      const end = wallClockToInstant(`${draft.until}T23:59`, draft.timezone);
      if (end) recurrence.until = end.toISOString();
    }
    if (draft.ends === 'count' && draft.count.trim()) recurrence.count = Number(draft.count);
  }
  if (errors.length) return { errors };
  const tags = draft.tags
    .split(/[,\s]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  const input: TaskInput = { title, timezone: draft.timezone };
  if (draft.description.trim()) input.description = draft.description;
  if (draft.due) input.due = draft.due;
  if (draft.priority) input.priority = draft.priority;
  if (tags.length) input.tags = tags;
  if (reminders.length) input.reminders = reminders;
  if (recurrence) {
    input.recurrence = recurrence;
    input.recurrenceMode = draft.recurrenceMode;
  }
  return { input };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Only what changed between two drafts, as a PATCH body: null clears a field.
 * `withRecurrence` includes the repeat rule (series edits); single tasks leave it out.
 */
export function draftPatch(before: TaskInput, after: TaskInput, withRecurrence: boolean): TaskPatch {
  const patch: TaskPatch = {};
  if (!same(before.title, after.title)) patch.title = after.title;
  if (!same(before.description, after.description)) patch.description = after.description ?? null;
  if (!same(before.due, after.due) || !same(before.timezone, after.timezone)) {
    patch.due = after.due ?? null;
    patch.timezone = after.timezone;
  }
  if (!same(before.priority, after.priority)) patch.priority = after.priority ?? null;
  if (!same(before.tags ?? [], after.tags ?? [])) patch.tags = after.tags ?? [];
  if (!same(before.reminders ?? [], after.reminders ?? [])) patch.reminders = after.reminders ?? [];
  if (withRecurrence) {
    if (!same(before.recurrence, after.recurrence)) patch.recurrence = after.recurrence ?? null;
    if (!same(before.recurrenceMode, after.recurrenceMode) && after.recurrenceMode) {
      patch.recurrenceMode = after.recurrenceMode;
    }
  }
  return patch;
}

/** Field errors keyed by the form's sections: "reminders.0.minutesBefore" belongs to "reminders". */
export function errorsByField(
  errors: FieldError[],
  known: readonly string[],
): {
  fields: Record<string, string>;
  other: string[];
} {
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const e of errors) {
    const key = e.field.split(/[.[]/)[0] ?? '';
    if (known.includes(key)) fields[key] = fields[key] ? `${fields[key]} ${e.message}` : e.message;
    else other.push(e.field ? `${e.field}: ${e.message}` : e.message);
  }
  return { fields, other };
}
