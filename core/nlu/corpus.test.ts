import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Intent, ParseResultSchema, parseUtterance, type TaskSlots } from './index';

interface CorpusEntry {
  file: string;
  text: string;
  now: string;
  tz: string;
  expect: { intent: Intent; task?: Record<string, unknown>; target?: string };
}

// The hand-labelled train and dev splits: the frames were written on them, and the classifier is
// trained on `train/` and tuned on `dev/`. The frozen `test/` split is measured, never asserted on
// here (scripts/nlu-eval.ts; BENCHMARKS.md).
const corpus: CorpusEntry[] = ['train', 'dev'].flatMap((split) => {
  const dir = join(import.meta.dirname, 'corpus', split);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl') && f !== 'dialogues.jsonl')
    .sort()
    .flatMap((file) =>
      readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => ({ file: `${split}/${file}`, ...(JSON.parse(line) as Omit<CorpusEntry, 'file'>) })),
    );
});

const SLOTS = ['title', 'due', 'priority', 'tags', 'recurrence', 'reminders', 'target'] as const;
type Slot = (typeof SLOTS)[number];

/** `null` in the corpus asserts the slot is absent ("Read The 5th Wave" has no due date). */
function slotMatches(slot: Slot, expected: unknown, actual: unknown): boolean {
  if (expected === null) return actual === undefined;
  if (actual === undefined) return false;
  if (slot === 'title' || slot === 'target')
    return String(actual).toLowerCase() === String(expected).toLowerCase();
  if (slot === 'due') return new Date(String(actual)).getTime() === new Date(String(expected)).getTime();
  return JSON.stringify(actual) === JSON.stringify(expected);
}

describe('corpus', () => {
  it('has at least 320 labelled utterances', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(320);
  });

  it('reaches at least 95% intent accuracy and reports slot accuracy', () => {
    const misses: string[] = [];
    const slots = new Map<Slot, { right: number; total: number }>(
      SLOTS.map((s) => [s, { right: 0, total: 0 }]),
    );
    let right = 0;
    for (const entry of corpus) {
      const result = parseUtterance(entry.text, { now: new Date(entry.now), timeZone: entry.tz });
      expect(ParseResultSchema.safeParse(result).success).toBe(true);
      if (result.intent === entry.expect.intent) right++;
      else misses.push(`${entry.file}: "${entry.text}" → ${result.intent}, expected ${entry.expect.intent}`);
      const expected: Partial<Record<Slot, unknown>> = { ...entry.expect.task, target: entry.expect.target };
      for (const slot of SLOTS) {
        if (expected[slot] === undefined) continue;
        const actual = slot === 'target' ? result.target : result.task?.[slot as keyof TaskSlots];
        const score = slots.get(slot)!;
        score.total++;
        if (slotMatches(slot, expected[slot], actual)) score.right++;
      }
    }
    const accuracy = right / corpus.length;
    const report = [
      `intent: ${right}/${corpus.length} = ${(accuracy * 100).toFixed(1)}%`,
      ...[...slots].map(
        ([slot, s]) =>
          `${slot}: ${s.right}/${s.total} = ${((100 * s.right) / Math.max(1, s.total)).toFixed(1)}%`,
      ),
      ...(misses.length ? ['intent misses:', ...misses.map((m) => `  ${m}`)] : []),
    ];
    console.log(`NLU corpus accuracy\n${report.join('\n')}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    // Slots are reported above; a floor on each well-sampled one catches a regression.
    for (const [slot, s] of slots) {
      if (s.total >= 10) expect(s.right / s.total, `${slot} accuracy`).toBeGreaterThanOrEqual(0.95);
    }
    // ~1,450 parses: minutes rather than seconds when the machine is shared.
  }, 180_000);
});
