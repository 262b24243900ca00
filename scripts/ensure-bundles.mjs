#!/usr/bin/env node
// Builds the bundles `npm run start:kafka` runs (dist/multi: one per function, the gateway, the
// supervisor) when they are missing or older than their sources, as ensure-web.mjs does for the web
// app: compiled once instead of transpiled by every process at every start. When they are current it
// prints nothing and exits 0 quickly. Safe to run concurrently (test files starting the runtime side
// by side): one builds under a lock, the others wait for it; a finished build replaces the old one in
// one rename, so a running supervisor never sees half a build.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestChange } from './newest-change.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'multi');
const stamp = path.join(out, '.built');
const lock = path.join(root, 'dist', 'multi.lock');
const SOURCES = [
  'core',
  'functions',
  'runtime',
  'scripts/bundle.ts',
  'scripts/ensure-bundles.mjs',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
].map((p) => path.join(root, p));

function staleReason() {
  if (!existsSync(stamp) || !existsSync(path.join(out, 'supervisor.mjs'))) return 'dist/multi is missing';
  return Math.max(...SOURCES.map((s) => newestChange(s))) > statSync(stamp).mtimeMs
    ? 'the sources changed'
    : null;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Takes the build lock (a directory), waiting for another builder; a dead builder's lock is taken over. */
async function takeLock() {
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let owner = 0;
    try {
      owner = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
    } catch {
      // being written, or being removed
    }
    if (owner && !alive(owner)) rmSync(lock, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`ensure-bundles: ${lock} held for 15 minutes`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let reason = staleReason();
if (reason) {
  await takeLock();
  try {
    // Another process may have built them while this one waited.
    reason = staleReason();
    if (reason) {
      console.log(`ensure-bundles: building dist/multi (${reason})…`);
      const next = `${out}.next-${process.pid}`;
      const startedAt = Date.now();
      const result = spawnSync(
        process.execPath,
        // Minified: V8 keeps every module's source text, and an idle function process held 82–88 MB
        // with readable bundles against 77–78 minified. Function names are kept (esbuild's
        // keepNames), and source maps lie beside the bundles for `--node-args=--enable-source-maps`.
        ['--import', 'tsx', 'scripts/bundle.ts', '--out', next, '--supervisor', '--sourcemap'],
        { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      if (result.status !== 0) {
        rmSync(next, { recursive: true, force: true });
        process.exit(result.status ?? 1);
      }
      // Stamped with the time the build started: a source saved during the build makes it stale.
      writeFileSync(path.join(next, '.built'), '');
      utimesSync(path.join(next, '.built'), new Date(startedAt), new Date(startedAt));
      const old = `${out}.old-${process.pid}`;
      if (existsSync(out)) renameSync(out, old);
      renameSync(next, out);
      rmSync(old, { recursive: true, force: true });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
