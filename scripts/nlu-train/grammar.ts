/**
 * A tiny template language for the training corpus, sampled at random (seeded):
 * `(a|b|c)` picks one alternative, `[x|y]` and `(x|y)?` keep one of them or nothing, `{name}` draws from the lexicon (whose
 * entries are templates too). Nesting is allowed: `(remind me [to] {chore}|{chore} [{when}])`.
 */

export type Lexicon = Record<string, readonly string[]>;

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'slot'; name: string }
  | { kind: 'choice'; options: Node[][] }
  | { kind: 'optional'; options: Node[][] };

/** mulberry32: small, fast, and the same numbers for the same seed everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function parseSeq(src: string, pos: { i: number }, stops: string): Node[] {
  const nodes: Node[] = [];
  let text = '';
  const flush = () => {
    if (text) nodes.push({ kind: 'text', text });
    text = '';
  };
  while (pos.i < src.length && !stops.includes(src[pos.i]!)) {
    const ch = src[pos.i]!;
    if (ch === '(') {
      flush();
      pos.i++;
      const options: Node[][] = [parseSeq(src, pos, '|)')];
      while (src[pos.i] === '|') {
        pos.i++;
        options.push(parseSeq(src, pos, '|)'));
      }
      if (src[pos.i] !== ')') throw new Error(`unclosed ( in ${src}`);
      pos.i++;
      // "(x|y)?" is an optional choice, as in a regular expression.
      if (src[pos.i] === '?') {
        pos.i++;
        nodes.push({ kind: 'optional', options });
      } else nodes.push({ kind: 'choice', options });
    } else if (ch === '[') {
      flush();
      pos.i++;
      const options: Node[][] = [parseSeq(src, pos, '|]')];
      while (src[pos.i] === '|') {
        pos.i++;
        options.push(parseSeq(src, pos, '|]'));
      }
      if (src[pos.i] !== ']') throw new Error(`unclosed [ in ${src}`);
      pos.i++;
      nodes.push({ kind: 'optional', options });
    } else if (ch === '{') {
      flush();
      const end = src.indexOf('}', pos.i);
      if (end < 0) throw new Error(`unclosed { in ${src}`);
      nodes.push({ kind: 'slot', name: src.slice(pos.i + 1, end) });
      pos.i = end + 1;
    } else {
      text += ch;
      pos.i++;
    }
  }
  flush();
  return nodes;
}

const cache = new Map<string, Node[]>();

function parse(template: string): Node[] {
  let nodes = cache.get(template);
  if (!nodes) {
    const pos = { i: 0 };
    nodes = parseSeq(template, pos, '');
    if (pos.i !== template.length) throw new Error(`stray character at ${pos.i} in ${template}`);
    cache.set(template, nodes);
  }
  return nodes;
}

function render(nodes: Node[], lexicon: Lexicon, random: () => number, depth: number): string {
  if (depth > 12) throw new Error('template recursion too deep');
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'choice') out += render(pick(random, node.options), lexicon, random, depth + 1);
    else if (node.kind === 'optional') {
      if (random() < 0.4) out += render(pick(random, node.options), lexicon, random, depth + 1);
    } else {
      const entries = lexicon[node.name];
      if (!entries?.length) throw new Error(`no lexicon entry {${node.name}}`);
      out += render(parse(pick(random, entries)), lexicon, random, depth + 1);
    }
  }
  return out;
}

/** One random sentence from `template`, single-spaced. */
export function sample(template: string, lexicon: Lexicon, random: () => number): string {
  return render(parse(template), lexicon, random, 0)
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.?!:])/g, '$1')
    .trim();
}
