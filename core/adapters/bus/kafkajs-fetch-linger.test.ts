import { describe, expect, it } from 'vitest';
import { fetchLingerApplied, nextFetch } from './kafkajs-fetch-linger';

const idle = { minBytes: 1, maxWaitTime: 5000 };

describe('lingering kafkajs fetches', () => {
  it('is applied to the kafkajs this process loads', () => {
    expect(fetchLingerApplied()).toBe(true);
  });

  it('asks for the linger after a fetch with records, for the consumer’s own after an empty one', () => {
    const linger = { ms: 50, bytes: 65536 };
    expect(nextFetch(idle, linger, true)).toEqual({ minBytes: 65536, maxWaitTime: 50 });
    expect(nextFetch(idle, linger, false)).toEqual(idle);
  });

  it('never waits longer than the consumer’s own wait, nor asks for fewer bytes than its own minimum', () => {
    expect(nextFetch({ minBytes: 1, maxWaitTime: 20 }, { ms: 50, bytes: 100 }, true)).toEqual({
      minBytes: 100,
      maxWaitTime: 20,
    });
    expect(nextFetch({ minBytes: 500, maxWaitTime: 5000 }, { ms: 50, bytes: 100 }, true)).toEqual({
      minBytes: 500,
      maxWaitTime: 50,
    });
  });

  it('fetches as kafkajs does for a group without a linger, or with it turned off', () => {
    expect(nextFetch(idle, undefined, true)).toEqual(idle);
    expect(nextFetch(idle, { ms: 0, bytes: 65536 }, true)).toEqual(idle);
  });
});
