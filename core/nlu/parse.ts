import { isKnownTimeZone } from '../domain/time-zone';
import { askFor } from './clarify/ask';
import { type DateContext, dateRuleWarmUps } from './dates';
import { decide } from './decide';
import { extractFilter } from './filter';
import { classify } from './frames';
import { type ScreenedMessage, screened } from './input/screen';
import { classifyIntent } from './intent/classifier';
import { outOfScope } from './out-of-scope';
import { core, type Sentence, toSentence } from './sentence';
import { isSmallTalk } from './smalltalk';
import type { ParseOptions, ParseResult, QueryFilter } from './types';
import { zonedNow } from './zoned';

export function dateContext(opts: ParseOptions): DateContext {
  const timeZone = isKnownTimeZone(opts.timeZone) ? opts.timeZone : 'UTC';
  const now = Number.isFinite(opts.now.getTime()) ? opts.now : new Date();
  return { now: zonedNow(now, timeZone), timeZone };
}

function bulkScope(filter: QueryFilter): string {
  const parts: string[] = [];
  if (filter.status === 'completed') parts.push('completed');
  if (filter.priority) parts.push(`${filter.priority}-priority`);
  const scope = parts.length ? `all your ${parts.join(' ')} tasks` : 'all your tasks';
  return filter.tags?.length ? `${scope} tagged ${filter.tags.join(', ')}` : scope;
}

function bulkConfirmation(lower: string, operation: 'delete' | 'complete', ctx: DateContext): ParseResult {
  const filter = extractFilter(lower, ctx);
  // A bulk request names a scope, not a search text.
  delete filter.text;
  if (operation === 'complete') filter.status = 'active';
  else if (!/\b(?:completed|done|finished)\b/.test(lower)) filter.status = 'all';
  const scope = bulkScope(filter);
  const bulk = operation === 'delete' ? `this would delete ${scope}` : `this would mark ${scope} as done`;
  return {
    intent: 'clarify',
    confidence: 0.9,
    question: askFor(['confirm'], { bulk }),
    pending: { intent: operation, target: 'all', filter, missing: ['confirm'] },
  };
}

/**
 * Reads one chat message as a task operation. Pure: the same text, time and zone always give
 * the same result, and nothing is looked up. Never throws.
 *
 * @example parseUtterance('Create a task to call mom on Sunday at 3pm', { now, timeZone: 'America/New_York' })
 * // { intent: 'create', confidence: 0.93, task: { title: 'Call mom', due: '2026-03-08T15:00:00-04:00' } }
 */
export function parseUtterance(text: string | ScreenedMessage, opts: ParseOptions): ParseResult {
  try {
    return parseOrThrow(text, opts);
  } catch {
    // A parser bug must not become a 500 or an action: say we did not understand.
    return { intent: 'none', confidence: 0.05 };
  }
}

/** {@link parseUtterance} without the safety net, so tests see the parser's own errors. */
export function parseOrThrow(text: string | ScreenedMessage, opts: ParseOptions): ParseResult {
  const message = screened(text);
  const { text: clean, lower } = message;
  if (!clean) return { intent: 'none', confidence: 0.95 };
  const ctx = opts.withSources ? { ...dateContext(opts), sourcesOf: clean } : dateContext(opts);
  if (message.findings.injection) return { intent: 'none', confidence: 0.95 };
  if (message.bulk) return bulkConfirmation(lower, message.bulk.operation, ctx);
  const sentence = toSentence(clean);
  const result = decide(readFrames(sentence, lower, ctx), classifyIntent(clean), sentence, ctx);
  if (result.intent !== 'none') return result;
  const elsewhere = outOfScope(sentence, ctx);
  return elsewhere ? { ...result, outOfScope: elsewhere } : result;
}

/** What the rule frames make of the sentence on their own. */
export function readFrames(sentence: Sentence, lower: string, ctx: DateContext): ParseResult {
  const wholeMessage = lower.replace(/[\s.!?]+$/, '');
  if (isSmallTalk(core(sentence), sentence.question) || isSmallTalk(wholeMessage, sentence.question)) {
    return { intent: 'none', confidence: 0.9 };
  }
  return classify(sentence, ctx);
}

/**
 * Lines that reach the date, time, recurrence, reminder, list and completion rules: short ones
 * first, so that each compiles a few rules (the longest step then takes ~80 ms, not ~240).
 */
const WARM_UP_LINES = [
  'mark it done',
  'sunday',
  'at 3pm',
  'remind me 15 minutes before',
  'every monday',
  'buy milk #home !high',
  'Call mom Sunday at 3pm, remind me 15 minutes before',
  'pay rent on the 1st of every month #home !high',
  "what's due this week?",
  'move the report to next tuesday morning',
  'mark call mom done',
];

/**
 * Parses a few lines once, so that the first person to write does not wait while the rules and
 * the date grammar compile on first use (about a second here; a parse takes milliseconds after).
 * In small steps, each in its own turn of the event loop: done in one go it held the loop for
 * ~0.6 s, and a readiness probe or the first request that came in meanwhile waited for all of it.
 * Resolves when done; it never keeps a process alive on its own.
 */
export function warmUpParser(now: Date = new Date()): Promise<void> {
  const steps = [
    ...dateRuleWarmUps(now),
    ...WARM_UP_LINES.map((line) => () => {
      parseUtterance(line, { now, timeZone: 'UTC' });
    }),
  ];
  return new Promise((resolve) => {
    const next = (i: number) => {
      if (i === steps.length) return resolve();
      steps[i]!();
      setImmediate(next, i + 1).unref();
    };
    setImmediate(next, 0).unref();
  });
}
