// How the learned classifier and the rule frames combine: the classifier decides what kind of
// request it is (and whether it is one at all); the frames find the spans. Thresholds were
// chosen on the dev split (scripts/nlu-tune.ts), never on the test split.

import { clamp } from './build';
import type { DateContext } from './dates';
import { readAs } from './frames/by-intent';
import type { IntentClass, IntentScores } from './intent/classifier';
import type { Sentence } from './sentence';
import type { ParseResult } from './types';

export interface Policy {
  /** At or above this probability of `none`, the message changes nothing. */
  none: number;
  /** At or above this probability, the classifier's intent wins over a frame that reads another. */
  override: number;
  /** The same, over a frame that read no request at all (a remark, small talk). */
  overrideNone: number;
  /** Below this probability of the frame's own intent, a change is confirmed before it is made. */
  doubt: number;
  /** A veto needs a probability of `none` at least as high as the frame's own confidence. */
  respectFrame: boolean;
}

export const POLICY: Policy = { none: 0.5, override: 0.9, overrideNone: 0.9, doubt: 0.5, respectFrame: true };

const CHANGES = new Set(['create', 'update', 'complete', 'delete']);

/** The intent a frame's reading stands for: a question asked on the way to a create is a create. */
function readingIntent(r: ParseResult): IntentClass {
  if (r.intent === 'clarify') return (r.pending?.intent ?? 'create') as IntentClass;
  return r.intent as IntentClass;
}

export function decide(
  framed: ParseResult,
  scores: IntentScores,
  s: Sentence,
  ctx: DateContext,
  policy: Policy = POLICY,
): ParseResult {
  const p = scores.probabilities;
  const proposed = readingIntent(framed);
  // A frame that is sure of itself ("add …", "remind me to …") needs as sure a classifier to veto it.
  const vetoAt = policy.respectFrame ? Math.max(policy.none, framed.confidence) : policy.none;
  if (p.none >= vetoAt && proposed !== 'none') return { intent: 'none', confidence: clamp(p.none) };
  if (scores.top === proposed) return framed;
  const bar = proposed === 'none' ? policy.overrideNone : policy.override;
  if (scores.top !== 'none' && scores.p >= bar) {
    // Only a complete reading wins: one that would have to ask what was meant is no better.
    const forced = readAs(scores.top, s, ctx, scores.p);
    if (forced.intent === scores.top) return forced;
  }
  if (CHANGES.has(framed.intent) && p[proposed] < policy.doubt)
    return { ...framed, confidence: clamp(Math.min(framed.confidence, 0.55)) };
  return framed;
}
