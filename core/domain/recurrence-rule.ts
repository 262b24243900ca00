import { z } from 'zod';

export const Weekday = z.enum(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']);
export type Weekday = z.infer<typeof Weekday>;

export const Frequency = z.enum(['daily', 'weekly', 'monthly', 'yearly']);
export type Frequency = z.infer<typeof Frequency>;

/** How the next occurrence is found: from the schedule, or from the completion time (Todoist's "every!"). */
export const RecurrenceMode = z.enum(['schedule', 'completion']);
export type RecurrenceMode = z.infer<typeof RecurrenceMode>;

export const RecurrenceRule = z
  .object({
    frequency: Frequency,
    interval: z.number().int().min(1).max(1000).default(1),
    byWeekday: z
      .array(Weekday)
      .min(1)
      .max(7)
      .overwrite((days) => [...new Set(days)])
      .optional(),
    byMonthDay: z.number().int().min(1).max(31).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    count: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();
export type RecurrenceRule = z.output<typeof RecurrenceRule>;
export type RecurrenceRuleInput = z.input<typeof RecurrenceRule>;
