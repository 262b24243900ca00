import { z } from 'zod';

/**
 * The parser's result shape, shared by the offline parser and the Claude engine: both must
 * return something that passes `ParseResultSchema`, so the agent handles one shape only.
 */
export const IntentSchema = z.enum(['create', 'update', 'complete', 'delete', 'query', 'clarify', 'none']);

export const PrioritySchema = z.enum(['low', 'medium', 'high']);

export const WeekdayCodeSchema = z.enum(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']);

const IsoWithOffset = z.iso.datetime({ offset: true });

export const RecurrenceSlotSchema = z
  .object({
    frequency: z.enum(['daily', 'weekly', 'monthly', 'yearly']),
    interval: z.number().int().min(1).max(1000),
    byWeekday: z.array(WeekdayCodeSchema).min(1).max(7).optional(),
    byMonthDay: z.number().int().min(1).max(31).optional(),
  })
  .strict();

export const ReminderSlotSchema = z.object({ minutesBefore: z.number().int().min(0) }).strict();

export const TaskSlotsSchema = z
  .object({
    title: z.string().min(1).optional(),
    description: z.string().min(1).optional(),
    due: IsoWithOffset.optional(),
    priority: PrioritySchema.optional(),
    tags: z.array(z.string().min(1)).optional(),
    /** null (on an update): stop repeating. */
    recurrence: RecurrenceSlotSchema.nullable().optional(),
    reminders: z.array(ReminderSlotSchema).optional(),
  })
  .strict();

/** Time bounds are half-open: `after` inclusive, `before` exclusive. */
export const QueryFilterSchema = z
  .object({
    status: z.enum(['active', 'completed', 'all']).optional(),
    dueAfter: IsoWithOffset.optional(),
    dueBefore: IsoWithOffset.optional(),
    completedAfter: IsoWithOffset.optional(),
    completedBefore: IsoWithOffset.optional(),
    priority: PrioritySchema.optional(),
    tags: z.array(z.string().min(1)).optional(),
    text: z.string().min(1).optional(),
  })
  .strict();

export const MissingSchema = z.enum(['title', 'due', 'target', 'reminder', 'what', 'confirm']);

export const PendingClarificationSchema = z
  .object({
    intent: z.enum(['create', 'update', 'complete', 'delete', 'query']),
    task: TaskSlotsSchema.optional(),
    target: z.string().min(1).optional(),
    /** Bulk operations only: which tasks the confirmed operation applies to. */
    filter: QueryFilterSchema.optional(),
    shift: z.number().int().optional(),
    missing: z.array(MissingSchema).min(1),
  })
  .strict();

export const DueSaidSchema = z
  .object({ date: z.boolean(), time: z.boolean(), meridiem: z.boolean() })
  .strict();

export const OutOfScopeSchema = z
  .object({ topic: z.string().min(1).optional(), offer: TaskSlotsSchema.optional() })
  .strict();

const SpansSchema = z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)]));

export const SlotSourcesSchema = z
  .object({
    title: SpansSchema.optional(),
    description: SpansSchema.optional(),
    tags: SpansSchema.optional(),
    reminders: SpansSchema.optional(),
    recurrence: SpansSchema.optional(),
    priority: SpansSchema.optional(),
    due: SpansSchema.optional(),
  })
  .strict();

export const ParseResultSchema = z
  .object({
    intent: IntentSchema,
    confidence: z.number().min(0).max(1),
    task: TaskSlotsSchema.optional(),
    target: z.string().min(1).optional(),
    filter: QueryFilterSchema.optional(),
    question: z.string().min(1).optional(),
    pending: PendingClarificationSchema.optional(),
    dueSaid: DueSaidSchema.optional(),
    outOfScope: OutOfScopeSchema.optional(),
    sources: SlotSourcesSchema.optional(),
  })
  .strict();
