import { z } from 'zod';
import type { TaskView } from '../domain/task';
import { ClientError } from '../errors';
import { continueClarification, type ParseResult, type QueryFilter } from '../nlu';
import type { Logger } from '../observability/logger';
import type { Conversation, ConversationStore, Pending } from './conversation';
import { matchTask, pickCandidate, yesOrNo } from './match';
import type { TaskOperations } from './operations';
import * as say from './replies';
import { planDecision, type SkillName, type SkillPlan } from './skills';

export const OperationRecord = z.object({
  intent: z.enum(['create', 'update', 'complete', 'delete', 'query', 'audit']),
  taskId: z.uuid().optional(),
  title: z.string().optional(),
  fields: z.array(z.string()).optional(),
  count: z.number().int().optional(),
  skill: z.enum(['task', 'reminder', 'recurring', 'audit']).optional(),
});
export type OperationRecord = z.infer<typeof OperationRecord>;

export interface ActOutcome {
  reply: string;
  operations: OperationRecord[];
  question?: string;
  tasks?: TaskView[];
  pending?: Pending;
  lastTaskId?: string;
}

export interface ActContext {
  ops: TaskOperations;
  timeZone: string;
  now: Date;
  confirmBelow: number;
  lastTaskId?: string | undefined;
  /** The message carried an injection attempt: reply without acting. */
  flagged: boolean;
  message: string;
}

const PRONOUN = /^(it|that|this|that one|this one|the last one|same|the same)$/i;
const ID_TARGET = /^id:([0-9a-f-]{36})$/;

function ask(question: string, pending?: Pending, extra: Partial<ActOutcome> = {}): ActOutcome {
  return { reply: question, question, operations: [], ...(pending ? { pending } : {}), ...extra };
}

function filterToQuery(f: QueryFilter) {
  return {
    status: f.status ?? 'active',
    ...(f.priority ? { priority: [f.priority] } : {}),
    ...(f.tags?.length ? { tags: f.tags } : {}),
    ...(f.dueAfter ? { dueAfter: new Date(f.dueAfter) } : {}),
    ...(f.dueBefore ? { dueBefore: new Date(f.dueBefore) } : {}),
    ...(f.text ? { q: f.text } : {}),
  };
}

type Resolved = { kind: 'task'; task: TaskView } | { kind: 'outcome'; outcome: ActOutcome };

/** Finds the task a decision refers to: "it" → the conversation's last task; words → fuzzy match. */
async function resolveTarget(decision: ParseResult, target: string, ctx: ActContext): Promise<Resolved> {
  const byId = ID_TARGET.exec(target);
  if (byId) {
    const task = await ctx.ops.get(byId[1]!);
    if (task) return { kind: 'task', task };
  }
  if (PRONOUN.test(target.trim())) {
    const task = ctx.lastTaskId ? await ctx.ops.get(ctx.lastTaskId) : undefined;
    if (task) return { kind: 'task', task };
    return {
      kind: 'outcome',
      outcome: ask(`Which task do you mean?`, {
        kind: 'clarify',
        value: { intent: decision.intent as 'update', task: decision.task, missing: ['target'] },
      }),
    };
  }
  const active = await ctx.ops.list({ status: 'active' });
  let match = matchTask(target, active);
  if (match.kind === 'none' && decision.intent !== 'complete')
    match = matchTask(target, await ctx.ops.list({ status: 'completed' }));
  if (match.kind === 'found') return { kind: 'task', task: match.task };
  if (match.kind === 'ambiguous') {
    const names = match.candidates.map(
      (t, i) => `${i + 1}. ${t.title}${t.due ? ` (${say.when(t.due, ctx.timeZone)})` : ''}`,
    );
    return {
      kind: 'outcome',
      outcome: ask(`I found several tasks like “${target}”. Which one?\n${names.join('\n')}`, {
        kind: 'choose',
        decision,
        candidates: match.candidates.map((t) => ({ id: t.id, title: t.title })),
      }),
    };
  }
  if (decision.intent === 'complete') {
    const done = matchTask(target, await ctx.ops.list({ status: 'completed' }));
    if (done.kind === 'found')
      return {
        kind: 'outcome',
        outcome: { reply: `“${done.task.title}” is already done.`, operations: [], lastTaskId: done.task.id },
      };
  }
  return {
    kind: 'outcome',
    outcome: ask(`I couldn't find a task called “${target}”. Which task do you mean?`, {
      kind: 'clarify',
      value: { intent: decision.intent as 'update', task: decision.task, missing: ['target'] },
    }),
  };
}

function describe(plan: SkillPlan, timeZone: string): string {
  switch (plan.operation) {
    case 'create':
      return `add “${plan.data.input.title}”${plan.data.input.due ? ` for ${say.when(plan.data.input.due, timeZone)}` : ''}`;
    case 'update':
      return `change “${plan.data.target}”`;
    case 'complete':
      return `mark “${plan.data.target}” as done`;
    case 'delete':
      return `delete “${plan.data.target}”`;
    case 'bulk':
      return `${plan.data.action} every matching task`;
    default:
      return 'do that';
  }
}

