import { z } from 'zod';
import { CATALOG } from '../../core/events/catalog';
import type { LinkDoc, RouteDef, TaskwireFunction } from './define-function';
import { ProblemSchema } from './problem';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  delete out.$schema;
  return out;
}

function operationIdOf(fn: TaskwireFunction, r: RouteDef): string {
  return `${fn.id}.${r.method}.${r.path}`;
}

function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][\w]*)/g, '{$1}');
}

function parametersOf(r: RouteDef): unknown[] {
  const params: unknown[] = [];
  for (const [where, schema] of [
    ['path', r.params],
    ['query', r.query],
  ] as const) {
    if (!schema) continue;
    const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, prop] of Object.entries(js.properties ?? {})) {
      params.push({
        name,
        in: where,
        required: where === 'path' || (js.required ?? []).includes(name),
        schema: prop,
      });
    }
  }
  for (const [name, doc] of Object.entries(r.headers ?? {})) {
    const { description, schema } = typeof doc === 'string' ? { description: doc, schema: undefined } : doc;
    params.push({
      name,
      in: 'header',
      required: false,
      description,
      schema: schema ? jsonSchema(schema, 'input') : { type: 'string' },
    });
  }
  return params;
}

/** An OpenAPI 3.1 document built from the routes' zod schemas: the contract and the docs cannot drift. */
export function buildOpenApi(functions: readonly TaskwireFunction[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const operationIds = new Map<string, string>();
  for (const fn of functions) {
    for (const r of fn.routes) operationIds.set(`${r.method} ${r.path}`, operationIdOf(fn, r));
  }
  /** Links to routes this document holds (a single function's document leaves the others out). */
  const linksOf = (links: Record<string, LinkDoc> | undefined) => {
    const out: Record<string, unknown> = {};
    for (const [name, link] of Object.entries(links ?? {})) {
      const operationId = operationIds.get(`${link.method} ${link.path}`);
      if (operationId) out[name] = { operationId, parameters: link.parameters };
    }
    return Object.keys(out).length > 0 ? { links: out } : {};
  };
  for (const fn of functions) {
    for (const r of fn.routes) {
      const path = openApiPath(r.path);
      const op: Record<string, unknown> = {
        operationId: operationIdOf(fn, r),
        summary: r.summary,
        tags: r.tags ?? [fn.id],
        'x-function': fn.id,
        parameters: parametersOf(r),
        responses: Object.fromEntries(
          Object.entries(r.responses).map(([status, doc]) => [
            status,
            {
              description: doc.description,
              ...(doc.schema
                ? {
                    content: {
                      [doc.contentType ?? 'application/json']: { schema: jsonSchema(doc.schema, 'output') },
                    },
                  }
                : {}),
              ...linksOf(doc.links),
            },
          ]),
        ),
      };
      if (r.description) op.description = r.description;
      if (r.body) {
        op.requestBody = {
          required: true,
          content: { 'application/json': { schema: jsonSchema(r.body, 'input') } },
        };
      }
      const responses = op.responses as Record<string, unknown>;
      responses.default = {
        description: 'Problem (RFC 9457)',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      };
      paths[path] = { ...(paths[path] ?? {}), [r.method]: op };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Taskwire API',
      version: '0.1.0',
      description: 'Tasks, reminders and chat. Errors are RFC 9457 problem+json documents naming the field.',
    },
    paths,
    components: {
      schemas: { Problem: jsonSchema(ProblemSchema, 'output') },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    'x-events': CATALOG.map((d) => ({
      type: d.type,
      topic: d.topic,
      description: d.description,
      dataschema: d.dataschema,
    })),
  };
}
