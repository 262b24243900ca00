import { z } from 'zod';
import { describeRule } from './recurrence/description';
import { RecurrenceMode, RecurrenceRule } from './recurrence-rule';
import { codePoints, plainText, requiredText, WHITESPACE } from './text';
import {
  DUE_TEXT_RE,
  DUE_YEAR_MAX,
  DUE_YEAR_MIN,
  DUE_YEAR_RE,
  iso,
  isReasonableInstant,
  resolveInstant,
  TimeZone,
} from './time';

export const TITLE_MAX = 500;
export const DESCRIPTION_MAX = 10_000;
export const TAG_MAX = 50;
export const TAGS_MAX = 20;
export const REMINDERS_MAX = 10;
export const TRASH_DAYS = 30;

export const Priority = z.enum(['low', 'medium', 'high']);
export type Priority = z.infer<typeof Priority>;

export const TaskStatus = z.enum(['active', 'completed']);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const ReminderChannel = z.enum(['email', 'in-app']);
export type ReminderChannel = z.infer<typeof ReminderChannel>;

/** Normalises a tag: no leading '#', lower case, inner spaces as '-'. */
export function normaliseTag(raw: string): string {
  return raw.trim().replace(/^#+/, '').toLowerCase().replace(/\s+/g, '-');
}

const TAG_RE = /^[\p{L}\p{N}][\p{L}\p{N}_\-.]*$/u;
/**
 * A tag as sent, before normalising: optional surrounding whitespace and leading '#', then a letter
 * or digit, then letters, digits, '_', '-', '.' or whitespace. U+0130 (İ) is left out because it
 * lower-cases to two characters, the second of which is no letter.
 */
const RAW_TAG_RE = new RegExp(
  String.raw`^[${WHITESPACE}]*#*(?!\u0130)[\p{L}\p{N}](?:(?!\u0130)[\p{L}\p{N}_\-.${WHITESPACE}])*$`,
  'u',
);

export const Tag = z
  .string()
  .regex(
    RAW_TAG_RE,
    'a tag uses letters, digits, "-", "_" or "." and starts with a letter or digit (a leading "#" is dropped)',
  )
  .refine((s) => codePoints(s) <= TAG_MAX, `a tag has at most ${TAG_MAX} characters`)
  .meta({ maxLength: TAG_MAX })
  .transform(normaliseTag)
  .pipe(
    z
      .string()
      .min(1, 'a tag cannot be empty')
      .regex(TAG_RE, 'a tag uses letters, digits, "-", "_" or "." and starts with a letter or digit'),
  );

/** A tag as stored, up to case: what a filter names (`?tag=work,home`). */
export const STORED_TAG_SOURCE = String.raw`(?!\u0130)[\p{L}\p{N}](?:(?!\u0130)[\p{L}\p{N}_\-.]){0,${TAG_MAX - 1}}`;

export const Tags = z
  .array(Tag)
  .max(TAGS_MAX, `at most ${TAGS_MAX} tags`)
  .transform((tags) => [...new Set(tags)]);

export const ReminderSpec = z
  .object({
    minutesBefore: z
      .number()
      .int()
      .min(0)
      .max(60 * 24 * 365),
    channel: ReminderChannel.optional(),
  })
  .strict();
export type ReminderSpec = z.infer<typeof ReminderSpec>;

export const Reminders = z
  .array(ReminderSpec)
  .max(REMINDERS_MAX, `at most ${REMINDERS_MAX} reminders`)
  .transform((list) => {
    const seen = new Set<string>();
    return list.filter((r) => {
      const key = `${r.minutesBefore}:${r.channel ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });

export const Title = requiredText(TITLE_MAX, 'title is required');

export const Description = plainText(DESCRIPTION_MAX);

/** A due time as sent by clients: an ISO instant, or a wall-clock time read in the task's zone. */
export const DueText = z
  .string()
  .regex(DUE_TEXT_RE, {
    error: (issue) =>
      typeof issue.input === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(issue.input)
        ? 'include a time of day, e.g. 2030-01-02T17:00 or 2030-01-02T17:00:00Z'
        : 'an ISO 8601 date and time such as 2030-01-02T17:00 or 2030-01-02T17:00:00Z',
  })
  .regex(DUE_YEAR_RE, `the year must be between ${DUE_YEAR_MIN} and ${DUE_YEAR_MAX}`);

export const CreateTaskInput = z
  .object({
    title: Title,
    description: Description.nullish(),
    due: DueText.nullish(),
    timezone: TimeZone.optional(),
    priority: Priority.nullish(),
    tags: Tags.optional(),
    reminders: Reminders.optional(),
    recurrence: RecurrenceRule.nullish(),
    recurrenceMode: RecurrenceMode.optional(),
  })
  .strict();
export type CreateTaskInput = z.output<typeof CreateTaskInput>;

export const UpdateTaskInput = z
  .object({
    title: Title.optional(),
    description: Description.nullish(),
    due: DueText.nullish(),
    timezone: TimeZone.optional(),
    priority: Priority.nullish(),
    tags: Tags.optional(),
    reminders: Reminders.optional(),
    status: TaskStatus.optional(),
    /** Makes a one-off task recurring, changes the series' rule, or (null) stops the repetition. */
    recurrence: RecurrenceRule.nullish(),
    recurrenceMode: RecurrenceMode.optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'send at least one field to change' })
  .meta({ minProperties: 1 });
export type UpdateTaskInput = z.output<typeof UpdateTaskInput>;

/** The task as stored. */
export interface Task {
  id: string;
  title: string;
  description: string | null;
  due: Date | null;
  timezone: string;
  priority: Priority | null;
  tags: string[];
  status: TaskStatus;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  version: number;
  reminders: ReminderSpec[];
  seriesId: string | null;
  occurrenceAt: Date | null;
  occurrenceIndex: number | null;
  catchUp: boolean;
}

const IsoInstant = z.iso.datetime({ offset: true });

/** The task as the API and events show it. */
export const TaskView = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string().nullable(),
  due: IsoInstant.nullable(),
  timezone: z.string(),
  priority: Priority.nullable(),
  tags: z.array(z.string()),
  status: TaskStatus,
  completedAt: IsoInstant.nullable(),
  createdAt: IsoInstant,
  updatedAt: IsoInstant,
  deletedAt: IsoInstant.nullable(),
  version: z.number().int().positive(),
  reminders: z.array(ReminderSpec),
  seriesId: z.uuid().nullable(),
  occurrenceAt: IsoInstant.nullable(),
  catchUp: z.boolean(),
  recurrence: RecurrenceRule.nullable().optional(),
  recurrenceMode: RecurrenceMode.nullable().optional(),
  /** The repetition in words ("every week on Wed at 9:00 AM"), for clients to show as is. */
  recurrenceSummary: z.string().nullable().optional(),
});
export type TaskView = z.infer<typeof TaskView>;

export function toView(task: Task, series?: { rule: unknown; mode: string } | null): TaskView {
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    due: iso(task.due),
    timezone: task.timezone,
    priority: task.priority,
    tags: task.tags,
    status: task.status,
    completedAt: iso(task.completedAt),
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
    deletedAt: iso(task.deletedAt),
    version: task.version,
    reminders: task.reminders,
    seriesId: task.seriesId,
    occurrenceAt: iso(task.occurrenceAt),
    catchUp: task.catchUp,
    recurrence: series ? (series.rule as TaskView['recurrence']) : null,
    recurrenceMode: series ? (series.mode as TaskView['recurrenceMode']) : null,
    recurrenceSummary: series
      ? describeRule(
          series.rule as RecurrenceRule,
          task.due ? { anchor: task.due, timeZone: task.timezone } : undefined,
        )
      : null,
  };
}

export class TaskRuleError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function resolveDue(due: string | null | undefined, timezone: string): Date | null {
  if (due === undefined || due === null) return null;
  const r = resolveInstant(due, timezone);
  if ('error' in r) throw new TaskRuleError('due', r.error);
  if (!isReasonableInstant(r.instant)) throw new TaskRuleError('due', 'must be between 1970 and 9999');
  return r.instant;
}

export function newTask(
  input: CreateTaskInput,
  opts: { id: string; now: Date; defaultTimezone: string },
): Task {
  const timezone = input.timezone ?? opts.defaultTimezone;
  return {
    id: opts.id,
    title: input.title,
    description: input.description ?? null,
    due: resolveDue(input.due, timezone),
    timezone,
    priority: input.priority ?? null,
    tags: input.tags ?? [],
    status: 'active',
    completedAt: null,
    createdAt: opts.now,
    updatedAt: opts.now,
    deletedAt: null,
    version: 1,
    reminders: input.reminders ?? [],
    seriesId: null,
    occurrenceAt: null,
    occurrenceIndex: null,
    catchUp: false,
  };
}

export type FieldChange = { from: unknown; to: unknown };
export type Changes = Record<string, FieldChange>;

const COMPARABLE = (v: unknown) => JSON.stringify(v instanceof Date ? v.toISOString() : (v ?? null));

/**
 * Applies a patch's field changes (not `status`: completion has its own transition and event);
 * returns the new task and only the fields that really changed.
 */
export function applyPatch(task: Task, patch: UpdateTaskInput, now: Date): { task: Task; changes: Changes } {
  const timezone = patch.timezone ?? task.timezone;
  const next: Task = { ...task };
  if (patch.title !== undefined) next.title = patch.title;
  if (patch.description !== undefined) next.description = patch.description ?? null;
  if (patch.due !== undefined) next.due = resolveDue(patch.due, timezone);
  if (patch.timezone !== undefined) next.timezone = patch.timezone;
  if (patch.priority !== undefined) next.priority = patch.priority ?? null;
  if (patch.tags !== undefined) next.tags = patch.tags;
  if (patch.reminders !== undefined) next.reminders = patch.reminders;
  const changes: Changes = {};
  for (const key of Object.keys(next) as (keyof Task)[]) {
    if (COMPARABLE(task[key]) !== COMPARABLE(next[key])) {
      changes[key] = { from: serialise(task[key]), to: serialise(next[key]) };
    }
  }
  if (Object.keys(changes).length > 0) {
    next.updatedAt = now;
    next.version = task.version + 1;
  }
  return { task: next, changes };
}

function serialise(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : (v ?? null);
}

/** Completion is idempotent: a completed task keeps its first completion time (returns null). */
export function completeTask(task: Task, now: Date): Task | null {
  if (task.status === 'completed') return null;
  return { ...task, status: 'completed', completedAt: now, updatedAt: now, version: task.version + 1 };
}

export function reopenTask(task: Task, now: Date): Task | null {
  if (task.status === 'active') return null;
  return { ...task, status: 'active', completedAt: null, updatedAt: now, version: task.version + 1 };
}

export function trashTask(task: Task, now: Date): Task | null {
  if (task.deletedAt) return null;
  return { ...task, deletedAt: now, updatedAt: now, version: task.version + 1 };
}

export function restoreTask(task: Task, now: Date): Task | null {
  if (!task.deletedAt) return null;
  return { ...task, deletedAt: null, updatedAt: now, version: task.version + 1 };
}

export function isPurgeable(task: Task, now: Date, retentionDays = TRASH_DAYS): boolean {
  return task.deletedAt !== null && now.getTime() - task.deletedAt.getTime() >= retentionDays * 86_400_000;
}
