/**
 * The walls of the layout (README, Architecture), read off a source tree as text: each wall is a
 * function from the tree to the places that break it (`file → import`, or a description), so a test
 * can check the real tree and prove on a planted one that every wall can fail.
 * Tests (*.test.ts, *.test.tsx) may cross walls; what ships may not.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Import {
  spec: string;
  /** For a relative import: the path it names, from the root (not yet resolved to a file). */
  target: string | undefined;
  /** `import type` / `export type`: erased at run time. */
  typeOnly: boolean;
}

export class SourceTree {
  readonly #files = new Map<string, string[]>();
  readonly #texts = new Map<string, string>();
  constructor(readonly root: string) {}

  /** The shipped source files below `dir` (relative to the root): no tests, no declarations. */
  sources(dir: string): string[] {
    const cached = this.#files.get(dir);
    if (cached) return cached;
    const out: string[] = [];
    const abs = path.join(this.root, dir);
    if (existsSync(abs)) {
      for (const name of readdirSync(abs).sort()) {
        const rel = path.join(dir, name);
        if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
        if (statSync(path.join(this.root, rel)).isDirectory()) out.push(...this.sources(rel));
        else if (
          /\.(ts|tsx|mts|mjs|js)$/.test(name) &&
          !/\.test\.[mc]?[jt]sx?$/.test(name) &&
          !name.endsWith('.d.ts')
        )
          out.push(rel);
      }
    }
    this.#files.set(dir, out);
    return out;
  }

  text(file: string): string {
    let t = this.#texts.get(file);
    if (t === undefined) {
      t = readFileSync(path.join(this.root, file), 'utf8');
      this.#texts.set(file, t);
    }
    return t;
  }

  /** Every import of a file: static, re-export, side-effect, dynamic and require(). */
  importsOf(file: string): Import[] {
    const code = withoutComments(this.text(file));
    const out: Import[] = [];
    for (const m of code.matchAll(IMPORT_RE)) {
      const spec = (m[1] ?? m[2] ?? m[3] ?? m[4])!;
      const target = spec.startsWith('.') ? path.normalize(path.join(path.dirname(file), spec)) : undefined;
      out.push({ spec, target, typeOnly: /^[\s;]*(?:import|export)\s+type\s/.test(m[0]) });
    }
    return out;
  }

  /** The file a relative import names (`x` → x.ts, x.tsx, x/index.ts), or undefined. */
  resolve(target: string): string | undefined {
    for (const candidate of [target, `${target}.ts`, `${target}.tsx`, `${target}/index.ts`]) {
      const abs = path.join(this.root, candidate);
      if (existsSync(abs) && statSync(abs).isFile()) return candidate;
    }
    return undefined;
  }
}

const IMPORT_RE = new RegExp(
  [
    String.raw`(?:^|[\n;])\s*(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]`,
    String.raw`(?:^|[\n;])\s*import\s*['"]([^'"]+)['"]`,
    String.raw`\bimport\(\s*['"]([^'"]+)['"]\s*\)`,
    String.raw`\brequire\(\s*['"]([^'"]+)['"]\s*\)`,
  ].join('|'),
  'g',
);

/** Block comments and whole-line comments out (an @example's import is not an import). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

export const within = (target: string | undefined, dir: string) =>
  target !== undefined && (target === dir || target.startsWith(`${dir}/`));

function breaches(
  tree: SourceTree,
  files: string[],
  broken: (file: string, imp: Import) => boolean,
): string[] {
  return files.flatMap((file) =>
    tree
      .importsOf(file)
      .filter((imp) => broken(file, imp))
      .map((imp) => `${file} → ${imp.spec}`),
  );
}

/** The bus adapters whose delivery loops must not be written twice (core/adapters/bus/delivery.ts is the one). */
export const BUS_ADAPTERS = ['memory', 'kafka', 'knative', 'dapr'].map((n) => `core/adapters/bus/${n}.ts`);
const SHARED_RUN = 6;

