import { z } from 'zod';
import type { TaskView } from '../domain/task';
import { ClientError } from '../errors';
import {
  continueClarification,
  daysMentioned,
  type ParseResult,
  type QueryFilter,
  type ScreenedMessage,
  screenMessage,
} from '../nlu';
import type { Logger } from '../observability/logger';
import type { Candidate, Conversation, ConversationStore, LastChange, Pending } from './conversation';
import { asFollowUp, mergeDue, mergeReminders, ordinalIndex, shiftDue, wantsTheOtherOne } from './follow-up';
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
  /** Tasks shown, in order, for "the second one". */
  listed?: string[];
  /** Set on a change to a task picked among others; cleared by any other change. */
  lastChange?: LastChange;
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
  /** The message as screened at the edge (sanitised once). */
  screened: ScreenedMessage;
  /** The tasks last shown in this conversation. */
  listed?: string[] | undefined;
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
async function resolveTarget(decision: ParseResult, said: string, ctx: ActContext): Promise<Resolved> {
  // "remind me an hour before too": the words around a pronoun name nothing.
  const target = said.replace(/\b(?:too|as\s+well|also|again|then|instead)\b/gi, '').trim() || 'it';
  const byId = ID_TARGET.exec(target);
  if (byId) {
    const task = await ctx.ops.get(byId[1]!);
    if (task) return { kind: 'task', task };
  }
  const index = ordinalIndex(target);
  if (index !== undefined && ctx.listed?.length) {
    const id = index < 0 ? ctx.listed.at(-1) : ctx.listed[index];
    const task = id ? await ctx.ops.get(id) : undefined;
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
        candidates: match.candidates.map((t) => ({ id: t.id, title: t.title, due: t.due })),
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
  // "remind me three days before Dad's anniversary": no such task yet, so it is a new one.
  const reminders = decision.task?.reminders;
  if (
    decision.intent === 'update' &&
    reminders?.length &&
    Object.keys(decision.task ?? {}).length === 1 &&
    /^(?:remind|ping|alert|nudge|notify|warn)\b/i.test(
      ctx.screened.text.replace(/^(?:please|pls|can you|could you)\s+/i, ''),
    )
  ) {
    const title = target.charAt(0).toUpperCase() + target.slice(1);
    return {
      kind: 'outcome',
      outcome: ask(`When is “${title}”? I'll remind you before it.`, {
        kind: 'clarify',
        value: { intent: 'create', task: { title, reminders }, missing: ['due'] },
      }),
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
export interface ActOptions {
  confirmed?: boolean;
  /** The task was picked among these others: remember them for "no, the other one". */
  alternatives?: Candidate[];
}

export async function act(
  decision: ParseResult,
  ctx: ActContext,
  opts: ActOptions = {},
): Promise<ActOutcome & { skill: SkillName }> {
  const shifted = await relativeShift(decision, ctx);
  if (shifted) return act(shifted, ctx, { ...opts, confirmed: true });
  const { skill, plan } = planDecision(decision, { timeZone: ctx.timeZone, now: ctx.now });
  const done = (o: ActOutcome) => ({ ...o, operations: o.operations.map((op) => ({ ...op, skill })), skill });
  if (ctx.flagged && MUTATING.has(plan.operation))
    return done({ reply: say.smallTalk(ctx.message, true), operations: [] });
  const whenToRemind = askWhenToRemind(decision, ctx);
  if (whenToRemind) return done(whenToRemind);
  if (MUTATING.has(plan.operation) && !opts.confirmed && plan.confidence < ctx.confirmBelow) {
    // Nothing to confirm when the words name no task: ask which one (or what it is) instead.
    if (plan.operation === 'update' || plan.operation === 'complete' || plan.operation === 'delete') {
      const found = await resolveTarget(decision, plan.data.target, ctx);
      if (found.kind === 'outcome') return done(found.outcome);
    }
    const summary = describe(plan, ctx.timeZone);
    return done(
      ask(`Just to check: should I ${summary}? (yes / no)`, { kind: 'confirm', decision, summary }),
    );
  }
  try {
    return done(await run(decision, plan, ctx, opts));
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

/** "Remind me to call the vet" says what but not when: a reminder needs a time, so ask for it. */
function askWhenToRemind(decision: ParseResult, ctx: ActContext): ActOutcome | undefined {
  const task = decision.task;
  if (decision.intent !== 'create' || !task?.title || task.due || task.recurrence) return undefined;
  if (
    !/^(?:(?:please|pls|hey|ok|can\s+you|could\s+you)\s+)*(?:remind|ping|nudge|alert)\s+me\b/i.test(
      ctx.screened.text,
    )
  )
    return undefined;
  const lower = task.title.charAt(0).toLowerCase() + task.title.slice(1);
  return ask(`When should I remind you to ${lower}? (Or say “no time” to keep it without one.)`, {
    kind: 'clarify',
    value: { intent: 'create', task: { ...task, reminders: [{ minutesBefore: 0 }] }, missing: ['due'] },
  });
}

/** "Push it back an hour": the parser asked for the new time; the task's own due time answers. */
async function relativeShift(decision: ParseResult, ctx: ActContext): Promise<ParseResult | undefined> {
  const pending = decision.pending;
  if (decision.intent !== 'clarify' || pending?.intent !== 'update' || !pending.shift) return undefined;
  const found = await resolveTarget(decision, pending.target ?? 'it', ctx);
  if (found.kind !== 'task' || !found.task.due) return undefined;
  return {
    intent: 'update',
    confidence: 0.9,
    target: `id:${found.task.id}`,
    task: { due: shiftDue(found.task.due, pending.shift) },
  };
}

function remember(decision: ParseResult, before: TaskView, opts: ActOptions): LastChange | undefined {
  const alternatives = opts.alternatives?.filter((c) => c.id !== before.id);
  return alternatives?.length ? { decision, taskId: before.id, before, alternatives } : undefined;
}

async function run(
  decision: ParseResult,
  plan: SkillPlan,
  ctx: ActContext,
  opts: ActOptions = {},
): Promise<ActOutcome> {
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
      const patch = { ...plan.data.patch };
      if (patch.due) patch.due = mergeDue(found.task.due, patch.due, decision.dueSaid, tz);
      if (patch.reminders) patch.reminders = mergeReminders(found.task, patch.reminders, ctx.screened.text);
      const task = await ctx.ops.update(found.task.id, patch);
      const lastChange = remember(decision, found.task, opts);
      return {
        reply: say.updated(task, fields, tz),
        operations: [{ intent: 'update', taskId: task.id, title: task.title, fields }],
        lastTaskId: task.id,
        ...(lastChange ? { lastChange } : {}),
      };
    }
    case 'complete': {
      const found = await resolveTarget(decision, plan.data.target, ctx);
      if (found.kind === 'outcome') return found.outcome;
      const task = await ctx.ops.complete(found.task.id);
      const lastChange = remember(decision, found.task, opts);
      return {
        reply: say.completed(task),
        operations: [{ intent: 'complete', taskId: task.id, title: task.title }],
        lastTaskId: task.id,
        ...(lastChange ? { lastChange } : {}),
      };
    }
    case 'delete': {
      const found = await resolveTarget(decision, plan.data.target, ctx);
      if (found.kind === 'outcome') return found.outcome;
      const task = await ctx.ops.trash(found.task.id);
      const lastChange = remember(decision, found.task, opts);
      return {
        reply: say.deleted(task),
        operations: [{ intent: 'delete', taskId: task.id, title: task.title }],
        ...(lastChange ? { lastChange } : {}),
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
        listed: tasks.slice(0, 15).map((t) => t.id),
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
    default: {
      const elsewhere = decision.outOfScope;
      if (ctx.flagged || !elsewhere)
        return { reply: say.smallTalk(ctx.message, ctx.flagged), operations: [] };
      const offer = elsewhere.offer?.title ? elsewhere.offer : undefined;
      const reply = say.outOfScope(ctx.message, elsewhere.topic, offer, tz);
      if (!offer) return { reply, operations: [] };
      const create: ParseResult = { intent: 'create', confidence: 0.9, task: offer };
      return ask(reply, { kind: 'confirm', decision: create, summary: `add “${offer.title}”` });
    }
  }
}

/** "No, the other one": undo the last change and make it to the other candidate instead. */
async function redoOnTheOther(last: LastChange, ctx: ActContext): Promise<ActOutcome> {
  const { before } = last;
  switch (last.decision.intent) {
    case 'complete':
      await ctx.ops.reopen(before.id);
      break;
    case 'delete':
      await ctx.ops.restore(before.id);
      break;
    case 'update': {
      const fields = Object.keys(last.decision.task ?? {});
      const back: Record<string, unknown> = {};
      for (const f of fields) {
        if (f === 'due') Object.assign(back, { due: before.due, timezone: before.timezone });
        else back[f] = before[f as keyof TaskView];
      }
      if (Object.keys(back).length) await ctx.ops.update(before.id, back as never);
      break;
    }
    default:
      return { reply: 'Which one did you mean?', operations: [] };
  }
  if (last.alternatives.length === 1) {
    const other = last.alternatives[0]!;
    const outcome = await act({ ...last.decision, target: `id:${other.id}` }, ctx, { confirmed: true });
    return { ...outcome, reply: `Sorry about that — I put “${before.title}” back. ${outcome.reply}` };
  }
  const names = last.alternatives.map((t, i) => `${i + 1}. ${t.title}`);
  return ask(`I put “${before.title}” back. Which one did you mean?\n${names.join('\n')}`, {
    kind: 'choose',
    decision: last.decision,
    candidates: last.alternatives,
  });
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
}

/** Answers pending questions first (confirm, choose, clarify), then hands the message to the engine. */
async function turn(
  deps: AgentDeps,
  conversation: Conversation,
  message: string,
  ctx: ActContext,
): Promise<{ outcome: ActOutcome; engine: Engine['name'] }> {
  const { pending, lastChange } = conversation.context;
  const text = ctx.screened.text;
  if (lastChange && !ctx.flagged && wantsTheOtherOne(text)) {
    return { outcome: await redoOnTheOther(lastChange, ctx), engine: 'offline' };
  }
  if (pending?.kind === 'confirm') {
    const answer = yesOrNo(text);
    if (answer === 'yes')
      return { outcome: await act(pending.decision, ctx, { confirmed: true }), engine: deps.engine.name };
    if (answer === 'no')
      return {
        outcome: { reply: 'OK, I left everything as it was.', operations: [] },
        engine: deps.engine.name,
      };
  }
  if (pending?.kind === 'choose') {
    const opts = { now: ctx.now, timeZone: ctx.timeZone };
    const picked = pickCandidate(text, pending.candidates, {
      days: daysMentioned(text, opts),
      dayOf: (c) => dayOf((c as Candidate).due, ctx.timeZone),
    });
    if (picked) {
      return {
        outcome: await act({ ...pending.decision, target: `id:${picked.id}` }, ctx, {
          confirmed: true,
          alternatives: pending.candidates,
        }),
        engine: deps.engine.name,
      };
    }
    if (yesOrNo(text) === 'no')
      return { outcome: { reply: 'OK, never mind.', operations: [] }, engine: deps.engine.name };
  }
  if (pending?.kind === 'clarify') {
    const next = continueClarification(pending.value, ctx.screened, { now: ctx.now, timeZone: ctx.timeZone });
    if (next.intent !== 'none') return { outcome: await act(next, ctx), engine: 'offline' };
    if (yesOrNo(text) === 'no' || /^\s*(cancel|never ?mind|forget it)/i.test(text)) {
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

/** The calendar day of a due time in the user's zone, YYYY-MM-DD. */
function dayOf(due: string | null | undefined, timeZone: string): string | undefined {
  if (!due) return undefined;
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(due));
}

/** The offline engine's reading of a message, with follow-ups read against the conversation. */
export function offlineDecision(ctx: ActContext, parse: (m: ScreenedMessage) => ParseResult): ParseResult {
  return asFollowUp(parse(ctx.screened), ctx.screened, {
    now: ctx.now,
    timeZone: ctx.timeZone,
    lastTaskId: ctx.lastTaskId,
  });
}

/** One chat message in, one reply out, with the conversation saved for the next turn. */
export async function respond(
  deps: AgentDeps,
  input: { message: string; screened?: ScreenedMessage; conversationId?: string | undefined },
): Promise<ChatResult> {
  const screened = input.screened ?? screenMessage(input.message);
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
    flagged: screened.findings.injection,
    message: input.message,
    screened,
    listed: conversation.context.listed,
  };
  const { outcome, engine } = await turn(deps, conversation, input.message, ctx);
  const messages = [
    { role: 'user' as const, text: input.message, at: now.toISOString() },
    { role: 'assistant' as const, text: outcome.reply, at: deps.now().toISOString() },
  ];
  const lastTaskId = outcome.lastTaskId ?? conversation.context.lastTaskId;
  const listed = outcome.listed ?? conversation.context.listed;
  // Any other change makes "no, the other one" mean nothing any more.
  const changed = outcome.operations.some((o) => o.intent !== 'query' && o.intent !== 'audit');
  const lastChange = changed ? outcome.lastChange : conversation.context.lastChange;
  const context = {
    ...(lastTaskId ? { lastTaskId } : {}),
    ...(listed?.length ? { listed } : {}),
    ...(lastChange ? { lastChange } : {}),
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
