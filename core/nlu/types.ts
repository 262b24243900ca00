// Plain types, kept apart from the zod schemas so the parser (and the CLI) never loads zod.
// `schema.test.ts` checks both stay in step.

export type Intent = 'create' | 'update' | 'complete' | 'delete' | 'query' | 'clarify' | 'none';

export interface ParseOptions {
  now: Date;
  /** IANA zone of the user, e.g. "America/New_York". */
  timeZone: string;
}

export type WeekdayCode = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';
export type Priority = 'low' | 'medium' | 'high';

export interface RecurrenceSlot {
  frequency: 'daily' | 'weekly' | 'monthly' | 'yearly';
  interval: number;
  byWeekday?: WeekdayCode[];
  byMonthDay?: number;
}

export interface ReminderSlot {
  minutesBefore: number;
}

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
  missing: Missing[];
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
}
