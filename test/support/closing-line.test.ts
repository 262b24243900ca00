import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const reporter = resolve('test/support/closing-line.ts');
const vitestBin = resolve('node_modules/vitest/vitest.mjs');
const dirs: string[] = [];

/** Runs a real Vitest over the given test files with the reporter; its exit code and last line. */
function run(files: Record<string, string>): { status: number | null; last: string } {
  const root = mkdtempSync(join(tmpdir(), 'closing-line-'));
  dirs.push(root);
  mkdirSync(join(root, 'tests'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(root, 'tests', name), body);
  writeFileSync(
    join(root, 'vitest.config.mjs'),
    `export default { test: { globals: true, include: ['tests/*.test.mjs'], reporters: ['default', ${JSON.stringify(reporter)}] } };\n`,
  );
  const out = spawnSync(process.execPath, [vitestBin, 'run', '--root', root], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
    timeout: 60_000,
  });
  const lines = out.stdout.split('\n').filter((line) => line.trim() !== '');
  return { status: out.status, last: lines.at(-1) ?? '' };
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the closing line of a test run', () => {
  it('counts passed, failed and skipped tests, and a file that fails to load as a failure', () => {
    const { status, last } = run({
      'a.test.mjs': `
        it('one', () => {});
        it('two', () => {});
        it('three fails', () => { throw new Error('no'); });
        it.skip('four is skipped', () => {});
      `,
      'b.test.mjs': `throw new Error('this file does not load');`,
    });
    expect(last).toBe('vitest: 2 passed, 2 failed, 1 skipped');
    expect(status).toBe(1);
  });

  it('says all passed only when they did, and is the last line', () => {
    const { status, last } = run({ 'a.test.mjs': `it('one', () => {}); it('two', () => {});` });
    expect(last).toBe('vitest: 2 passed, 0 failed');
    expect(status).toBe(0);
  });
});