/** A file's lines as the duplicate check compares them: code only, white space folded. */
function codeLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let inBlock = false;
  text.split('\n').forEach((raw, i) => {
    let t = raw.trim().replace(/\s+/g, ' ');
    if (inBlock) {
      if (t.includes('*/')) inBlock = false;
      return;
    }
    if (t.startsWith('/*')) {
      inBlock = !t.includes('*/');
      return;
    }
    if (t.startsWith('//')) return;
    if (/^(?:import|export)\b.*\bfrom\b/.test(t) || /^import ['"]/.test(t)) return;
    t = t.replace(/\s*\/\/.*$/, '');
    if (/^[\s{}()[\];,.]*$/.test(t)) return;
    out.push({ line: i + 1, text: t });
  });
  return out;
}

/** Runs of SHARED_RUN or more code lines that two files share, each once: `a.ts:10-24 ~ b.ts:40-54`. */
export function sharedRuns(tree: SourceTree, a: string, b: string, run = SHARED_RUN): string[] {
  const la = codeLines(tree.text(a));
  const lb = codeLines(tree.text(b));
  const key = (lines: typeof la, at: number) =>
    lines
      .slice(at, at + run)
      .map((l) => l.text)
      .join('\n');
  const windows = new Map<string, number[]>();
  for (let i = 0; i + run <= la.length; i++) windows.set(key(la, i), [...(windows.get(key(la, i)) ?? []), i]);
  const matched = new Set<string>();
  const found: string[] = [];
  for (let j = 0; j + run <= lb.length; j++) {
    for (const i of windows.get(key(lb, j)) ?? []) {
      if (matched.has(`${i}:${j}`)) continue;
      // Extend the run as far as both files go on alike, and report it once.
      let n = run;
      while (i + n < la.length && j + n < lb.length && la[i + n]!.text === lb[j + n]!.text) n++;
      for (let k = 0; k + run <= n; k++) matched.add(`${i + k}:${j + k}`);
      found.push(`${a}:${la[i]!.line}-${la[i + n - 1]!.line} ~ ${b}:${lb[j]!.line}-${lb[j + n - 1]!.line}`);
    }
  }
  return found;
}

/** Import cycles among the given files (relative imports, type-only ones included), one path each. */
export function cycles(tree: SourceTree, files: string[]): string[] {
  const set = new Set(files);
  const edges = new Map<string, string[]>();
  for (const f of files)
    edges.set(
      f,
      tree
        .importsOf(f)
        .map((imp) => (imp.target === undefined ? undefined : tree.resolve(imp.target)))
        .filter((t): t is string => t !== undefined && set.has(t)),
    );
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const next of edges.get(f) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

/**
 * What `entry` loads at run time (type-only imports are erased): the bare specifiers it reaches, each
 * with the first file that imports it.
 */
export function loadedAtRunTime(tree: SourceTree, entry: string): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imp of tree.importsOf(file)) {
      if (imp.typeOnly) continue;
      if (imp.target === undefined) {
        if (!packages.has(imp.spec)) packages.set(imp.spec, file);
        continue;
      }
      const next = tree.resolve(imp.target);
      if (next !== undefined) queue.push(next);
    }
  }
  return packages;
}

/**
 * Where a chat message may be screened (sanitised, checked for injection): the chat function at the
 * HTTP edge (its chat and parse routes), the agent when it is handed raw text, and the screen itself (its `screened` helper lets
 * the parser accept raw text from the CLI).
 */
const SCREENS_AT_THE_EDGE = [
  'functions/chat/index.ts',
  'functions/chat/parse.ts',
  'core/chat/agent.ts',
  'core/nlu/input/screen.ts',
];

/** The offline parser and its command line (`npm run nlu`). */
export const PARSER_ENTRIES = ['core/nlu/parse.ts', 'scripts/nlu.ts'];

