/**
 * Writes web/src/api/schema.gen.ts: the web app's API types, generated from the zod schemas the
 * routes validate with and document (the OpenAPI document's source), plus the live stream's
 * updates, which the document cannot describe. The web imports these and no server code.
 *
 * `node --import tsx scripts/gen-web-types.ts` rewrites the file; `--check` fails when it drifted.
 *
 * Why our own emitter: zod 4's toJSONSchema with a registry already gives named `$defs` and `$ref`s;
 * what is left is printing the small JSON Schema subset zod emits as TypeScript. openapi-typescript
 * names everything `components['schemas'][...]` and leaves request and response bodies inline in
 * `paths`; json-schema-to-typescript numbers clashing titles (`Task1`) and pulls in prettier. Neither
 * would see the stream's updates, which are no route's response.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AuditEntry } from '../core/audit/repository';
import { OperationRecord } from '../core/chat/agent';
import { ChatMessage } from '../core/chat/conversation';
import { Frequency, RecurrenceMode, RecurrenceRule, Weekday } from '../core/domain/recurrence-rule';
import { Priority, ReminderChannel, ReminderSpec, TaskStatus, TaskView } from '../core/domain/task';
import { NotificationKind, NotificationView } from '../core/notifications/view';
import { SettingsView } from '../core/settings/settings';
import { Update } from '../core/stream/updates';
import type { RouteDef } from '../functions/_runtime/define-function';
import { FieldIssueSchema, ProblemSchema } from '../functions/_runtime/problem';
import { FUNCTIONS } from '../functions/index';

export const WEB_TYPES_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'web/src/api/schema.gen.ts',
);

/** Schemas that get a name wherever they occur (`$ref`), instead of being spelled out inline. */
const SHARED: [string, z.ZodType][] = [
  ['Priority', Priority],
  ['TaskStatus', TaskStatus],
  ['ReminderChannel', ReminderChannel],
  ['Frequency', Frequency],
  ['Weekday', Weekday],
  ['RecurrenceMode', RecurrenceMode],
  ['Reminder', ReminderSpec],
  ['Recurrence', RecurrenceRule],
  ['Task', TaskView],
  ['Settings', SettingsView],
  ['AuditEntry', AuditEntry],
  ['ChatOperation', OperationRecord],
  ['ConversationMessage', ChatMessage],
  ['NotificationKind', NotificationKind],
  ['AppNotification', NotificationView],
  ['FieldError', FieldIssueSchema],
];

function routeOf(method: string, routePath: string): RouteDef {
  const found = FUNCTIONS.flatMap((fn) => fn.routes).find((r) => r.method === method && r.path === routePath);
  if (!found) throw new Error(`no route ${method.toUpperCase()} ${routePath}`);
  return found;
}

type Source = { schema: z.ZodType; io: 'input' | 'output'; doc?: string };

function body(method: string, routePath: string): Source {
  const schema = routeOf(method, routePath).body;
  if (!schema) throw new Error(`${method.toUpperCase()} ${routePath} takes no body`);
  return { schema, io: 'input', doc: `Body of ${method.toUpperCase()} ${routePath}.` };
}

function query(method: string, routePath: string): Source {
  const schema = routeOf(method, routePath).query;
  if (!schema) throw new Error(`${method.toUpperCase()} ${routePath} takes no query`);
  return { schema, io: 'input', doc: `Query of ${method.toUpperCase()} ${routePath}, as sent.` };
}

function response(method: string, routePath: string, status: number): Source {
  const schema = routeOf(method, routePath).responses[status]?.schema;
  if (!schema) throw new Error(`${method.toUpperCase()} ${routePath} documents no ${status} body`);
  return { schema, io: 'output', doc: `${status} response of ${method.toUpperCase()} ${routePath}.` };
}

/** The named types besides SHARED: what a request sends or a response returns. */
const NAMED: [string, Source][] = [
  ['TaskInput', body('post', '/api/tasks')],
  ['TaskPatch', body('patch', '/api/tasks/:id')],
  ['SeriesPatch', body('patch', '/api/series/:id')],
  ['TaskListQuery', query('get', '/api/tasks')],
  ['TaskPage', response('get', '/api/tasks', 200)],
  ['SettingsInput', body('put', '/api/settings')],
  ['TimeZoneList', response('get', '/api/time-zones', 200)],
  ['AuditPage', response('get', '/api/audit', 200)],
  ['ChatRequest', body('post', '/api/chat')],
  ['ChatReply', response('post', '/api/chat', 200)],
  ['Conversation', response('get', '/api/conversations/:id', 200)],
  ['NotificationList', response('get', '/api/notifications', 200)],
  ['Update', { schema: Update, io: 'output', doc: 'One entry of an `update` event of GET /api/stream.' }],
  ['Problem', { schema: ProblemSchema, io: 'output', doc: 'An RFC 9457 problem: every 4xx and 5xx body.' }],
];

type Json = Record<string, unknown>;

/** Enums longer than this print as `string` (the time zones: their list is served, not compiled in). */
const MAX_ENUM = 40;

class Printer {
  /** name → printed declaration, and for input-side variants of shared types, the name used. */
  readonly declarations = new Map<string, string>();
  private readonly outputShapes = new Map<string, string>();

  constructor(private readonly registry: z.core.$ZodRegistry<{ id: string }>) {}

