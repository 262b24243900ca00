import { createRoot } from 'solid-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ParsedLine, ParseInput } from '../api/parse-types';
import { exampleReading } from '../test-support/parse-fixtures';
import { createLineParser } from './line-parser';

/** An api whose answers the test releases one by one; aborted requests reject like fetch does. */
function controllableApi() {
  const asked: { input: ParseInput; signal: AbortSignal | undefined; answer: (line: ParsedLine) => void }[] =
    [];
  const parse = vi.fn(
    (input: ParseInput, signal?: AbortSignal) =>
      new Promise<ParsedLine>((resolve, reject) => {
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        asked.push({ input, signal, answer: resolve });
      }),
  );
  return { api: { parse }, asked };
}

let dispose: () => void = () => {};
beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  dispose();
  vi.useRealTimers();
});

function start(api: ReturnType<typeof controllableApi>['api']) {
  return createRoot((d) => {
    dispose = d;
    return createLineParser({ api, mode: 'task', timeZone: () => 'America/New_York', delay: 150 });
  });
}

describe('line parser', () => {
  it('asks once typing pauses, with the mode and the zone', async () => {
    const { api, asked } = controllableApi();
    const parser = start(api);
    parser.update('call');
    parser.update('call mom');
    await vi.advanceTimersByTimeAsync(149);
    expect(asked).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(asked.map((a) => a.input)).toEqual([
      { text: 'call mom', mode: 'task', timezone: 'America/New_York' },
    ]);
    asked[0]!.answer(exampleReading());
    await vi.advanceTimersByTimeAsync(0);
    expect(parser.parsed()?.text).toBe('call mom');
  });

  it('aborts the request a newer line supersedes, and never shows a reading of an older line', async () => {
    const { api, asked } = controllableApi();
    const parser = start(api);
    parser.update('call mom');
    await vi.advanceTimersByTimeAsync(150);
    parser.update('call mom sunday');
    await vi.advanceTimersByTimeAsync(150);
    expect(asked).toHaveLength(2);
    expect(asked[0]!.signal?.aborted).toBe(true);
    expect(asked[1]!.signal?.aborted).toBe(false);
    asked[0]!.answer(exampleReading());
    await vi.advanceTimersByTimeAsync(0);
    expect(parser.parsed()).toBeNull();
    parser.update('call mom sunday at 3pm');
    asked[1]!.answer(exampleReading());
    await vi.advanceTimersByTimeAsync(0);
    expect(parser.parsed()).toBeNull();
  });

  it('flush asks at once; set takes a reading it already knows; blank lines ask nothing', async () => {
    const { api, asked } = controllableApi();
    const parser = start(api);
    parser.update('call mom');
    const flushed = parser.flush();
    expect(asked).toHaveLength(1);
    asked[0]!.answer(exampleReading());
    expect((await flushed)?.text).toBe('call mom');
    parser.set('call', exampleReading());
    expect(parser.parsed()?.text).toBe('call');
    expect(await parser.flush()).toEqual({ text: 'call', line: exampleReading() });
    parser.update('   ');
    await vi.advanceTimersByTimeAsync(500);
    expect(asked).toHaveLength(1);
    expect(parser.parsed()).toBeNull();
    expect(await parser.flush()).toBeNull();
  });

  it('shows nothing when the parser cannot be reached', async () => {
    const parse = vi.fn(async () => {
      throw new Error('offline');
    });
    const parser = start({ parse });
    parser.update('call mom');
    expect(await parser.flush()).toBeNull();
    expect(parser.parsed()).toBeNull();
  });
});
