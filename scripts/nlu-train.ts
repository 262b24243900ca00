/**
 * Trains the intent classifier of the offline parser and writes its weights into the repository:
 *
 *   npm run nlu:train [-- --buckets 65536 --epochs 8 --seed 12 --scale 1 --dry-run]
 *
 * Deterministic: the corpus is generated from a seed (scripts/nlu-train/), shuffled with it, and
 * trained by AdaGrad in a fixed order, so the same flags write the same file. The dev split
 * (core/nlu/corpus/dev/) picks the epoch and fits the softmax temperature; the test split is
 * never read here.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IntentClass, IntentModel } from '../core/nlu/intent/classifier';
import { classifyIntent } from '../core/nlu/intent/classifier';
import { featureIds } from '../core/nlu/intent/features';
import {
  generateCorpus,
  handLabelled,
  type Labelled,
  normaliseUtterance,
  readSplit,
} from './nlu-train/corpus';
import { rng } from './nlu-train/grammar';
import { CLASSES } from './nlu-train/templates';

const OUT = join(import.meta.dirname, '..', 'core', 'nlu', 'intent', 'weights.ts');

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const buckets = flag('buckets', 1 << 16);
const epochs = flag('epochs', 8);
const seed = flag('seed', 12);
const scale = flag('scale', 1);
const HAND_WEIGHT = 3;

interface Example {
  ids: number[];
  norm: number;
  label: number;
  weight: number;
}

function encode(items: Labelled[], weight: number): Example[] {
  return items.map((e) => {
    const ids = featureIds(e.text, buckets);
    return { ids, norm: ids.length ? 1 / Math.sqrt(ids.length) : 0, label: CLASSES.indexOf(e.label), weight };
  });
}

function logitsOf(W: Float64Array, bias: Float64Array, ex: Example): Float64Array {
  const c = CLASSES.length;
  const out = Float64Array.from(bias);
  for (const id of ex.ids) for (let k = 0; k < c; k++) out[k]! += W[id * c + k]! * ex.norm;
  return out;
}

function softmax(logits: Float64Array, temperature = 1): Float64Array {
  let max = -Infinity;
  for (const l of logits) max = Math.max(max, l / temperature);
  const e = logits.map((l) => Math.exp(l / temperature - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

function accuracy(W: Float64Array, bias: Float64Array, set: Example[]): number {
  let right = 0;
  for (const ex of set) {
    const l = logitsOf(W, bias, ex);
    let best = 0;
    for (let k = 1; k < l.length; k++) if (l[k]! > l[best]!) best = k;
    if (best === ex.label) right++;
  }
  return right / Math.max(1, set.length);
}

function main(): void {
  const dev = handLabelled('dev');
  const exclude = new Set([...readSplit('dev'), ...readSplit('test')].map((e) => normaliseUtterance(e.text)));
  const generated = generateCorpus({ seed, scale, exclude });
  const hand = handLabelled('train').filter((e) => !exclude.has(normaliseUtterance(e.text)));
  const train = [...encode(generated, 1), ...encode(hand, HAND_WEIGHT)];
  const devSet = encode(dev, 1);
  const c = CLASSES.length;
  const counts = new Array(c).fill(0);
  for (const ex of train) counts[ex.label] += ex.weight;
  const total = counts.reduce((a, b) => a + b, 0);
  // Classes weighted towards balance (square root), so the widest class does not drown the rest.
  const classWeight = counts.map((n) => Math.sqrt(total / (c * n)));
  console.error(
    `train: ${generated.length} generated + ${hand.length} hand-labelled; dev: ${dev.length}; buckets ${buckets}`,
  );

  const W = new Float64Array(buckets * c);
  const G = new Float64Array(buckets * c).fill(1e-8);
  const bias = new Float64Array(c);
  const gBias = new Float64Array(c).fill(1e-8);
  const lr = 0.5;
  const random = rng(seed);
  const order = train.map((_, i) => i);
  let best = { acc: -1, W: W.slice(), bias: bias.slice(), epoch: 0 };
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let loss = 0;
    for (const index of order) {
      const ex = train[index]!;
      const p = softmax(logitsOf(W, bias, ex));
      const w = ex.weight * classWeight[ex.label]!;
      loss -= w * Math.log(p[ex.label]! + 1e-12);
      for (let k = 0; k < c; k++) {
        const g = w * (p[k]! - (k === ex.label ? 1 : 0));
        if (g === 0) continue;
        gBias[k]! += g * g;
        bias[k]! -= (lr * g) / Math.sqrt(gBias[k]!);
        for (const id of ex.ids) {
          const at = id * c + k;
          const gi = g * ex.norm;
          G[at]! += gi * gi;
          W[at]! -= (lr * gi) / Math.sqrt(G[at]!);
        }
      }
    }
    const acc = accuracy(W, bias, devSet);
    console.error(
      `epoch ${epoch}: loss ${(loss / train.length).toFixed(4)}, dev accuracy ${(acc * 100).toFixed(1)} %`,
    );
    if (acc > best.acc) best = { acc, W: W.slice(), bias: bias.slice(), epoch };
  }

  // Quantise to int8 with one scale: four times smaller, the same decisions.
  let maxAbs = 0;
  for (const v of best.W) maxAbs = Math.max(maxAbs, Math.abs(v));
  const q = new Int8Array(best.W.length);
  const qScale = maxAbs / 127;
  for (let i = 0; i < q.length; i++) q[i] = Math.round(best.W[i]! / qScale);
  const model: IntentModel = {
    classes: [...CLASSES] as IntentClass[],
    buckets,
    weights: Buffer.from(q.buffer).toString('base64'),
    scale: qScale,
    bias: [...best.bias].map((b) => Math.round(b * 1e6) / 1e6),
    temperature: 1,
  };
  // Temperature: the one that makes dev probabilities most honest (lowest negative log-likelihood).
  let bestT = { t: 1, nll: Infinity };
  for (let t = 0.3; t <= 4; t += 0.05) {
    let nll = 0;
    for (const e of dev) {
      const s = classifyIntent(e.text, { ...model, temperature: t });
      nll -= Math.log(s.probabilities[e.label] + 1e-12);
    }
    if (nll < bestT.nll) bestT = { t: Math.round(t * 100) / 100, nll };
  }
  model.temperature = bestT.t;
  let right = 0;
  for (const e of dev) if (classifyIntent(e.text, model).top === e.label) right++;
  console.error(
    `best epoch ${best.epoch}; quantised dev accuracy ${((100 * right) / dev.length).toFixed(1)} %; temperature ${model.temperature}`,
  );
  if (process.argv.includes('--dry-run')) return;
  // Written the way Biome formats it, so `biome check` passes on a freshly trained file.
  const source = [
    '// Generated by `npm run nlu:train` (scripts/nlu-train.ts). Do not edit: train again.',
    "import type { IntentModel } from './model';",
    '',
    'export const INTENT_MODEL: IntentModel = {',
    `  classes: [${model.classes.map((c) => `'${c}'`).join(', ')}],`,
    `  buckets: ${model.buckets},`,
    '  weights:',
    `    '${model.weights}',`,
    `  scale: ${model.scale},`,
    `  bias: [${model.bias.join(', ')}],`,
    `  temperature: ${model.temperature},`,
    '};',
    '',
  ].join('\n');
  writeFileSync(OUT, source);
  console.error(`wrote ${OUT} (${(source.length / 1024).toFixed(0)} KiB)`);
}

main();
