import type { SerializedError } from 'vitest';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * A reporter that ends the run with one plain line, `vitest: N passed, N failed` (then `, N skipped`
 * when some were), after Vitest's own summary. That line is the closing line that tools reading a CI
 * log understand in any language; Vitest's own summary is not one of the formats they know, and the
 * last such line before it in `.ci/run`'s log would otherwise be read as the run's result.
 *
 * A file that fails to load, and an error thrown outside any test, count as failures: a run that
 * loses a file never reads as all passed.
 */
export function closingLine(
  modules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<SerializedError>,
): string {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const module of modules) {
    let failedHere = 0;
    for (const test of module.children.allTests()) {
      const { state } = test.result();
      if (state === 'passed') passed++;
      else if (state === 'failed') failedHere++;
      else if (state === 'skipped') skipped++;
    }
    // A module that failed without a failed test failed to load or in a hook around its tests.
    failed += failedHere > 0 ? failedHere : module.state() === 'failed' ? 1 : 0;
  }
  failed += unhandledErrors.length;
  return `vitest: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

export default class ClosingLineReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    process.stdout.write(`${closingLine(modules, unhandledErrors)}\n`);
  }
}
