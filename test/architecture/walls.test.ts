/**
 * The walls of the layout (README, Architecture), checked over every import in the tree:
 * - the domain is pure: core/domain imports only itself, zod and Temporal;
 * - core/ never imports functions/, runtime/ or web/;
 * - a function never imports another function, nor core/db;
 * - functions/ never imports runtime/;
 * - web/ imports nothing of the server but the generated API types;
 * - only core/config reads process.env.
 * Tests (*.test.ts) and test support may cross walls; what ships may not.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(ROOT, dir))) {
    const rel = path.join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|tsx|mts)$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts'))
      out.push(rel);
  }
  return out;
}

const IMPORT_RE =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every import of a file: the specifier and, for a relative one, the path it names from the root. */
function importsOf(file: string): { spec: string; target: string | undefined }[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const out: { spec: string; target: string | undefined }[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = (m[1] ?? m[2])!;
    const target = spec.startsWith('.') ? path.normalize(path.join(path.dirname(file), spec)) : undefined;
    out.push({ spec, target });
  }
  return out;
}

function breaches(
  files: string[],
  broken: (file: string, imp: { spec: string; target?: string }) => boolean,
) {
  return files.flatMap((file) =>
    importsOf(file)
      .filter((imp) => broken(file, imp))
      .map((imp) => `${file} → ${imp.spec}`),
  );
}

const within = (target: string | undefined, dir: string) =>
  target !== undefined && (target === dir || target.startsWith(`${dir}/`));

describe('the walls of the layout hold', () => {
  const core = sources('core');
  const functions = sources('functions');
  const web = sources('web/src');

  it('the domain is pure: core/domain imports only itself, zod and Temporal', () => {
    const domain = core.filter((f) => f.startsWith('core/domain/') && !f.includes('.fixtures.'));
    expect(domain.length).toBeGreaterThan(3);
    expect(
      breaches(domain, (_f, imp) =>
        imp.target !== undefined
          ? !within(imp.target, 'core/domain')
          : !['zod', 'temporal-polyfill'].includes(imp.spec),
      ),
    ).toEqual([]);
  });

  it('core/ never imports functions/, runtime/ or web/', () => {
    expect(
      breaches(core, (_f, imp) => ['functions', 'runtime', 'web'].some((d) => within(imp.target, d))),
    ).toEqual([]);
  });

  it('a function never imports another function, core/db or runtime/', () => {
    const own = functions.filter((f) => !f.startsWith('functions/_') && f !== 'functions/index.ts');
    expect(own.length).toBeGreaterThan(15);
    expect(
      breaches(own, (file, imp) => {
        if (imp.target === undefined) return false;
        const home = file.split('/').slice(0, 2).join('/');
        if (within(imp.target, 'core/db') || within(imp.target, 'runtime')) return true;
        const other = /^functions\/([^_/][^/]*)/.exec(imp.target);
        return other !== null && `functions/${other[1]}` !== home;
      }),
    ).toEqual([]);
  });

  it('the function toolkit (functions/_runtime, _shared) never imports runtime/', () => {
    const toolkit = functions.filter((f) => f.startsWith('functions/_'));
    expect(breaches(toolkit, (_f, imp) => within(imp.target, 'runtime'))).toEqual([]);
  });

  it('web/ imports nothing of the server but the generated API types', () => {
    expect(web.length).toBeGreaterThan(10);
    expect(
      breaches(
        web,
        (_f, imp) =>
          imp.target !== undefined &&
          !within(imp.target, 'web') &&
          !/^web\/src\/api\/generated/.test(imp.target),
      ),
    ).toEqual([]);
  });

  it('only core/config reads process.env', () => {
    const readers = [...core, ...functions, ...sources('runtime')].filter(
      (f) => !f.startsWith('core/config/') && /process\.env\b/.test(readFileSync(path.join(ROOT, f), 'utf8')),
    );
    expect(readers).toEqual([]);
  });
});
