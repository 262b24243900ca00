import { timingSafeEqual } from 'node:crypto';

import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { matchedRoutes } from 'hono/route';
import type { z } from 'zod';
import {
  ClientError,
  describeIssues,
  type FieldIssue,
  issuesFromZod,
  ValidationError,
} from '../../core/errors';
import { fromHttp } from '../../core/events/http-binding';
import { runWithContext } from '../../core/observability/context';
import { activeTraceHeaders, inServerSpan } from '../../core/observability/tracing';
import type { RouteDef, TaskwireFunction } from './define-function';
import type { Deps } from './deps';
import type { FunctionInstance } from './instance';
import { handleEvent, invocationContext } from './invoke';
import { allowedMethods, unmatchedResponse } from './methods';
import { buildOpenApi } from './openapi';
import { problem, problemFromError, problemResponse } from './problem';

const CORRELATION_RE = /^[\w.:@/-]{1,200}$/;
const JSON_CT_RE = /^application\/(?:[\w.+-]+\+)?json\b/i;

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** Past this much, an oversized body is cut off instead of read to the end. */
const DISCARD_LIMIT = 64 * 1024 * 1024;

/**
 * Reads and drops the rest of a refused body, so a client still sending it gets our 413 instead of
 * a reset connection (many clients only read the response after sending everything).
 */
async function discardBody(req: Request): Promise<void> {
  // The limit may have been hit while the body was being read: then it is someone else's stream.
  if (!req.body || req.bodyUsed || req.body.locked) return;
  const reader = req.body.getReader();

  let seen = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      seen += value.byteLength;
      if (seen > DISCARD_LIMIT) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // the client went away: nothing left to answer
  }
}

/**
 * Refuses bodies over `maxBytes` with a 413. A declared length is checked from the header alone, so
 * the body is later read straight from the socket (the Node adapter's fast path: no web Request or
 * stream per request); a chunked body of unknown length is counted as it streams in.
 */
function bodyLimitMiddleware(maxBytes: number) {
  const tooLarge = async (c: Context) => {
    await discardBody(c.req.raw);
    return problemResponse(
      c,
      problem(413, 'Payload too large', `request bodies are limited to ${maxBytes} bytes`, [
        { field: '(body)', message: 'too large' },
      ]),
    );
  };
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c: Context, next: () => Promise<void>) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(length) > maxBytes ? tooLarge(c) : next();
    }
    return streamed(c, next);
  };
}

function correlationMiddleware(deps: Deps) {
  return async (c: Context, next: () => Promise<void>) => {
    const given = c.req.header('x-correlation-id');
    const correlationId = given && CORRELATION_RE.test(given) ? given : deps.newId();
    c.header('x-correlation-id', correlationId);
    // A SERVER span when tracing is on: events created while serving carry its trace.
    await inServerSpan(
      c.req.raw,
      () =>
        runWithContext(
          {
            correlationId,
            ...(activeTraceHeaders() ?? {
              traceparent: c.req.header('traceparent'),
              tracestate: c.req.header('tracestate'),
            }),
          },
          next,
        ),
      () => {
        const route = safeRoutePath(c);
        return { status: c.res.status, route: route === 'unmatched' ? undefined : route };
      },
    );
  };
}

function metricsMiddleware(deps: Deps) {
  return async (c: Context, next: () => Promise<void>) => {
    const start = performance.now();
    await next();
    const route = safeRoutePath(c);
    const labels = { method: c.req.method, route };
    const status = String(c.res.status);
    deps.metrics.httpRequests.inc({ ...labels, status });
    if (c.res.status >= 400) deps.metrics.httpErrors.inc({ ...labels, status });
    deps.metrics.httpDuration.observe(labels, (performance.now() - start) / 1000);
  };
}

