import { describe, expect, it } from 'vitest';
import { playDialogues, readDialogues, type TurnResult } from './dialogue-runner';

// The frozen dialogues of the test split, end to end through POST /api/chat. Every turn after the
// first is a follow-up or an answer; the share resolved is reported in BENCHMARKS.md.
describe('follow-ups and answers, end to end', () => {
  it('resolves at least 90 % of the follow-ups and answers of the frozen dialogues', async () => {
    const results: TurnResult[] = await playDialogues(readDialogues());
    const followUps = results.filter((r) => r.index > 0);
    const resolved = followUps.filter((r) => r.ok).length;
    const firsts = results.filter((r) => r.index === 0);
    console.log(
      [
        `dialogues: follow-ups and answers resolved ${resolved}/${followUps.length} = ${((100 * resolved) / followUps.length).toFixed(1)} %`,
        `opening turns as expected: ${firsts.filter((r) => r.ok).length}/${firsts.length}`,
        ...results
          .filter((r) => !r.ok)
          .map(
            (r) =>
              `  ✗ ${r.dialogue} #${r.index} "${r.say}": ${r.problems.join('; ')} — ${r.reply.slice(0, 120)}`,
          ),
      ].join('\n'),
    );
    expect(resolved / followUps.length).toBeGreaterThanOrEqual(0.9);
  }, 300_000);
});
