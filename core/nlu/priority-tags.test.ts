import { describe, expect, it } from 'vitest';
import { extractPriority } from './priority';
import { extractTags } from './tags';
import { masked } from './test-support';

describe('extractPriority', () => {
  it.each([
    ['call the bank asap', 'high'],
    ['urgent: renew passport', 'high'],
    ['this is important', 'high'],
    ['book flights !!', 'high'],
    ['p1 fix the bug', 'high'],
    ['high priority', 'high'],
    ['clean the garage someday', 'low'],
    ['whenever', 'low'],
    ['low priority', 'low'],
    ['not urgent', 'low'],
    ['p3 tidy up', 'low'],
    ['p2 update docs', 'medium'],
    ['normal priority', 'medium'],
    ['call mom #family !high', 'high'],
    ['tidy the shed !low', 'low'],
    ['file the report !med', 'medium'],
    ['water the plants !3', 'low'],
  ])('reads "%s" as %s', (text, priority) => {
    expect(extractPriority(masked(text))).toBe(priority);
  });

  it('keeps an adjective of the title', () => {
    const m = masked('scan the important documents');
    expect(extractPriority(m)).toBeUndefined();
    expect(m.remaining()).toBe('scan the important documents');
  });

  it('consumes its words', () => {
    const m = masked('renew passport, it is urgent');
    expect(extractPriority(m)).toBe('high');
    expect(m.remaining()).toBe('renew passport');
  });
});

describe('extractTags', () => {
  it.each([
    ['fix the sink #home', ['home']],
    ['order ink @office', ['office']],
    ['prepare slides, tag it work', ['work']],
    ['fix the sink tagged home and errands', ['home', 'errands']],
    ['call the bank with tag finance', ['finance']],
    ['tags: health, Family', ['health', 'family']],
    ['add milk to my shopping list', ['shopping']],
  ])('reads "%s"', (text, tags) => {
    expect(extractTags(masked(text))).toEqual(tags);
  });

  it('stops the list where the sentence goes on', () => {
    const m = masked('buy milk tagged errands and remind me tomorrow');
    expect(extractTags(m)).toEqual(['errands']);
    expect(m.remaining()).toContain('remind me tomorrow');
  });

  it('does not mistake an e-mail address for a label', () => {
    expect(extractTags(masked('email bob@example.com'))).toEqual([]);
  });
});
