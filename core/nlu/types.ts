// Plain types, kept apart from the zod schemas so the parser (and the CLI) never loads zod. The
// task vocabulary comes from core/domain as type-only imports (erased at run time, so still no
// zod); `schema.test.ts` checks the parser's schemas stay in step with these.
import type { Frequency, Weekday } from '../domain/recurrence-rule';
import type { Priority, ReminderSpec } from '../domain/task';
import type { SlotSources } from './masked-text';

export type { Priority };

export type Intent = 'create' | 'update' | 'complete' | 'delete' | 'query' | 'clarify' | 'none';

export interface ParseOptions {
  now: Date;
  /** IANA zone of the user, e.g. "America/New_York". */
  timeZone: string;
  /** Also say which words each slot came from (`ParseResult.sources`), e.g. to show them. */
  withSources?: boolean;
}

export type { SlotSources };

export type WeekdayCode = Weekday;

export interface RecurrenceSlot {
  frequency: Frequency;
  interval: number;
  byWeekday?: WeekdayCode[];
  byMonthDay?: number;
}

export type ReminderSlot = Pick<ReminderSpec, 'minutesBefore'>;

export interface TaskSlots {
  title?: string;
  description?: string;
  /** ISO 8601 with the user's offset, e.g. 2026-03-08T15:00:00-04:00. */
  due?: string;
  priority?: Priority;
  /** Lower case, no '#'. */
  tags?: string[];
  /** null on an update means "stop repeating". */
  recurrence?: RecurrenceSlot | null;
  /** An empty list on an update means "remove the reminders". */
  reminders?: ReminderSlot[];
}

/** Time bounds are half-open: `…After` inclusive, `…Before` exclusive. */
export interface QueryFilter {
  status?: 'active' | 'completed' | 'all';
  dueAfter?: string;
  dueBefore?: string;
  completedAfter?: string;
  completedBefore?: string;
  priority?: Priority;
  tags?: string[];
  text?: string;
}

export type Missing = 'title' | 'due' | 'target' | 'reminder' | 'what' | 'confirm';

export interface PendingClarification {
  intent: Exclude<Intent, 'clarify' | 'none'>;
  task?: TaskSlots;
  target?: string;
  /** Bulk operations only: which tasks the confirmed operation applies to. */
  filter?: QueryFilter;
  /** "push it back an hour": minutes to move the task from its own due time. */
  shift?: number;
  missing: Missing[];
}

/** Which parts of a due time the words gave: "actually Saturday" keeps the task's time of day. */
export interface DueSaid {
  date: boolean;
  time: boolean;
  /** "7" could be morning or evening; "7pm", "19:00" or "tonight" could not. */
  meridiem: boolean;
}

/** A request for another service: what it was about, and a to-do it could become. */
export interface OutOfScope {
  topic?: string;
  /** A task worth offering ("find a lasagna recipe"), added only if the person says yes. */
  offer?: TaskSlots;
}

export interface ParseResult {
  intent: Intent;
  /** 0..1; the agent confirms before acting below 0.6. */
  confidence: number;
  /** create: the new task; update: only the changed fields. */
  task?: TaskSlots;
  /** update/complete/delete: the words naming the existing task ("buy groceries", "it"). */
  target?: string;
  /** query, and confirmed bulk operations. */
  filter?: QueryFilter;
  /** clarify: the targeted question to ask. */
  question?: string;
  /** clarify: what is known so far, finished by `continueClarification` with the next answer. */
  pending?: PendingClarification;
  /** create/update/clarify: which parts of `due` were said (internal, not in the CLI contract). */
  dueSaid?: DueSaid;
  /** none: the message asked for something outside the to-do list (internal). */
  outOfScope?: OutOfScope;
  /**
   * With `withSources`: the character ranges of the screened text each slot of `task` (or
   * `pending.task`) came from (internal, not in the CLI contract).
   */
  sources?: SlotSources;
}
