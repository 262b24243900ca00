/**
 * Measures the offline parser on a labelled set it was not tuned on:
 *
 *   node --import tsx scripts/nlu-eval.ts [core/nlu/corpus/test/singles.jsonl …] [--misses]
 *
 * Prints intent accuracy per expected intent, the confusion, and the out-of-scope false-action
 * rate: expected `none`, answered with a change (create/update/complete/delete) at or above the
 * chat's confirmation threshold, so it would have been carried out without asking.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseUtterance } from '../core/nlu/parse';

const CONFIRM_BELOW = 0.6;
const MUTATING = new Set(['create', 'update', 'complete', 'delete']);

interface Entry {
  text: string;
  now: string;
  tz: string;
  expect: { intent: string };
}

export interface Evaluation {
  total: number;
  right: number;
  perIntent: Map<string, { right: number; total: number }>;
  confusion: Map<string, number>;
  outOfScope: number;
  falseActions: number;
  misses: string[];
}

export function readEntries(file: string): Entry[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Entry);
}

export function evaluate(entries: Entry[]): Evaluation {
  const e: Evaluation = {
    total: 0,
    right: 0,
    perIntent: new Map(),
    confusion: new Map(),
    outOfScope: 0,
    falseActions: 0,
    misses: [],
  };
  for (const entry of entries) {
    const result = parseUtterance(entry.text, { now: new Date(entry.now), timeZone: entry.tz });
    const want = entry.expect.intent;
    const row = e.perIntent.get(want) ?? { right: 0, total: 0 };
    row.total++;
    e.total++;
    if (result.intent === want) {
      row.right++;
      e.right++;
    } else {
      const key = `${want} → ${result.intent}`;
      e.confusion.set(key, (e.confusion.get(key) ?? 0) + 1);
      e.misses.push(`${want} → ${result.intent} (${result.confidence}): ${entry.text}`);
    }
    e.perIntent.set(want, row);
    if (want === 'none') {
      e.outOfScope++;
      if (MUTATING.has(result.intent) && result.confidence >= CONFIRM_BELOW) e.falseActions++;
    }
  }
  return e;
}

const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)} %`;

export function report(name: string, e: Evaluation, misses: boolean): string {
  const lines = [`${name}: intent ${e.right}/${e.total} = ${pct(e.right, e.total)}`];
  for (const [intent, r] of [...e.perIntent].sort()) {
    lines.push(
      `  ${intent.padEnd(9)} ${String(r.right).padStart(4)}/${String(r.total).padEnd(4)} ${pct(r.right, r.total)}`,
    );
  }
  lines.push(
    `  out-of-scope false actions: ${e.falseActions}/${e.outOfScope} = ${pct(e.falseActions, e.outOfScope)}`,
  );
  const confusion = [...e.confusion].sort((a, b) => b[1] - a[1]);
  if (confusion.length) lines.push(`  confusion: ${confusion.map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  if (misses) lines.push(...e.misses.map((m) => `    ${m}`));
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('nlu-eval.ts')) {
  const args = process.argv.slice(2);
  const files = args.filter((a) => !a.startsWith('--'));
  const targets = files.length
    ? files
    : [join(import.meta.dirname, '..', 'core/nlu/corpus/test/singles.jsonl')];
  for (const file of targets)
    console.log(report(file, evaluate(readEntries(file)), args.includes('--misses')));
}