const MUTATING = new Set(['create', 'update', 'complete', 'delete', 'bulk']);

/**
 * Carries out one decision through its skill agent: validated plan, confirmation when unsure,
 * target resolution, then the same task commands as the REST API.
 */
export async function act(
  decision: ParseResult,
  ctx: ActContext,
  opts: { confirmed?: boolean } = {},
): Promise<ActOutcome & { skill: SkillName }> {
  const { skill, plan } = planDecision(decision, { timeZone: ctx.timeZone, now: ctx.now });
  const done = (o: ActOutcome) => ({ ...o, operations: o.operations.map((op) => ({ ...op, skill })), skill });
  if (ctx.flagged && MUTATING.has(plan.operation))
    return done({ reply: say.smallTalk(ctx.message, true), operations: [] });
  if (MUTATING.has(plan.operation) && !opts.confirmed && plan.confidence < ctx.confirmBelow) {
    const summary = describe(plan, ctx.timeZone);
    return done(
      ask(`Just to check: should I ${summary}? (yes / no)`, { kind: 'confirm', decision, summary }),
    );
  }
  try {
    return done(await run(decision, plan, ctx));
  } catch (err) {
    if (err instanceof ClientError) {
      const detail = err.issues.length
        ? err.issues.map((i) => `${i.field} ${i.message}`).join('; ')
        : err.message;
      return done({ reply: `I couldn't do that: ${detail}.`, operations: [] });
    }
    throw err;
  }
}

async function run(decision: ParseResult, plan: SkillPlan, ctx: ActContext): Promise<ActOutcome> {
  const tz = ctx.timeZone;
  switch (plan.operation) {
    case 'create': {
      const task = await ctx.ops.create(plan.data.input);
      return {
        reply: say.created(task, tz),
        operations: [{ intent: 'create', taskId: task.id, title: task.title }],
        lastTaskId: task.id,
      };
    }
    case 'update': {
      const found = await resolveTarget(decision, plan.data.target, ctx);
      if (found.kind === 'outcome') return found.outcome;
      const fields = Object.keys(plan.data.patch).filter((k) => k !== 'timezone');
      if (fields.length === 0) {
        return ask(`What should I change about “${found.task.title}”?`, {
          kind: 'clarify',
          value: { intent: 'update', target: `id:${found.task.id}`, missing: ['what'] },
        });
      }
      const task = await ctx.ops.update(found.task.id, plan.data.patch);
      return {
        reply: say.updated(task, fields, tz),
        operations: [{ intent: 'update', taskId: task.id, title: task.title, fields }],
        lastTaskId: task.id,
      };
    }
    case 'complete': {
      const found = await resolveTarget(decision, plan.data.target, ctx);
      if (found.kind === 'outcome') return found.outcome;
      const task = await ctx.ops.complete(found.task.id);
      return {
        reply: say.completed(task),
        operations: [{ intent: 'complete', taskId: task.id, title: task.title }],
        lastTaskId: task.id,
      };
    }
    case 'delete': {
      const found = await resolveTarget(decision, plan.data.target, ctx);
      if (found.kind === 'outcome') return found.outcome;
      const task = await ctx.ops.trash(found.task.id);
      return {
        reply: say.deleted(task),
        operations: [{ intent: 'delete', taskId: task.id, title: task.title }],
      };
    }
    case 'bulk': {
      const tasks = await ctx.ops.list(filterToQuery(plan.data.filter));
      for (const t of tasks) {
        if (plan.data.action === 'complete') await ctx.ops.complete(t.id);
        else await ctx.ops.trash(t.id);
      }
      const verb = plan.data.action === 'complete' ? 'Completed' : 'Moved to the trash';
      return {
        reply: tasks.length
          ? `${verb}: ${tasks.length} task${tasks.length === 1 ? '' : 's'}.`
          : 'No task matched, so nothing changed.',
        operations: tasks.map((t) => ({ intent: plan.data.action, taskId: t.id, title: t.title })),
      };
    }
    case 'query': {
      const f = plan.data.filter;
      const tasks = await ctx.ops.list(filterToQuery(f));
      const heading =
        f.status === 'completed'
          ? 'Completed tasks'
          : f.dueBefore || f.dueAfter
            ? 'Tasks due then'
            : 'Your tasks';
      return {
        reply: say.list(tasks, tz, heading),
        operations: [{ intent: 'query', count: tasks.length }],
        tasks,
      };
    }
    case 'audit': {
      const entries = await ctx.ops.completedBetween(new Date(plan.data.from), new Date(plan.data.to));
      const reply = entries.length
        ? `You completed ${entries.length} task${entries.length === 1 ? '' : 's'}:\n${entries.map((e) => `• ${e.title}`).join('\n')}`
        : 'I found nothing completed in that time.';
      return { reply, operations: [{ intent: 'audit', count: entries.length }] };
    }
    case 'clarify':
      return ask(
        plan.data.question,
        plan.data.pending ? { kind: 'clarify', value: plan.data.pending } : undefined,
      );
    default:
      return { reply: say.smallTalk(ctx.message, ctx.flagged), operations: [] };
  }
}

