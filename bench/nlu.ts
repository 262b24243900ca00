/**
 * Parse latency of the offline NLU parser per utterance (screening, classifier, frames and slots),
 * warm, over every labelled split: train, dev and test.
 *
 *   node --import tsx bench/nlu.ts [--rounds 20]
 *
 * Prints a small table and one JSON line (`{"bench":"nlu-parse",…}`) for BENCHMARKS.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseUtterance } from '../core/nlu/parse';

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 20;

interface Entry {
  text: string;
  now: string;
  tz: string;
  expect: { intent: string };
}

const root = join(import.meta.dirname, '..', 'core', 'nlu', 'corpus');
const corpus: Entry[] = ['train', 'dev', 'test'].flatMap((split) =>
  readdirSync(join(root, split))
    .filter((f) => f.endsWith('.jsonl') && f !== 'dialogues.jsonl')
    .flatMap((f) =>
      readFileSync(join(root, split, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Entry),
    ),
);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summarise(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1)!),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

const inputs = corpus.map((e) => ({
  text: e.text,
  intent: e.expect.intent,
  opts: { now: new Date(e.now), timeZone: e.tz },
}));

// Warm-up: JIT, chrono's lazy tables, Intl caches.
for (let i = 0; i < 3; i++) for (const input of inputs) parseUtterance(input.text, input.opts);

const all: number[] = [];
// CPU time of this process per parse: on a shared machine, wall time also counts the time the
// process waited for a core, which says more about the neighbours than about the parser.
const cpu: number[] = [];
const byIntent = new Map<string, number[]>();
for (let r = 0; r < rounds; r++) {
  for (const input of inputs) {
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    parseUtterance(input.text, input.opts);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
    all.push(ms);
    if (!byIntent.has(input.intent)) byIntent.set(input.intent, []);
    byIntent.get(input.intent)!.push(ms);
  }
}

const overall = summarise(all);
const cpuTime = summarise(cpu);
const rows = [
  ['all', overall],
  ...[...byIntent].sort().map(([intent, s]) => [intent, summarise(s)] as const),
] as const;
console.log(`NLU parse latency (ms per utterance, warm) — ${corpus.length} utterances × ${rounds} rounds`);
console.log('intent      n      p50      p99      max     mean');
for (const [name, s] of rows) {
  const cell = (v: number) => v.toFixed(3).padStart(8);
  console.log(
    `${String(name).padEnd(8)}${String(s.n).padStart(6)} ${cell(s.p50)} ${cell(s.p99)} ${cell(s.max)} ${cell(s.mean)}`,
  );
}
console.log(
  `cpu time    ${cpuTime.n} p50 ${cpuTime.p50} p99 ${cpuTime.p99} max ${cpuTime.max} mean ${cpuTime.mean}`,
);
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${os.cpus().length} cores`,
);
console.log(
  JSON.stringify({
    bench: 'nlu-parse',
    cpuP50Ms: cpuTime.p50,
    cpuP99Ms: cpuTime.p99,
    loadAverage: os.loadavg()[0],
    utterances: corpus.length,
    rounds,
    p50Ms: overall.p50,
    p99Ms: overall.p99,
    maxMs: overall.max,
    meanMs: overall.mean,
    node: process.version,
    cpu: os.cpus()[0]?.model,
  }),
);
