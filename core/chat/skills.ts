import { z } from 'zod';
import { CreateTaskInput, UpdateTaskInput } from '../domain/task';
import type { ParseResult, QueryFilter, TaskSlots } from '../nlu';
import { PendingClarificationSchema, QueryFilterSchema } from '../nlu';

/**
 * The structured result every skill agent returns, validated before anything touches the
 * database: which operation, its data (in the REST API's own input schemas), how sure we are.
 */
export const SkillPlan = z.discriminatedUnion('operation', [
  z.object({
    operation: z.literal('create'),
    data: z.object({ input: CreateTaskInput }),
    confidence: z.number(),
  }),
  z.object({
    operation: z.literal('update'),
    data: z.object({ target: z.string().min(1), patch: UpdateTaskInput }),
    confidence: z.number(),
  }),
  z.object({
    operation: z.enum(['complete', 'delete']),
    data: z.object({ target: z.string().min(1) }),
    confidence: z.number(),
  }),
  z.object({
    operation: z.literal('bulk'),
    data: z.object({ action: z.enum(['complete', 'delete']), filter: QueryFilterSchema }),
    confidence: z.number(),
  }),
  z.object({
    operation: z.literal('query'),
    data: z.object({ filter: QueryFilterSchema }),
    confidence: z.number(),
  }),
  z.object({
    operation: z.literal('audit'),
    data: z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }),
    confidence: z.number(),
  }),
  z.object({
    operation: z.literal('clarify'),
    data: z.object({ question: z.string(), pending: PendingClarificationSchema.optional() }),
    confidence: z.number(),
  }),
  z.object({ operation: z.literal('none'), data: z.object({}), confidence: z.number() }),
]);
export type SkillPlan = z.infer<typeof SkillPlan>;

export type SkillName = 'task' | 'reminder' | 'recurring' | 'audit';

/** A skill's answer before validation. */
export interface RawPlan {
  operation: SkillPlan['operation'];
  data: Record<string, unknown>;
  confidence: number;
}

export interface Skill {
  name: SkillName;
  plan(decision: ParseResult, ctx: { timeZone: string; now: Date }): RawPlan;
}

function toInput(slots: TaskSlots, timeZone: string): Record<string, unknown> {
  const input: Record<string, unknown> = { timezone: timeZone };
  if (slots.title !== undefined) input.title = slots.title;
  if (slots.description !== undefined) input.description = slots.description;
  if (slots.due !== undefined) input.due = slots.due;
  if (slots.priority !== undefined) input.priority = slots.priority;
  if (slots.tags !== undefined) input.tags = slots.tags;
  if (slots.reminders !== undefined) input.reminders = slots.reminders;
  if (slots.recurrence !== undefined) input.recurrence = slots.recurrence;
  return input;
}

function toPatch(slots: TaskSlots, timeZone: string): Record<string, unknown> {
  const patch = toInput(slots, timeZone);
  // The zone only matters when a new due time comes with it.
  if (slots.due === undefined) delete patch.timezone;
  return patch;
}

/** Creates, changes, completes, deletes and lists tasks. */
const taskSkill: Skill = {
  name: 'task',
  plan(d, { timeZone }) {
    const confidence = d.confidence;
    switch (d.intent) {
      case 'create':
        return { operation: 'create', data: { input: toInput(d.task ?? {}, timeZone) }, confidence };
      case 'update':
        return {
          operation: 'update',
          data: { target: d.target ?? 'it', patch: toPatch(d.task ?? {}, timeZone) },
          confidence,
        };

      case 'complete':
      case 'delete':
        if (d.target === 'all' && d.filter)
          return { operation: 'bulk', data: { action: d.intent, filter: d.filter }, confidence };
        return { operation: d.intent, data: { target: d.target ?? 'it' }, confidence };
      case 'query':
        return { operation: 'query', data: { filter: d.filter ?? { status: 'active' } }, confidence };
      case 'clarify':
        return {
          operation: 'clarify',
          data: {
            question: d.question ?? 'Could you say a bit more?',
            ...(d.pending ? { pending: d.pending } : {}),
          },
          confidence,
        };
      default:
        return { operation: 'none', data: {}, confidence };
    }
  },
};

/** Reminders need a due time to count back from: without one, it asks for it. */
const reminderSkill: Skill = {
  name: 'reminder',
  plan(d, ctx) {
    if (d.intent === 'create' && d.task && !d.task.due) {
      return {
        operation: 'clarify',
        data: {
          question: `When is “${d.task.title ?? 'it'}” due? I need a time to remind you before.`,
          pending: { intent: 'create', task: d.task, missing: ['due'] },
        },
        confidence: d.confidence,
      };
    }
    return taskSkill.plan(d, ctx);
  },
};

/** Recurring tasks: the schedule is anchored on the first due time. */
const recurringSkill: Skill = {
  name: 'recurring',
  plan(d, ctx) {
    if (d.intent === 'create' && d.task?.recurrence && !d.task.due) {
      return {
        operation: 'clarify',
        data: {
          question: `When should “${d.task.title ?? 'it'}” start?`,
          pending: { intent: 'create', task: d.task, missing: ['due'] },
        },
        confidence: d.confidence,
      };
    }
    return taskSkill.plan(d, ctx);
  },
};

/** Answers "what did I do?" questions from the audit trail. */
const auditSkill: Skill = {
  name: 'audit',
  plan(d, { now }) {
    const f: QueryFilter = d.filter ?? {};
    const to = f.completedBefore ?? now.toISOString();
    const from = f.completedAfter ?? new Date(new Date(to).getTime() - 7 * 86_400_000).toISOString();
    return { operation: 'audit', data: { from, to }, confidence: d.confidence };
  },
};

export const SKILLS: Record<SkillName, Skill> = {
  task: taskSkill,
  reminder: reminderSkill,
  recurring: recurringSkill,
  audit: auditSkill,
};

/** The router: which skill agent handles a decision. */
export function route(d: ParseResult): Skill {
  if (d.intent === 'query' && (d.filter?.completedAfter || d.filter?.completedBefore)) return auditSkill;
  if ((d.intent === 'create' || d.intent === 'update') && d.task?.recurrence) return recurringSkill;
  if ((d.intent === 'create' || d.intent === 'update') && d.task?.reminders?.length) return reminderSkill;
  return taskSkill;
}

/** Plans a decision through its skill, validating the result; an invalid plan becomes a question. */
export function planDecision(
  d: ParseResult,
  ctx: { timeZone: string; now: Date },
): { skill: SkillName; plan: SkillPlan; problems?: string[] } {
  const skill = route(d);
  const parsed = SkillPlan.safeParse(skill.plan(d, ctx));
  if (parsed.success) return { skill: skill.name, plan: parsed.data };
  const problems = parsed.error.issues.map(
    (i) => `${i.path.slice(2).join('.') || i.path.join('.')}: ${i.message}`,
  );
  return {
    skill: skill.name,
    plan: {
      operation: 'clarify',
      data: { question: `I couldn't use that: ${problems.join('; ')}. Could you rephrase?` },
      confidence: 0,
    },
    problems,
  };
}