/** The route pattern that answered (not a middleware's `*`), so metrics stay low-cardinality. */
function safeRoutePath(c: Context): string {
  const routes = matchedRoutes(c).filter((r) => r.method !== 'ALL' && r.path !== '*' && r.path !== '/*');
  return routes.at(-1)?.path ?? 'unmatched';
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Bearer token on every /api request when AUTH_TOKEN is set (EventSource may pass `access_token`). */
function authMiddleware(token: string) {
  return async (c: Context, next: () => Promise<void>) => {
    const header = c.req.header('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : (c.req.query('access_token') ?? '');
    if (!given || !sameSecret(given, token)) {
      return problemResponse(c, problem(401, 'Unauthorized', 'send Authorization: Bearer <AUTH_TOKEN>'), {
        'www-authenticate': 'Bearer realm="taskwire"',
      });
    }
    await next();
  };
}

/**
 * The HTTP shell every deployable shares: correlation ids, metrics, body limit, auth, problem+json
 * errors, and the operational endpoints.
 */
export function createBaseApp(
  deps: Deps,
  opts: { functions: readonly TaskwireFunction[]; readiness: ReadinessCheck[]; version?: string },
): Hono {
  const app = new Hono();
  const started = Date.now();
  app.use('*', correlationMiddleware(deps));
  app.use('*', metricsMiddleware(deps));
  app.use('*', bodyLimitMiddleware(deps.env.MAX_BODY_BYTES));
  if (deps.env.AUTH_TOKEN) app.use('/api/*', authMiddleware(deps.env.AUTH_TOKEN));

  app.get('/health', (c) =>
    c.json({
      status: 'ok',
      service: 'taskwire',
      version: opts.version ?? '0.1.0',
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    }),
  );
  app.get('/live', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    const checks: Record<string, string> = {};
    let ready = true;
    await Promise.all(
      opts.readiness.map(async (r) => {
        try {
          await r.check();
          checks[r.name] = 'ok';
        } catch (err) {
          ready = false;
          checks[r.name] = `failing: ${(err as Error).message}`;
        }
      }),
    );
    return c.json({ status: ready ? 'ready' : 'not-ready', checks }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const body = await deps.metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': deps.metrics.registry.contentType });
  });
  let openapi: unknown;
  app.get('/api/openapi.json', (c) => {
    openapi ??= buildOpenApi(opts.functions);
    return c.json(openapi);
  });

  app.onError((err, c) => {
    const p = problemFromError(err);
    if (p.status >= 500) deps.log.error({ err, path: c.req.path }, 'unhandled error');
    return problemResponse(c, p);
  });
  app.notFound(unmatchedResponse(allowedMethods(opts.functions)));
  return app;
}

async function readBody(c: Context, schema: z.ZodType): Promise<unknown> {
  const text = await c.req.text();
  const contentType = c.req.header('content-type') ?? '';
  if (text.length === 0) {
    const empty = schema.safeParse(undefined);
    if (empty.success) return empty.data;
    throw new ValidationError('a JSON request body is required', [{ field: '(body)', message: 'required' }]);
  }
  if (!JSON_CT_RE.test(contentType)) {
    throw new ClientError(
      415,
      'Unsupported media type',
      `send the body as application/json (got ${contentType || 'no content type'})`,
      [{ field: 'content-type', message: 'expected application/json' }],
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`the body is not valid JSON: ${(err as Error).message}`, [
      { field: '(body)', message: 'malformed JSON' },
    ]);
  }
  return parseWith(schema, json, 'body');
}

function parseWith(schema: z.ZodType, value: unknown, where: 'body' | 'query' | 'params'): unknown {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const named = issuesFromZod(r.error).map((i) =>
    i.field === '(body)' && where !== 'body' ? { ...i, field: where } : i,
  );
  throw new ValidationError(named.map((i) => `${i.field}: ${i.message}`).join('; '), named);
}

/** Headers the route declares with a schema: one that is present must match it. */
function checkHeaders(r: RouteDef, header: (name: string) => string | undefined): void {
  const issues: FieldIssue[] = [];
  for (const [name, doc] of Object.entries(r.headers ?? {})) {
    if (typeof doc === 'string' || !doc.schema) continue;
    const value = header(name);
    if (value === undefined) continue;
    const parsed = doc.schema.safeParse(value);
    if (!parsed.success) issues.push(...issuesFromZod(parsed.error, name));
  }
  if (issues.length > 0) throw new ValidationError(describeIssues(issues), issues);
}

/** Registers a function's routes on an app: validation first, then the handler. */
export function mountRoutes(app: Hono, instance: FunctionInstance): void {
  for (const r of instance.fn.routes) mountRoute(app, instance, r);
}

function mountRoute(app: Hono, instance: FunctionInstance, r: RouteDef): void {
  app.on(r.method.toUpperCase(), r.path, async (c) => {
    checkHeaders(r, (name) => c.req.header(name));
    const params = r.params ? parseWith(r.params, c.req.param(), 'params') : undefined;
    const query = r.query ? parseWith(r.query, c.req.query(), 'query') : undefined;
    const body = r.body ? await readBody(c, r.body) : undefined;
    const result = await r.handler({
      ...invocationContext(instance),
      local: instance.local,
      body,
      query,
      params,
      header: (name) => c.req.header(name),
      request: c.req.raw,
      native: (c.env as { outgoing?: unknown } | undefined)?.outgoing,
    });
    if (result instanceof Response) return result;
    const headers = result.headers ?? {};
    if (result.body === undefined || result.status === 204)
      return c.body(null, result.status as 204, headers);
    return c.json(result.body as object, result.status as 200, headers);
  });
}

function lowerHeaders(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  req.headers.forEach((v, k) => {
    out[k.toLowerCase()] = v;
  });
  return out;
}

/**
 * The event endpoint a broker delivers to (Knative Trigger, the embedded bus, Kafka consumer):
 * `POST /` with a CloudEvent in binary or structured mode. 2xx acknowledges; a validation failure
 * is 400 (never retried); anything unexpected is 500 (retried, then dead-lettered).
 */
export function createReceiver(instance: FunctionInstance): Hono {
  const { fn, deps } = instance;
  const app = new Hono();
  if (fn.on.length > 0) {
    app.post('/', async (c) => {
      const raw = fromHttp(lowerHeaders(c.req.raw), await c.req.text());
      const outcome = await handleEvent(instance, raw);
      return c.json({ outcome });
    });
  }
  if (fn.tick) {
    const tick = fn.tick;
    app.post('/tick', async (c) => {
      const result = await tick.run({
        ...invocationContext(instance),
        local: instance.local,
        now: deps.clock.now(),
        signal: c.req.raw.signal,
      });
      return c.json({ ok: true, result: result ?? null });
    });
  }
  app.onError((err, c) => {
    const p = problemFromError(err);
    if (p.status >= 500) deps.log.error({ err, fn: fn.id }, 'event handler failed');
    else deps.log.warn({ fn: fn.id, detail: p.detail }, 'event rejected');
    return problemResponse(c, p);
  });
  return app;
}

/** One function as a standalone Hono app: what runs as its own Knative Service or process. */
export function createFunctionApp(instance: FunctionInstance, readiness: ReadinessCheck[]): Hono {
  const app = createBaseApp(instance.deps, { functions: [instance.fn], readiness });
  mountRoutes(app, instance);
  app.route('/', createReceiver(instance));
  return app;
}
