#!/usr/bin/env node
// `npm start`: runs the embedded runtime (runtime/main.ts) from one compiled bundle,
// dist/embedded/main.mjs, built here with esbuild when it is missing or older than its sources.
// Loading one bundle takes ~0.7 s of CPU where transpiling and resolving ~400 modules through tsx
// took ~3.3 s: most of a restart's time to ready. Without esbuild (an install without dev
// dependencies) it runs the sources through tsx, as before. This process is the server: signals
// reach it directly.
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { newestChange } from './newest-change.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist', 'embedded');
const bundle = path.join(outDir, 'main.mjs');
/** What the bundle is built from: a change to any of them rebuilds it. */
const SOURCES = [
  'core',
  'functions',
  'runtime',
  'package-lock.json',
  'tsconfig.json',
  'scripts/start-embedded.mjs',
];
/** Loaded from node_modules at run time: PGlite finds its WebAssembly and data files beside itself. */
const EXTERNAL = ['@electric-sql/pglite', '@electric-sql/pglite/*'];

/** Why the bundle must be (re)built, or null when it is current. */
function staleReason() {
  if (!existsSync(bundle)) return 'missing';
  // The bundle refers to files of this checkout by relative path (see sourceUrls): built here.
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(path.join(outDir, 'stamp.json'), 'utf8'));
  } catch {
    return 'no build stamp';
  }
  if (stamp.root !== root || stamp.node !== process.version) return 'built elsewhere';
  const builtAt = statSync(bundle).mtimeMs;
  return Math.max(...SOURCES.map((s) => newestChange(path.join(root, s), { folders: true }))) > builtAt
    ? 'sources changed'
    : null;
}

/**
 * Source files that find their neighbours through `import.meta.url` (the migrations, the web build,
 * the chat prompt) keep finding them from the bundle: each file's `import.meta.url` becomes its own
 * URL, relative to the bundle.
 */
const sourceUrls = (dir) => ({
  name: 'taskwire-source-urls',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = path.relative(dir, args.path).split(path.sep).join('/');
      return {
        contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`),
        loader: 'ts',
      };
    });
  },
});

/** Builds into a folder of its own, then swaps it in: a start running meanwhile never sees half a build. */
async function build(esbuild) {
  const tmp = `${outDir}.${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(root, 'runtime', 'main.ts')],
    outdir: tmp,
    entryNames: 'main',
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true, // the Kafka bus and the OpenTelemetry SDK load only when asked for
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    keepNames: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
    external: EXTERNAL,
    tsconfig: path.join(root, 'tsconfig.json'),
    banner: {
      js: [
        "import { createRequire as __twRequire } from 'node:module';",
        "import { fileURLToPath as __twPath } from 'node:url';",
        "import { dirname as __twDir } from 'node:path';",
        'const require = __twRequire(import.meta.url);',
        'const __filename = __twPath(import.meta.url);',
        'const __dirname = __twDir(__filename);',
      ].join('\n'),
    },
    plugins: [sourceUrls(tmp)],
  });
  writeFileSync(path.join(tmp, 'stamp.json'), `${JSON.stringify({ root, node: process.version })}\n`);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(tmp, outDir);
}

function loadEsbuild() {
  try {
    return createRequire(import.meta.url)('esbuild');
  } catch {
    return null;
  }
}

/**
 * Starts reading and compiling PGlite's WebAssembly and reading its file-system bundle, for
 * core/db/pglite-assets.ts to take: V8 compiles on background threads and libuv reads on its own,
 * so this overlaps the main thread's loading of the runtime bundle (a restart's time to ready).
 */
function preloadPglite() {
  let dist;
  try {
    dist = path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  } catch {
    return; // not installed where this script can see it: PGlite loads its own files
  }
  const slot = {
    wasm: readFile(path.join(dist, 'pglite.wasm')).then((bytes) => WebAssembly.compile(bytes)),
    data: readFile(path.join(dist, 'pglite.data')),
  };
  // Taken (and awaited) by whoever opens PGlite; a failure there means PGlite loads its own files.
  slot.wasm.catch(() => {});
  slot.data.catch(() => {});
  globalThis[Symbol.for('taskwire.pglite.assets')] = slot;
}

const reason = staleReason();
let entry = bundle;
if (reason) {
  const esbuild = loadEsbuild();
  if (esbuild) {
    try {
      await build(esbuild);
    } catch (err) {
      console.error(
        `start: could not build the runtime bundle (${err?.message ?? err}); running the sources`,
      );
      entry = null;
    }
  } else {
    entry = null;
  }
}
if (!process.env.DATABASE_URL) preloadPglite();
if (entry) {
  await import(pathToFileURL(entry).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, 'runtime', 'main.ts')).href);
}
