#!/usr/bin/env node
// Builds the web app (web/dist) when it is missing or older than its sources, so `npm start` works on a
// fresh clone. When the build is current it prints nothing and exits 0 quickly.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestChange } from './newest-change.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const builtIndex = path.join(web, 'dist', 'index.html');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts'].map((p) => path.join(web, p));

function staleReason() {
  if (!existsSync(builtIndex)) return 'web/dist is missing';
  const builtAt = statSync(builtIndex).mtimeMs;
  const changedAt = Math.max(...SOURCES.map((s) => newestChange(s)));
  return changedAt > builtAt ? 'web/src changed since the last build' : null;
}

function viteBin() {
  try {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('vite/package.json');
    const bin = require(pkgPath).bin;
    return path.join(path.dirname(pkgPath), typeof bin === 'string' ? bin : bin.vite);
  } catch {
    return null;
  }
}

const reason = staleReason();
if (reason) {
  const vite = viteBin();
  if (!vite) {
    if (existsSync(builtIndex)) {
      console.warn(`ensure-web: ${reason}, but vite is not installed; serving the existing build.`);
      process.exit(0);
    }
    console.error('ensure-web: web/dist is missing and vite is not installed; run `npm install` first.');
    process.exit(1);
  }
  console.log(`ensure-web: building the web app (${reason})…`);
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', path.join('web', 'vite.config.ts')],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  process.exit(result.status ?? 1);
}
