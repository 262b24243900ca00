// When sources last changed: what scripts/start-embedded.mjs, ensure-bundles.mjs and ensure-web.mjs
// compare with their build's time to decide whether to rebuild.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

// Tests do not end up in a build, so editing one needs no rebuild.
const IGNORED = /\.test\.[cm]?[jt]sx?$/;

/**
 * The newest modification time under `entry` (a file or a folder; node_modules and dot-entries
 * left out), or 0 when it does not exist. With `folders`, a folder's own time counts too, so that
 * deleting a source file counts as a change (adding a test then does as well).
 */
export function newestChange(entry, { folders = false } = {}) {
  let stat;
  try {
    stat = statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return IGNORED.test(entry) ? 0 : stat.mtimeMs;
  let newest = folders ? stat.mtimeMs : 0;
  for (const name of readdirSync(entry)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestChange(path.join(entry, name), { folders }));
  }
  return newest;
}
