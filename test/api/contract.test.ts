/**
 * The OpenAPI document is the contract: for every free-form request value, the document accepts a
 * value exactly when the server's zod schema does. Schemathesis (scripts/schemathesis.sh) checks the
 * running server; this test keeps each class of mismatch it found from coming back unnoticed:
 * blank titles and messages, U+0000, lengths in code points, unparseable cursors, any string as a
 * time zone, lists in query strings, If-Match, email addresses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { Tag } from '../../core/domain/task';
import type { RouteDef } from '../../functions/_runtime/define-function';
import { buildOpenApi } from '../../functions/_runtime/openapi';
import { FUNCTIONS } from '../../functions/index';

type Schema = Record<string, unknown>;

const doc = buildOpenApi(FUNCTIONS) as { paths: Record<string, Record<string, Schema>> };

function codePoints(s: string): number {
  return [...s].length;
}

/** JSON Schema's verdict on a string, for the keywords our request strings use. */
function docAccepts(schema: Schema, value: string): boolean {
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).some((s) => docAccepts(s, value));
  if (Array.isArray(schema.allOf) && !(schema.allOf as Schema[]).every((s) => docAccepts(s, value)))
    return false;
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).includes(value);
  if (schema.type === 'integer') {
    if (!/^-?\d+$/.test(value) || /^-?0\d/.test(value)) return false;
    const n = Number(value);
    if (typeof schema.minimum === 'number' && n < schema.minimum) return false;
    if (typeof schema.exclusiveMinimum === 'number' && n <= schema.exclusiveMinimum) return false;
    if (typeof schema.maximum === 'number' && n > schema.maximum) return false;
    return true;
  }
  if (schema.type !== undefined && schema.type !== 'string') return false;
  if (typeof schema.minLength === 'number' && codePoints(value) < schema.minLength) return false;
  if (typeof schema.maxLength === 'number' && codePoints(value) > schema.maxLength) return false;
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) return false;
  return true;
}

function routeOf(method: string, path: string): RouteDef {
  const r = FUNCTIONS.flatMap((fn) => fn.routes).find((x) => x.method === method && x.path === path);
  if (!r) throw new Error(`no route ${method} ${path}`);
  return r;
}

function operation(method: string, path: string): Schema {
  return doc.paths[path.replace(/:(\w+)/g, '{$1}')]![method]!;
}

function shapeOf(schema: z.ZodType | undefined): Record<string, z.ZodType> {
  return (schema as unknown as { shape: Record<string, z.ZodType> }).shape;
}

interface Field {
  name: string;
  server: (value: string) => boolean;
  document: Schema;
}

/** `item`: the field is an array; compare its items with this schema (what the array pipes through). */
function bodyField(method: string, path: string, name: string, item?: z.ZodType): Field {
  const props = (
    (operation(method, path).requestBody as Schema).content as Record<string, { schema: Schema }>
  )['application/json']!.schema.properties as Record<string, Schema>;
  let document = props[name]!;
  let server = shapeOf(routeOf(method, path).body)[name]!;
  if (item) {
    document = ((document.anyOf as Schema[] | undefined)?.[0] ?? document).items as Schema;
    server = item;
  }
  return { name: `${method.toUpperCase()} ${path} ${name}${item ? '[]' : ''}`, document, server: ok(server) };
}

function queryField(method: string, path: string, name: string): Field {
  const params = operation(method, path).parameters as { name: string; schema: Schema }[];
  const document = params.find((p) => p.name === name)!.schema;
  const server = shapeOf(routeOf(method, path).query)[name]!;
  return { name: `${method.toUpperCase()} ${path} ?${name}`, document, server: ok(server) };
}

function headerField(method: string, path: string, name: string): Field {
  const params = operation(method, path).parameters as { name: string; in: string; schema: Schema }[];
  const document = params.find((p) => p.in === 'header' && p.name === name)!.schema;
  const header = routeOf(method, path).headers?.[name];
  if (!header || typeof header === 'string' || !header.schema) throw new Error(`${name} has no schema`);
  return { name: `${method.toUpperCase()} ${path} ${name}:`, document, server: ok(header.schema) };
}

function ok(schema: z.ZodType): (value: string) => boolean {
  return (value) => schema.safeParse(value).success;
}