  add(name: string, source: Source): void {
    const json = z.toJSONSchema(source.schema, {
      metadata: this.registry,
      io: source.io,
      unrepresentable: 'any',
      target: 'draft-2020-12',
    }) as Json;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    const refName = (id: string) => this.defName(id, defs[id] ?? {}, source.io, defs);
    if (typeof json.$ref === 'string') {
      const target = refName(json.$ref.replace('#/$defs/', ''));
      if (target !== name)
        this.declarations.set(name, `${jsDoc(source.doc, '')}export type ${name} = ${target};\n`);
      return;
    }
    this.declare(name, json, refName, source.doc);
  }

  private defName(id: string, def: Json, io: 'input' | 'output', defs: Record<string, Json>): string {
    const shape = JSON.stringify(def);
    const known = this.outputShapes.get(id);
    if (io === 'output' || known === undefined || known === shape) {
      if (!this.declarations.has(id)) {
        if (io === 'output') this.outputShapes.set(id, shape);
        this.declare(id, def, (inner) => this.defName(inner, defs[inner] ?? {}, io, defs));
      }
      return id;
    }
    const name = `${id}Input`;
    if (!this.declarations.has(name)) {
      this.declare(name, def, (inner) => this.defName(inner, defs[inner] ?? {}, io, defs), `${id}, as sent.`);
    }
    return name;
  }

  private declare(name: string, schema: Json, ref: (id: string) => string, doc?: string): void {
    this.declarations.set(name, ''); // reserve: recursive references stop here
    const comment = jsDoc(doc ?? (schema.description as string | undefined), '');
    const isObject = schema.type === 'object' && schema.properties !== undefined;
    const text = isObject
      ? `${comment}export interface ${name} ${this.type(schema, ref, '')}\n`
      : `${comment}export type ${name} = ${this.type(schema, ref, '')};\n`;
    this.declarations.set(name, text);
  }

  type(s: Json, ref: (id: string) => string, indent: string): string {
    if (typeof s.$ref === 'string') return ref(s.$ref.replace('#/$defs/', ''));
    const union = (s.anyOf ?? s.oneOf) as Json[] | undefined;
    if (union) return unionOf(union.map((x) => this.type(x, ref, indent)));
    if ('const' in s) return literal(s.const);
    if (Array.isArray(s.enum)) return s.enum.length > MAX_ENUM ? 'string' : unionOf(s.enum.map(literal));
    if (Array.isArray(s.type)) return unionOf(s.type.map((t) => this.type({ ...s, type: t }, ref, indent)));
    switch (s.type) {
      case 'string':
        return 'string';
      case 'number':
      case 'integer':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'null':
        return 'null';
      case 'array': {
        const item = this.type((s.items ?? {}) as Json, ref, indent);
        return /[|&]/.test(item) ? `(${item})[]` : `${item}[]`;
      }
      case 'object':
        return this.object(s, ref, indent);
      default:
        return 'unknown';
    }
  }

  private object(s: Json, ref: (id: string) => string, indent: string): string {
    const props = (s.properties ?? {}) as Record<string, Json>;
    const required = new Set((s.required ?? []) as string[]);
    const extra = s.additionalProperties;
    if (Object.keys(props).length === 0) {
      if (extra && typeof extra === 'object')
        return `Record<string, ${this.type(extra as Json, ref, indent)}>`;
      return 'Record<string, unknown>';
    }
    const inner = `${indent}  `;
    const lines = Object.entries(props).map(([key, prop]) => {
      const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
      const optional = required.has(key) ? '' : '?';
      return `${jsDoc(prop.description as string | undefined, inner)}${inner}${name}${optional}: ${this.type(prop, ref, inner)};`;
    });
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
}

function literal(value: unknown): string {
  return typeof value === 'string'
    ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
    : JSON.stringify(value);
}

function unionOf(members: string[]): string {
  return [...new Set(members)].join(' | ');
}

function jsDoc(text: string | undefined, indent: string): string {
  return text ? `${indent}/** ${text.replace(/\*\//g, '*\\/')} */\n` : '';
}

/** The generated file's text. */
export function renderWebTypes(): string {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of SHARED) registry.add(schema, { id });
  const printer = new Printer(registry);
  for (const [name, schema] of SHARED) printer.add(name, { schema, io: 'output' });
  for (const [name, source] of NAMED) printer.add(name, source);
  const body = [...printer.declarations.values()].join('\n');
  return (
    "// Generated by scripts/gen-web-types.ts from the API's zod schemas — do not edit.\n" +
    '// Run `npm run gen:web-types` after changing a schema; a test fails when this file drifts.\n\n' +
    body
  );
}

export function webTypesDrifted(): boolean {
  let actual = '';
  try {
    actual = readFileSync(WEB_TYPES_FILE, 'utf8');
  } catch {
    actual = '';
  }
  return actual !== renderWebTypes();
}

function main(): void {
  if (process.argv.includes('--check')) {
    if (webTypesDrifted()) {
      console.error('web/src/api/schema.gen.ts is out of date\nrun: npm run gen:web-types');
      process.exit(1);
    }
    console.log('web/src/api/schema.gen.ts is up to date');
    return;
  }
  writeFileSync(WEB_TYPES_FILE, renderWebTypes());
  console.log(`wrote ${path.relative(process.cwd(), WEB_TYPES_FILE)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
