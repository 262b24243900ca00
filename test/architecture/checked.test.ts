/**
 * What is written is checked: every test file is run by one of the Vitest configurations
 * (`npm test`'s projects, or `npm run test:dapr`), and every TypeScript file outside web/ is in the
 * root tsconfig (`npm run typecheck`; web/ has its own). A folder added beside core/ or runtime/ is
 * otherwise silently left out of both.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tracked = (...patterns: string[]) =>
  execFileSync('git', ['ls-files', '--', ...patterns], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

/** A glob as Vitest's include/exclude write them (`**`, `*`, `{a,b}`), as a regular expression. */
function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (glob.startsWith('**/', i)) {
      re += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      re += '.*';
      i += 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      re += `(?:${glob
        .slice(i + 1, end)
        .split(',')
        .map((alt) => alt.replace(/[.+?^$()|[\]\\]/g, '\\$&'))
        .join('|')})`;
      i = end;
    } else re += c.replace(/[.+?^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

interface TestConfig {
  include?: string[];
  exclude?: string[];
}
const matches = (file: string, globs: string[] | undefined) =>
  (globs ?? []).some((g) => globToRegExp(g).test(file));
const runs = (file: string, config: TestConfig, root = '') => {
  if (root && !file.startsWith(`${root}/`)) return false;
  const rel = root ? file.slice(root.length + 1) : file;
  return matches(rel, config.include) && !matches(rel, config.exclude);
};

describe('what is written is checked', () => {
  it('the glob reading matches what Vitest means', () => {
    expect(globToRegExp('core/**/*.test.ts').test('core/a/b/c.test.ts')).toBe(true);
    expect(globToRegExp('core/**/*.test.ts').test('core/c.test.ts')).toBe(true);
    expect(globToRegExp('core/**/*.test.ts').test('runtime/c.test.ts')).toBe(false);
    expect(globToRegExp('src/**/*.test.{ts,tsx}').test('src/x/app.test.tsx')).toBe(true);
    expect(globToRegExp('**/node_modules/**').test('a/node_modules/b/c.test.ts')).toBe(true);
  });

  it('every test file runs under npm test or npm run test:dapr', async () => {
    const root = (await import('../../vitest.config')).default as { test: { projects: unknown[] } };
    const dapr = (await import('../../vitest.dapr.config')).default as { test: TestConfig };
    const configs: { config: TestConfig; root: string }[] = [{ config: dapr.test, root: '' }];
    for (const project of root.test.projects) {
      if (typeof project === 'string') {
        const mod = (await import(path.join(ROOT, project))).default as { test: TestConfig };
        configs.push({ config: mod.test, root: path.dirname(project) });
      } else configs.push({ config: (project as { test: TestConfig }).test, root: '' });
    }
    const tests = tracked('*.test.ts', '*.test.tsx');
    expect(tests.length).toBeGreaterThan(50);
    expect(tests.filter((f) => !configs.some((c) => runs(f, c.config, c.root)))).toEqual([]);
  });

  it('every TypeScript file outside web/ is type-checked by the root tsconfig', () => {
    const tsconfig = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as {
      include: string[];
      exclude?: string[];
    };
    const files = tracked('*.ts', '*.tsx', '*.mts').filter((f) => !f.startsWith('web/'));
    expect(files.length).toBeGreaterThan(100);
    const included = (file: string) =>
      tsconfig.include.some((inc) =>
        inc.includes('*') ? globToRegExp(inc).test(file) : file === inc || file.startsWith(`${inc}/`),
      ) && !(tsconfig.exclude ?? []).some((ex) => file === ex || file.startsWith(`${ex}/`));
    expect(files.filter((f) => !included(f))).toEqual([]);
  });
});
