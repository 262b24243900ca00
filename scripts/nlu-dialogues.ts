/**
 * Plays labelled conversations through POST /api/chat on a test host and reports, turn by turn,
 * whether what was expected happened:
 *
 *   node --import tsx scripts/nlu-dialogues.ts [core/nlu/corpus/dev/dialogues.jsonl]
 *
 * Every turn after the first is a follow-up or an answer; their share resolved is the figure in
 * BENCHMARKS.md. Use the dev dialogues while working; the test dialogues only to measure.
 */
import { playDialogues, readDialogues } from '../test/chat/dialogue-runner';

const file = process.argv[2] ?? 'core/nlu/corpus/dev/dialogues.jsonl';
const started = Date.now();
const results = await playDialogues(readDialogues(file));
for (const r of results)
  console.log(
    `${r.ok ? '✓' : '✗'} ${r.dialogue} #${r.index} "${r.say}" ${r.problems.join('; ')} | ${r.reply.slice(0, 150).replace(/\n/g, ' / ')}`,
  );
const followUps = results.filter((r) => r.index > 0);
console.log(
  `follow-ups and answers resolved: ${followUps.filter((r) => r.ok).length}/${followUps.length}; ` +
    `opening turns as expected: ${results.filter((r) => r.index === 0 && r.ok).length}/${results.filter((r) => r.index === 0).length}; ${Date.now() - started} ms`,
);
process.exit(0);