/** An engine turns a message into decisions and carries them out through `act`. */
export interface Engine {
  readonly name: 'offline' | 'claude';
  handle(message: string, conversation: Conversation, ctx: ActContext): Promise<ActOutcome>;
}

export interface ChatResult {
  conversationId: string;
  reply: string;
  operations: OperationRecord[];
  question?: string;
  tasks?: TaskView[];
  engine: Engine['name'];
}

export interface AgentDeps {
  ops: TaskOperations;
  conversations: ConversationStore;
  engine: Engine;
  /** Used when the main engine fails (Claude unreachable): the offline parser. */
  fallback?: Engine;
  timeZone: string;
  now: () => Date;
  newId: () => string;
  confirmBelow: number;
  log: Logger;
  flagged: (message: string) => boolean;
}

/** Answers pending questions first (confirm, choose, clarify), then hands the message to the engine. */
async function turn(
  deps: AgentDeps,
  conversation: Conversation,
  message: string,
  ctx: ActContext,
): Promise<{ outcome: ActOutcome; engine: Engine['name'] }> {
  const pending = conversation.context.pending;
  if (pending?.kind === 'confirm') {
    const answer = yesOrNo(message);
    if (answer === 'yes')
      return { outcome: await act(pending.decision, ctx, { confirmed: true }), engine: deps.engine.name };
    if (answer === 'no')
      return {
        outcome: { reply: 'OK, I left everything as it was.', operations: [] },
        engine: deps.engine.name,
      };
  }
  if (pending?.kind === 'choose') {
    const picked = pickCandidate(message, pending.candidates);
    if (picked) {
      return {
        outcome: await act({ ...pending.decision, target: `id:${picked.id}` }, ctx, { confirmed: true }),
        engine: deps.engine.name,
      };
    }
    if (yesOrNo(message) === 'no')
      return { outcome: { reply: 'OK, never mind.', operations: [] }, engine: deps.engine.name };
  }
  if (pending?.kind === 'clarify') {
    const next = continueClarification(pending.value, message, { now: ctx.now, timeZone: ctx.timeZone });
    if (next.intent !== 'none') return { outcome: await act(next, ctx), engine: 'offline' };
    if (yesOrNo(message) === 'no' || /^\s*(cancel|never ?mind|forget it)/i.test(message)) {
      return { outcome: { reply: 'OK, never mind.', operations: [] }, engine: 'offline' };
    }
  }
  try {
    return { outcome: await deps.engine.handle(message, conversation, ctx), engine: deps.engine.name };
  } catch (err) {
    if (!deps.fallback) throw err;
    deps.log.warn({ err, engine: deps.engine.name }, 'chat engine failed; answering with the offline engine');
    const outcome = await deps.fallback.handle(message, conversation, ctx);
    return {
      outcome: {
        ...outcome,
        reply: `(The assistant service is unavailable right now, so I used the built-in parser.) ${outcome.reply}`,
      },
      engine: deps.fallback.name,
    };
  }
}

/** One chat message in, one reply out, with the conversation saved for the next turn. */
export async function respond(
  deps: AgentDeps,
  input: { message: string; conversationId?: string | undefined },
): Promise<ChatResult> {
  const id = input.conversationId ?? deps.newId();
  const loaded = await deps.conversations.load(id);
  const conversation = loaded?.conversation ?? deps.conversations.fresh(id);
  const now = deps.now();
  const ctx: ActContext = {
    ops: deps.ops,
    timeZone: deps.timeZone,
    now,
    confirmBelow: deps.confirmBelow,
    lastTaskId: conversation.context.lastTaskId,
    flagged: deps.flagged(input.message),
    message: input.message,
  };
  const { outcome, engine } = await turn(deps, conversation, input.message, ctx);
  const messages = [
    { role: 'user' as const, text: input.message, at: now.toISOString() },
    { role: 'assistant' as const, text: outcome.reply, at: deps.now().toISOString() },
  ];
  const lastTaskId = outcome.lastTaskId ?? conversation.context.lastTaskId;
  const context = {
    ...(lastTaskId ? { lastTaskId } : {}),
    ...(outcome.pending ? { pending: outcome.pending } : {}),
  };
  // The turn ran once; only the save is retried when another message changed the conversation meanwhile.
  let base = { conversation, etag: loaded?.etag };
  for (let attempt = 0; attempt < 5; attempt++) {
    const next = { ...base.conversation, messages: [...base.conversation.messages, ...messages], context };
    if (await deps.conversations.save(next, base.etag)) break;
    const fresh = await deps.conversations.load(id);
    base = { conversation: fresh?.conversation ?? deps.conversations.fresh(id), etag: fresh?.etag };
  }
  return {
    conversationId: id,
    reply: outcome.reply,
    operations: outcome.operations,
    ...(outcome.question ? { question: outcome.question } : {}),
    ...(outcome.tasks ? { tasks: outcome.tasks } : {}),
    engine,
  };
}
