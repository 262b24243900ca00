import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderWebTypes, WEB_TYPES_FILE, webTypesDrifted } from './gen-web-types';

const WEB = path.resolve(path.dirname(WEB_TYPES_FILE), '../..');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourcesUnder(full);
    return /\.(ts|tsx|mts|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

describe('the web app’s API types', () => {
  it('are what scripts/gen-web-types.ts generates from the schemas (run npm run gen:web-types)', () => {
    expect(webTypesDrifted()).toBe(false);
  });

  it('name the vocabulary and leave no part untyped', () => {
    const text = renderWebTypes();
    for (const name of ['Task', 'TaskInput', 'TaskPatch', 'Settings', 'ChatReply', 'Update', 'Problem']) {
      expect(text).toMatch(new RegExp(`export (interface|type) ${name}\\b`));
    }
    expect(text).toContain('recurrenceSummary?: string | null;');
    expect(text).not.toContain('unknown;');
  });

  it('are the only thing web/ takes from the server side: no import leaves web/', () => {
    const escaping: string[] = [];
    for (const file of sourcesUnder(WEB)) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
        const spec = match[1]!;
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        if (!target.startsWith(`${WEB}${path.sep}`)) escaping.push(`${path.relative(WEB, file)} → ${spec}`);
      }
    }
    expect(escaping).toEqual([]);
  });
});
