import { buildCreate, clamp, orderTask, slotsIn, withoutEmpty } from '../build';
import type { DateContext } from '../dates';
import { type ScreenedMessage, screened } from '../input/screen';
import { dateContext, parseUtterance } from '../parse';
import { cleanTarget } from '../title';
import type { ParseOptions, ParseResult, PendingClarification, TaskSlots } from '../types';
import { askFor } from './ask';

const YES =
  /^(?:y|yes|yeah|yep|yup|sure|ok|okay|confirm(?:ed)?|do\s+it|go\s+ahead|go\s+for\s+it|please\s+do|absolutely|definitely|correct|that'?s\s+right|affirmative|i'?m\s+sure|yes\s+please|yes,?\s+(?:do\s+it|delete|go\s+ahead|i'?m\s+sure|please|all|everything))\b[\s!.]*$/;
const NO =
  /^(?:n|no|nope|nah|no\s+thanks|don'?t|do\s+not|stop|cancel|abort|never\s*mind|nvm|forget\s+it|not\s+now|no\s+way|wait)\b/;
const CANCEL =
  /^(?:cancel|never\s*mind|nvm|forget\s+(?:it|about\s+it)|stop|abort|skip|no\s+thanks|not\s+now|nothing)\b[\s!.]*$/;
const NO_DUE =
  /^(?:no|none|nope|no\s+due\s+date|no\s+deadline|no\s+date|whenever|any\s*time|doesn'?t\s+matter|don'?t\s+know|not\s+sure|no\s+rush|skip|nah|never)\b/;
const NAMING =
  /^(?:(?:call|name|title)\s+it|it'?s|it\s+is|the\s+task\s+is|task\s+is|it'?s\s+called|called|to)\s+/i;

function askAgain(pending: PendingClarification, ctx: DateContext, sorry = true): ParseResult {
  const question = askFor(pending.missing, {
    task: pending.task,
    target: pending.target,
    intent: pending.intent,
    timeZone: ctx.timeZone,
  });
  return {
    intent: 'clarify',
    confidence: 0.8,
    question: sorry ? `Sorry, I didn't catch that. ${question}` : question,
    pending,
  };
}

function merge(base: TaskSlots | undefined, extra: TaskSlots): TaskSlots {
  return orderTask({ ...base, ...extra });
}

/** A fresh, unmistakable request in the answer wins over the question we asked. */
function switchesTopic(fresh: ParseResult, pending: PendingClarification): boolean {
  if (pending.missing.includes('target')) return false;
  if (fresh.intent === 'query' && fresh.confidence >= 0.8) return true;
  if ((fresh.intent === 'complete' || fresh.intent === 'delete') && fresh.confidence >= 0.85) return true;
  return fresh.intent === 'update' && fresh.confidence >= 0.85 && pending.intent !== 'update';
}

function answerTitleOrWhat(pending: PendingClarification, text: string, ctx: DateContext): ParseResult {
  const remind = pending.missing.includes('what') && pending.intent === 'create';
  const body = text.replace(NAMING, '');
  const x = slotsIn(body, [[0, body.length]], ctx, remind || Boolean(pending.task?.reminders));
  const task = merge(pending.task, x.task);
  const title = x.title || undefined;
  if (!title) {
    const missing: PendingClarification['missing'] =
      remind && !task.due ? ['what', 'due'] : remind ? ['what'] : ['title'];
    return askAgain({ ...pending, task: withoutEmpty(task), missing }, ctx, !x.slotCount);
  }
  if (remind && !task.due) {
    return askAgain(
      { intent: 'create', task: { ...task, title, reminders: [{ minutesBefore: 0 }] }, missing: ['due'] },
      ctx,
      false,
    );
  }
  if (remind && !task.reminders?.length) task.reminders = [{ minutesBefore: 0 }];
  return {
    intent: 'create',
    confidence: clamp(0.88 - (x.ambiguousDate ? 0.1 : 0)),
    task: orderTask({ ...task, title }),
  };
}

function answerDue(pending: PendingClarification, text: string, ctx: DateContext): ParseResult {
  const x = slotsIn(text, [[0, text.length]], ctx);
  if (!x.task.due) {
    if (NO_DUE.test(text.toLowerCase()) && pending.intent === 'create') {
      const { reminders: _dropped, ...task } = pending.task ?? {};
      return { intent: 'create', confidence: 0.85, task: orderTask(task) };
    }
    return askAgain(pending, ctx);
  }
  const { title: _ignored, ...changes } = x.task;
  const task = merge(pending.task, changes);
  if (pending.intent === 'update') {
    return {
      intent: 'update',
      confidence: clamp(0.88),
      task: orderTask(changes),
      target: pending.target ?? 'it',
    };
  }
  return { intent: 'create', confidence: clamp(0.88 - (x.ambiguousDate ? 0.1 : 0)), task };
}

function answerTarget(pending: PendingClarification, text: string, ctx: DateContext): ParseResult {
  const named = text
    .replace(
      /^(?:the\s+one\s+(?:about|called|named|for)|the\s+one|one\s+(?:about|called)|it'?s|it\s+is|that'?s)\s+/i,
      '',
    )
    .replace(/\s+one$/i, '');
  // An update may bring its change along: "the dentist, to Friday at 4".
  const x = pending.intent === 'update' ? slotsIn(named, [[0, named.length]], ctx) : undefined;
  const target = cleanTarget(x ? x.rest : named);
  if (!target) {
    return {
      intent: 'clarify',
      confidence: 0.8,
      question: askFor(['target'], { intent: pending.intent }),
      pending,
    };
  }
  const result: ParseResult = { intent: pending.intent, confidence: 0.85, target };
  if (pending.intent === 'update') {
    const { title: _leftover, ...changes } = x?.task ?? {};
    const task = orderTask({ ...pending.task, ...changes });
    if (!Object.keys(task).length) {
      const next: PendingClarification = { intent: 'update', target, missing: ['what'] };
      return { intent: 'clarify', confidence: 0.8, question: askFor(['what'], { target }), pending: next };
    }
    result.task = task;
  }
  return result;
}

function answerWhatToChange(
  pending: PendingClarification,
  message: ScreenedMessage,
  opts: ParseOptions,
  ctx: DateContext,
): ParseResult {
  const target = pending.target ?? 'it';
  const text = message.text;
  const fresh = parseUtterance(message, opts);
  if (fresh.intent === 'update' && fresh.task) return { ...fresh, target };
  const x = slotsIn(text, [[0, text.length]], ctx);
  const { title: _leftover, ...changes } = x.task;
  if (Object.keys(changes).length)
    return { intent: 'update', confidence: 0.85, task: orderTask(changes), target };
  const words = text.trim().toLowerCase();
  if (
    /^#?[\p{L}\p{N}-]+(?:\s*(?:,|and|&)\s*#?[\p{L}\p{N}-]+){0,5}$/u.test(words) &&
    words.split(/\s+/).length <= 6
  ) {
    const tags = words
      .split(/\s*(?:,|\band\b|&)\s*/)
      .map((t) => t.replace(/^#/, ''))
      .filter(Boolean);
    return { intent: 'update', confidence: 0.7, task: { tags }, target };
  }
  return askAgain(pending, ctx);
}

/**
 * The answer to a clarifying question: completes `pending`, or asks again (intent 'clarify').
 * A clear new request in the answer ("actually, what's due today?") is returned as such.
 */
export function continueClarification(
  pending: PendingClarification,
  answer: string | ScreenedMessage,
  opts: ParseOptions,
): ParseResult {
  try {
    const message = screened(answer);
    const { text, lower } = message;
    const ctx = dateContext(opts);
    if (!text) return askAgain(pending, ctx, false);
    if (message.findings.injection) return { intent: 'none', confidence: 0.95 };
    if (pending.missing.includes('confirm')) {
      if (YES.test(lower)) {
        return {
          intent: pending.intent,
          confidence: 0.95,
          target: pending.target ?? 'all',
          filter: pending.filter,
        };
      }
      if (NO.test(lower)) return { intent: 'none', confidence: 0.9 };
      return parseUtterance(message, opts);
    }
    if (CANCEL.test(lower)) return { intent: 'none', confidence: 0.9 };
    const fresh = parseUtterance(message, opts);
    if (switchesTopic(fresh, pending)) return fresh;
    if (pending.missing.includes('target')) return answerTarget(pending, text, ctx);
    if (pending.intent === 'update' && pending.missing.includes('what'))
      return answerWhatToChange(pending, message, opts, ctx);
    if (pending.missing.includes('title') || pending.missing.includes('what')) {
      if (fresh.intent === 'create' && fresh.task?.title && /^(?:add|create|new|remind)\b/i.test(text)) {
        return { ...fresh, task: merge(pending.task, fresh.task) };
      }
      return answerTitleOrWhat(pending, text, ctx);
    }
    if (pending.missing.includes('due') || pending.missing.includes('reminder'))
      return answerDue(pending, text, ctx);
    return buildCreate(text, [[0, text.length]], ctx, { confidence: 0.6 });
  } catch {
    return { intent: 'none', confidence: 0.05 };
  }
}
