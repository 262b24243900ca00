/**
 * Writes one JSON Schema per event type into schemas/ from the zod catalog.
 * `node --import tsx scripts/gen-schemas.ts` rewrites them; `--check` fails when they drift.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CATALOG } from '../core/events/catalog';

export const SCHEMAS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'schemas');

/** The generated files, name → content. */
export function renderSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  for (const def of CATALOG) {
    const schema = z.toJSONSchema(def.schema, {
      io: 'output',
      target: 'draft-2020-12',
      unrepresentable: 'any',
    });
    const doc = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: def.dataschema,
      title: def.type,
      description: `${def.description} (topic: ${def.topic}; generated from core/events/catalog.ts — do not edit)`,
      ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
    };
    files.set(`${def.type}.json`, `${JSON.stringify(doc, null, 2)}\n`);
  }
  return files;
}

export function driftedSchemas(dir = SCHEMAS_DIR): string[] {
  const expected = renderSchemas();
  let present: string[] = [];
  try {
    present = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    present = [];
  }
  const drift: string[] = [];
  for (const [name, content] of expected) {
    let actual: string | undefined;
    try {
      actual = readFileSync(path.join(dir, name), 'utf8');
    } catch {
      actual = undefined;
    }
    if (actual !== content) drift.push(name);
  }
  for (const name of present) if (!expected.has(name)) drift.push(`${name} (no such event type)`);
  return drift;
}

function main(): void {
  if (process.argv.includes('--check')) {
    const drift = driftedSchemas();
    if (drift.length) {
      console.error(`schemas/ is out of date: ${drift.join(', ')}\nrun: npm run gen:schemas`);
      process.exit(1);
    }
    console.log('schemas/ matches the catalog');
    return;
  }
  rmSync(SCHEMAS_DIR, { recursive: true, force: true });
  mkdirSync(SCHEMAS_DIR, { recursive: true });
  for (const [name, content] of renderSchemas()) writeFileSync(path.join(SCHEMAS_DIR, name), content);
  console.log(`wrote ${renderSchemas().size} schemas to schemas/`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
