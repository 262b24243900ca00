import type { Context } from 'hono';
import { z } from 'zod';
import { ClientError, type FieldIssue } from '../../core/errors';
import { currentContext } from '../../core/observability/context';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const FieldIssueSchema = z.object({ field: z.string(), message: z.string() });

/** RFC 9457 problem details, as the OpenAPI document and the web's types show them. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  correlationId: z.string().optional(),
  errors: z.array(FieldIssueSchema).optional(),
});

/** RFC 9457 problem details. `errors` names each offending field. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldIssue[];
  correlationId?: string;
}

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'validation-error',
  401: 'unauthorized',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  500: 'internal-error',
  503: 'unavailable',
};

export function problem(status: number, title: string, detail: string, errors?: FieldIssue[]): Problem {
  const slug = TYPE_BY_STATUS[status];
  const p: Problem = { type: slug ? `/problems/${slug}` : 'about:blank', title, status, detail };
  if (errors && errors.length > 0) p.errors = errors;
  const ctx = currentContext();
  if (ctx) p.correlationId = ctx.correlationId;
  return p;
}

export function problemResponse(
  c: Context | undefined,
  p: Problem,
  headers: Record<string, string> = {},
): Response {
  if (c) p.instance = new URL(c.req.url).pathname;
  return new Response(JSON.stringify(p), {
    status: p.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  });
}

/** Maps any thrown value to a problem: client errors keep their status and fields, the rest is a 500 without internals. */
export function problemFromError(err: unknown): Problem {
  if (err instanceof ClientError) return problem(err.status, err.title, err.message, err.issues);
  return problem(
    500,
    'Internal error',
    'Something went wrong on our side; it has been logged. Please try again.',
  );
}
