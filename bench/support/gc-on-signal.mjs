// Preloaded into a benchmarked server (`node --expose-gc --import ./bench/support/gc-on-signal.mjs`):
// SIGUSR2 runs a full garbage collection, so a memory reading counts what is retained, not garbage.
// Plain JavaScript because it loads before tsx.
if (typeof globalThis.gc === 'function') {
  process.on('SIGUSR2', () => globalThis.gc());
}
