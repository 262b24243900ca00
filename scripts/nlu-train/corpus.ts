/**
 * The training corpus: templates × slot fillers × register (politeness, fillers, word order),
 * typing (typos, no capitals, no punctuation) and speech-recognition style (numbers spelled out,
 * "p m", no apostrophes), plus the hand-labelled `corpus/train/` lines. Seeded: the same seed
 * gives the same corpus on every machine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IntentClass } from '../../core/nlu/intent/classifier';
import { type Lexicon, pick, rng, sample } from './grammar';
import { CHORES, LEXICON } from './lexicon';
import { GROUP_CLASS, type Group, PER_TEMPLATE, TEMPLATES } from './templates';

export const CORPUS_DIR = join(import.meta.dirname, '..', '..', 'core', 'nlu', 'corpus');

export interface Labelled {
  text: string;
  label: IntentClass;
}

export interface CorpusEntry {
  text: string;
  now: string;
  tz: string;
  expect: { intent: string };
}

/** Case, punctuation and spacing do not make a sentence new. */
export function normaliseUtterance(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function readSplit(split: 'train' | 'dev' | 'test'): CorpusEntry[] {
  const dir = join(CORPUS_DIR, split);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl') && f !== 'dialogues.jsonl')
    .sort()
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as CorpusEntry),
    );
}

/** The parser's intents as classifier classes: `clarify` is decided later, by what is missing. */
export function classOf(intent: string): IntentClass | undefined {
  return intent === 'clarify' ? undefined : (intent as IntentClass);
}

const IRREGULAR: Record<string, string> = {
  buy: 'bought',
  pay: 'paid',
  do: 'did',
  take: 'took',
  get: 'got',
  go: 'went',
  send: 'sent',
  write: 'wrote',
  make: 'made',
  bring: 'brought',
  feed: 'fed',
  sweep: 'swept',
  sell: 'sold',
  find: 'found',
  hang: 'hung',
  read: 'read',
  put: 'put',
  set: 'set',
  meet: 'met',
  give: 'gave',
  leave: 'left',
  run: 'ran',
  sign: 'signed',
};

function past(phrase: string): string {
  const [verb, ...rest] = phrase.split(' ');
  const v = verb!;
  const ed =
    IRREGULAR[v] ?? (v.endsWith('e') ? `${v}d` : /[^aeiou]y$/.test(v) ? `${v.slice(0, -1)}ied` : `${v}ed`);
  return [ed, ...rest].join(' ');
}

const NUMBER_WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty'];

function spell(n: number): string {
  if (n <= 20) return NUMBER_WORDS[n]!;
  if (n < 60) return `${TENS[Math.floor(n / 10)]}${n % 10 ? ` ${NUMBER_WORDS[n % 10]}` : ''}`;
  return String(n);
}

const KEYS = 'qwertyuiopasdfghjklzxcvbnm';

function typo(word: string, random: () => number): string {
  if (word.length < 4) return word;
  const i = 1 + Math.floor(random() * (word.length - 2));
  const kind = random();
  if (kind < 0.3) return word.slice(0, i) + word.slice(i + 1);
  if (kind < 0.55) return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  if (kind < 0.8) return word.slice(0, i) + word[i] + word.slice(i);
  return word.slice(0, i) + pick(random, [...KEYS]) + word.slice(i + 1);
}

/** One way a person might actually type or say the sentence. */
export function vary(text: string, random: () => number, lexicon: Lexicon): string {
  let t = text;
  if (random() < 0.12) t = `${sample('{lead}', lexicon, random)}${random() < 0.5 ? ',' : ''} ${t}`;
  if (random() < 0.08) t = `${t}${random() < 0.5 ? ',' : ''} ${sample('{please}', lexicon, random)}`;
  if (random() < 0.25) {
    t = t
      .replace(
        /\b(\d{1,2}):(\d{2})\b/g,
        (_, h, m) => `${spell(Number(h))} ${Number(m) ? spell(Number(m)) : "o'clock"}`,
      )
      .replace(/\b(\d{1,2})\b/g, (d) => spell(Number(d)))
      .replace(/\b(\w+)(am|pm)\b/g, '$1 $2');
  }
  if (random() < 0.15) t = t.replace(/\b(a|p)\.?m\.?\b/g, '$1 m');
  if (random() < 0.15) t = t.replace(/'/g, '');
  if (random() < 0.12) {
    const words = t.split(' ');
    const n = random() < 0.7 ? 1 : 2;
    for (let k = 0; k < n; k++) {
      const i = Math.floor(random() * words.length);
      words[i] = typo(words[i]!, random);
    }
    t = words.join(' ');
  }
  const style = random();
  if (style < 0.4) t = t.replace(/[.,!?;:]/g, '');
  else if (style < 0.6)
    t = `${t}${/^(?:what|when|who|how|is|are|do|did|can|will|where|which|should)\b/.test(t) ? '?' : '.'}`;
  const casing = random();
  if (casing < 0.35) t = t.charAt(0).toUpperCase() + t.slice(1);
  else if (casing < 0.38) t = t.toUpperCase();
  return t.replace(/\s+/g, ' ').trim();
}

export interface GenerateOptions {
  seed?: number;
  /** Multiplies every class's draws per template. */
  scale?: number;
  /** Normalised sentences that must not be produced (the dev and test sets). */
  exclude?: Set<string>;
}

/** The generated part of the training corpus, deduplicated. */
export function generateCorpus(options: GenerateOptions = {}): Labelled[] {
  const random = rng(options.seed ?? 12);
  const lexicon: Lexicon = { ...LEXICON, chore_past: CHORES.map(past) };
  const seen = new Set<string>();
  const out: Labelled[] = [];
  for (const group of Object.keys(TEMPLATES) as Group[]) {
    const label = GROUP_CLASS[group];
    for (const template of TEMPLATES[group]) {
      const draws = Math.round(PER_TEMPLATE[group] * (options.scale ?? 1));
      for (let i = 0; i < draws; i++) {
        const text = vary(sample(template, lexicon, random), random, lexicon);
        const key = normaliseUtterance(text);
        if (!key || seen.has(key) || options.exclude?.has(key)) continue;
        seen.add(key);
        out.push({ text, label });
      }
    }
  }
  return out;
}

/** Hand-labelled lines of a split, as classifier examples (clarify lines have no class). */
export function handLabelled(split: 'train' | 'dev' | 'test'): Labelled[] {
  return readSplit(split).flatMap((e) => {
    const label = classOf(e.expect.intent);
    return label ? [{ text: e.text, label }] : [];
  });
}