const FIELDS: Field[] = [
  bodyField('post', '/api/tasks', 'title'),
  bodyField('post', '/api/tasks', 'description'),
  bodyField('post', '/api/tasks', 'due'),
  bodyField('post', '/api/tasks', 'timezone'),
  bodyField('post', '/api/tasks', 'tags', Tag),
  bodyField('patch', '/api/tasks/:id', 'title'),
  bodyField('patch', '/api/series/:id', 'title'),
  bodyField('post', '/api/chat', 'message'),
  bodyField('put', '/api/settings', 'timezone'),
  bodyField('put', '/api/settings', 'email'),
  queryField('get', '/api/tasks', 'priority'),
  queryField('get', '/api/tasks', 'tag'),
  queryField('get', '/api/tasks', 'q'),
  queryField('get', '/api/tasks', 'cursor'),
  queryField('get', '/api/tasks', 'limit'),
  queryField('get', '/api/tasks', 'dueBefore'),
  queryField('get', '/api/trash', 'cursor'),
  queryField('get', '/api/audit', 'type'),
  queryField('get', '/api/audit', 'entityId'),
  queryField('get', '/api/audit', 'before'),
  queryField('get', '/api/dead-letters', 'before'),
  headerField('patch', '/api/tasks/:id', 'If-Match'),
  headerField('patch', '/api/series/:id', 'If-Match'),
];

/** Values each class of mismatch turned on. */
const EDGES = [
  '',
  ' ',
  'a',
  ' a ',
  '\u0000',
  'a\u0000b',
  '\ufeff',
  '\u0085',
  '\u3000x\u3000',
  'x'.repeat(50),
  'x'.repeat(51),
  'x'.repeat(200),
  'x'.repeat(201),
  'x'.repeat(500),
  'x'.repeat(501),
  '😀'.repeat(50),
  '😀'.repeat(300),
  '😀'.repeat(501),
  ' x'.repeat(250),
  'İx',
  'xİ',
  '#Work',
  '##a b',
  '# a',
  'a#b',
  'Ärger.v2',
  '2030-01-02T17:00',
  '2030-01-02',
  '2030-02-29T17:00',
  '2032-02-29T17:00Z',
  '1970-01-01T00:00Z',
  '1971-01-01T00:00+23:59',
  '9998-12-31T23:59:59.999999999-23:59',
  '9999-12-31T23:59Z',
  '2030-01-02T17:00:60Z',
  '2030-01-02T24:00',
  '2030-01-02t17:00z',
  '2030-01-02T17:00:00.000Z',
  'Europe/Berlin',
  'europe/berlin',
  'Asia/Kolkata',
  'US/Eastern',
  'UTC',
  'Mars/Olympus',
  'o0',
  'o50',
  'o050',
  'o1e3',
  '50',
  'eyJvIjo1MH0',
  'high',
  'high,low',
  'high, low',
  'high,,low',
  'high,',
  'work,home',
  'Work,#home',
  '1',
  '0',
  '01',
  '200',
  '201',
  ' 5',
  '1e2',
  '0x10',
  '-1',
  '3',
  '"3"',
  'W/"3"',
  '*',
  ' "3" ',
  'abc',
  'a@b.co',
  'a@b',
  'first.last+tag@example.org',
];

const CHARS = [
  'a',
  'Z',
  '0',
  '9',
  ' ',
  '\t',
  '\n',
  '\u00a0',
  '\u0085',
  '\ufeff',
  '\u2028',
  '\u0000',
  '#',
  ',',
  '-',
  '.',
  '_',
  '@',
  '/',
  '"',
  'İ',
  'ß',
  'Σ',
  '😀',
  '٣',
  'T',
  ':',
  'Z',
  'o',
];

describe('the OpenAPI document states exactly what the server accepts', () => {
  it.each(FIELDS.map((f) => [f.name, f] as const))('%s: edge values', (_name, field) => {
    const disagreements = EDGES.filter((v) => docAccepts(field.document, v) !== field.server(v));
    expect(disagreements.map((v) => JSON.stringify(v).slice(0, 60))).toEqual([]);
  });

  it.each(FIELDS.map((f) => [f.name, f] as const))('%s: generated values', (_name, field) => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.array(fc.constantFrom(...CHARS), { maxLength: 24 }).map((cs) => cs.join('')),
    );
    fc.assert(
      fc.property(text, (v) => docAccepts(field.document, v) === field.server(v)),
      { numRuns: 300, seed: 42 },
    );
  });

  it('names the rules a reader needs: a title is required text, a time zone one of a list', () => {
    const title = bodyField('post', '/api/tasks', 'title').document;
    expect(title).toMatchObject({ type: 'string', minLength: 1, maxLength: 500 });
    const zone = bodyField('post', '/api/tasks', 'timezone').document;
    expect(zone.enum).toEqual(expect.arrayContaining(['Europe/Berlin', 'America/New_York', 'UTC']));
    expect(zone.enum).not.toContain('Mars/Olympus');
    expect(queryField('get', '/api/tasks', 'cursor').document.pattern).toBeTypeOf('string');
    expect(bodyField('put', '/api/settings', 'email').document).not.toHaveProperty('anyOf.0.format');
  });
});
