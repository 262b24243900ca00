/**
 * PGlite's WebAssembly (~9 MB) and its file-system bundle (~6 MB), read and compiled before the code
 * that needs them has loaded. `npm start` (scripts/start-embedded.mjs) starts both before it imports
 * the runtime bundle: V8 compiles WebAssembly on background threads and the files are read by libuv's,
 * so that work overlaps the main thread's ~0.6 s of loading the bundle instead of following it.
 *
 * The hand-over is a process-wide slot (a registered symbol), since the start script is plain
 * JavaScript outside the bundle. Whoever opens PGlite takes it once; without it, or when it fails,
 * PGlite loads its own files as usual.
 */
export const PGLITE_ASSETS = Symbol.for('taskwire.pglite.assets');

export interface PgliteAssets {
  pgliteWasmModule: WebAssembly.Module;
  fsBundle: Blob;
}

interface Slot {
  wasm: Promise<WebAssembly.Module>;
  data: Promise<Uint8Array>;
}

/** The preloaded assets, at most once per process; undefined when none were started or they failed. */
export async function takePreloadedPgliteAssets(): Promise<PgliteAssets | undefined> {
  const holder = globalThis as { [PGLITE_ASSETS]?: Slot };
  const slot = holder[PGLITE_ASSETS];
  if (!slot) return undefined;
  delete holder[PGLITE_ASSETS];
  try {
    const [pgliteWasmModule, data] = await Promise.all([slot.wasm, slot.data]);
    return { pgliteWasmModule, fsBundle: new Blob([data]) };
  } catch {
    return undefined;
  }
}