const ENV_READ =
  /process\s*(?:\.\s*env\b|\[\s*['"`]env['"`]\s*\])|\{[^}]*\benv\b[^}]*\}\s*=\s*(?:globalThis\.)?process\b/;

/** Each wall, and what breaks it in `tree`: an empty list is a wall that holds. */
export const WALLS = {
  'the domain is pure: core/domain imports only itself, zod and Temporal': (tree: SourceTree) =>
    breaches(
      tree,
      tree.sources('core/domain').filter((f) => !f.includes('.fixtures.')),
      (_f, imp) =>
        imp.target !== undefined
          ? !within(imp.target, 'core/domain')
          : !['zod', 'temporal-polyfill'].includes(imp.spec),
    ),

  'core/ never imports functions/, runtime/ or web/': (tree: SourceTree) =>
    breaches(tree, tree.sources('core'), (_f, imp) =>
      ['functions', 'runtime', 'web'].some((d) => within(imp.target, d)),
    ),

  'a function never imports another function, core/db or runtime/': (tree: SourceTree) =>
    breaches(
      tree,
      tree.sources('functions').filter((f) => !f.startsWith('functions/_') && f !== 'functions/index.ts'),
      (file, imp) => {
        if (imp.target === undefined) return false;
        const home = file.split('/').slice(0, 2).join('/');
        if (within(imp.target, 'core/db') || within(imp.target, 'runtime')) return true;
        const other = /^functions\/([^_/][^/]*)/.exec(imp.target);
        return other !== null && `functions/${other[1]}` !== home;
      },
    ),

  'the function toolkit (functions/_runtime, functions/_shared) never imports runtime/ or a function': (
    tree: SourceTree,
  ) =>
    breaches(
      tree,
      tree.sources('functions').filter((f) => f.startsWith('functions/_')),
      (_f, imp) => within(imp.target, 'runtime') || /^functions\/[^_]/.test(imp.target ?? ''),
    ),

  'web/ imports nothing of the server (its API types are generated into web/src/api)': (tree: SourceTree) =>
    breaches(tree, tree.sources('web'), (_f, imp) => imp.target !== undefined && !within(imp.target, 'web')),

  'only core/config reads process.env (in core/, functions/ and runtime/)': (tree: SourceTree) =>
    [...tree.sources('core'), ...tree.sources('functions'), ...tree.sources('runtime')].filter(
      (f) => !f.startsWith('core/config/') && ENV_READ.test(withoutComments(tree.text(f))),
    ),

  'the offline parser and its CLI load no zod: nothing core/nlu/parse.ts or scripts/nlu.ts reaches at run time imports it':
    (tree: SourceTree) => [
      ...new Set(
        PARSER_ENTRIES.filter((e) => existsSync(path.join(tree.root, e))).flatMap((entry) => {
          const zod = loadedAtRunTime(tree, entry).get('zod');
          return zod === undefined ? [] : [`${zod} → zod`];
        }),
      ),
    ],

  'a chat message is screened once, at the edge: screenMessage is called only by the chat function, the agent (raw input) and core/nlu/input/screen.ts':
    (tree: SourceTree) =>
      [...tree.sources('core'), ...tree.sources('functions'), ...tree.sources('runtime')].filter(
        (f) => !SCREENS_AT_THE_EDGE.includes(f) && /\bscreenMessage\s*\(/.test(withoutComments(tree.text(f))),
      ),

  'core/nlu has no import cycles': (tree: SourceTree) => cycles(tree, tree.sources('core/nlu')),

  'core/ has no import cycles': (tree: SourceTree) => cycles(tree, tree.sources('core')),

  'creating or publishing an event opens no span: core/events imports no tracing': (tree: SourceTree) =>
    breaches(tree, tree.sources('core/events'), (_f, imp) => within(imp.target, 'core/observability')),

  'core/stream has no transport: no HTTP server (the SSE transport lives in runtime/)': (tree: SourceTree) =>
    breaches(tree, tree.sources('core/stream'), (_f, imp) =>
      /^(?:node:)?(?:http|https|http2|net)$|^@hono\/node-server|^hono(?:\/|$)/.test(imp.spec),
    ),

  'no run of six or more lines is shared between two bus adapters': (tree: SourceTree) => {
    const present = BUS_ADAPTERS.filter((f) => existsSync(path.join(tree.root, f)));
    return present.flatMap((a, i) => present.slice(i + 1).flatMap((b) => sharedRuns(tree, a, b)));
  },
} satisfies Record<string, (tree: SourceTree) => string[]>;

export type WallName = keyof typeof WALLS;
