import type { Missing, TaskSlots } from '../types';
import { describe } from '../zoned';

export interface QuestionContext {
  task?: TaskSlots;
  target?: string;
  intent?: 'create' | 'update' | 'complete' | 'delete' | 'query';
  timeZone?: string;
  /** Bulk confirmations: what would happen. */
  bulk?: string;
}

function quoted(text: string): string {
  return `“${text}”`;
}

function when(task: TaskSlots | undefined, timeZone: string | undefined): string {
  return task?.due && timeZone ? ` for ${describe(task.due, timeZone)}` : '';
}

function lowerFirst(text: string): string {
  return text[0]!.toLowerCase() + text.slice(1);
}

/**
 * The one targeted question that gets the missing piece, in plain words.
 *
 * @example askFor(['what', 'due'], {}) // 'What should I remind you about, and when?'
 */
export function askFor(missing: Missing[], ctx: QuestionContext): string {
  const has = (m: Missing) => missing.includes(m);
  if (has('confirm')) {
    return `Just to be sure: ${ctx.bulk ?? 'this affects many tasks at once'}. Do you want me to go ahead? (yes / no)`;
  }
  if (has('what') && has('due')) return 'What should I remind you about, and when?';
  if (has('what') && ctx.intent !== 'update' && !ctx.target) {
    return `What should I remind you about${when(ctx.task, ctx.timeZone)}?`;
  }
  if (has('what')) {
    const name = ctx.target && !/^(?:it|that|this)$/.test(ctx.target) ? quoted(ctx.target) : 'that task';
    return `What would you like to change about ${name}: the due date, priority, title, tags or reminders?`;
  }
  if (has('title')) {
    return `Sure, what's the task${when(ctx.task, ctx.timeZone)}?`;
  }
  if (has('target')) {
    const verb =
      ctx.intent === 'delete'
        ? 'delete'
        : ctx.intent === 'complete'
          ? 'mark as done'
          : ctx.intent === 'update'
            ? 'change'
            : 'use';
    return `Which task should I ${verb}?`;
  }
  if (has('due')) {
    const title = ctx.task?.title;
    const ahead = ctx.task?.reminders?.some((r) => r.minutesBefore > 0);
    if (ahead && title) return `When is ${quoted(title)} due? I'll remind you before it.`;
    if (ctx.intent === 'update' && ctx.target) return `When should I move ${quoted(ctx.target)} to?`;
    if (title) return `When should I remind you to ${lowerFirst(title)}?`;
    return 'When is it due?';
  }
  if (has('reminder')) return 'When should I remind you?';
  return 'Could you tell me a bit more?';
}
