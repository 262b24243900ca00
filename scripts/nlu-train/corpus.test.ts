import { describe, expect, it } from 'vitest';
import { generateCorpus, normaliseUtterance, readSplit } from './corpus';

const keys = (split: 'train' | 'dev' | 'test') =>
  new Set(readSplit(split).map((e) => normaliseUtterance(e.text)));

describe('the NLU corpus splits', () => {
  const train = keys('train');
  const dev = keys('dev');
  const test = keys('test');

  it('holds train, dev and the frozen test set apart', () => {
    expect(test.size).toBeGreaterThanOrEqual(300);
    expect([...test].filter((t) => train.has(t) || dev.has(t))).toEqual([]);
    expect([...dev].filter((t) => train.has(t))).toEqual([]);
  });

  it('generates a large, varied training corpus that repeats no dev or test sentence, the same every time', () => {
    const exclude = new Set([...dev, ...test]);
    const corpus = generateCorpus({ exclude });
    expect(corpus.length).toBeGreaterThan(20_000);
    const classes = new Set(corpus.map((e) => e.label));
    expect([...classes].sort()).toEqual(['complete', 'create', 'delete', 'none', 'query', 'update']);
    expect(corpus.filter((e) => exclude.has(normaliseUtterance(e.text)))).toEqual([]);
    // Seeded: a second run gives the same sentences; another seed gives others.
    expect(generateCorpus({ exclude, scale: 0.05 })).toEqual(generateCorpus({ exclude, scale: 0.05 }));
    expect(generateCorpus({ exclude, scale: 0.05, seed: 7 })).not.toEqual(
      generateCorpus({ exclude, scale: 0.05 }),
    );
  }, 60_000);
});
