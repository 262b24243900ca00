/**
 * Chooses the thresholds of core/nlu/decide.ts on the dev split (never the test split):
 *
 *   node --import tsx scripts/nlu-tune.ts
 *
 * Prints intent accuracy and the out-of-scope false-action rate for each policy on a grid.
 */

import { decide, type Policy } from '../core/nlu/decide';
import { sanitise } from '../core/nlu/input/sanitise';
import { detectBulk, looksLikeInjection } from '../core/nlu/input/threats';
import { fixTypos } from '../core/nlu/input/typos';
import { classifyIntent } from '../core/nlu/intent/classifier';
import { lowerSameLength } from '../core/nlu/masked-text';
import { dateContext, readFrames } from '../core/nlu/parse';
import { toSentence } from '../core/nlu/sentence';
import { readSplit } from './nlu-train/corpus';

const MUTATING = new Set(['create', 'update', 'complete', 'delete']);
const dev = readSplit('dev')
  .map((e) => {
    const clean = fixTypos(sanitise(e.text));
    const lower = lowerSameLength(clean);
    if (!clean || looksLikeInjection(lower) || detectBulk(lower)) return undefined;
    const ctx = dateContext({ now: new Date(e.now), timeZone: e.tz });
    const s = toSentence(clean);
    return { e, s, ctx, framed: readFrames(s, lower, ctx), scores: classifyIntent(clean) };
  })
  .filter((x) => x !== undefined);

const rows: [string, number, number][] = [];
for (const none of [0.4, 0.5, 0.6, 0.7])
  for (const override of [0.5, 0.6, 0.7, 0.8, 0.9, 1.01])
    for (const overrideNone of [0.6, 0.8, 0.9, 1.01])
      for (const respectFrame of [false, true]) {
        const policy: Policy = { none, override, overrideNone, doubt: 0.5, respectFrame };
        let right = 0;
        let oos = 0;
        let falseActions = 0;
        for (const d of dev) {
          const r = decide(d.framed, d.scores, d.s, d.ctx, policy);
          if (r.intent === d.e.expect.intent) right++;
          if (d.e.expect.intent === 'none') {
            oos++;
            if (MUTATING.has(r.intent) && r.confidence >= 0.6) falseActions++;
          }
        }
        rows.push([JSON.stringify(policy), right / dev.length, falseActions / oos]);
      }
rows.sort((a, b) => b[1] - a[1] || a[2] - b[2]);
console.log(`dev: ${dev.length} messages (injections and bulk requests are decided by rules first)`);
for (const [p, acc, fa] of rows.slice(0, 15))
  console.log(`${(acc * 100).toFixed(1)} %  false actions ${(fa * 100).toFixed(1)} %  ${p}`);
