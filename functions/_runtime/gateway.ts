/**
 * The cluster's public entry: one host for the web app and the whole /api, proxying each route to
 * the function that declares it (by method and path, as declared in FUNCTIONS), so every function
 * can stay its own Knative Service. `GATEWAY_UPSTREAM=http://{id}.taskwire.svc.cluster.local`.
 * Request and response bodies stream through (Server-Sent Events included).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { z } from 'zod';
import { FUNCTIONS } from '../index';
import type { TaskwireFunction } from './define-function';
import { buildOpenApi } from './openapi';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
];

export interface GatewayOptions {
  functions: readonly TaskwireFunction[];
  /** Base URL of a function's service, e.g. `(id) => \`http://${id}.taskwire.svc.cluster.local\``. */
  upstream: (id: string) => string;
  /** The built web app (index.html, assets/); served when present. */
  webDir?: string;
}

export function createGateway(opts: GatewayOptions): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok', service: 'taskwire-gateway' }));
  app.get('/live', (c) => c.json({ status: 'ok' }));
  app.get('/ready', (c) => c.json({ status: 'ready', checks: {} }));
  let openapi: unknown;
  app.get('/api/openapi.json', (c) => {
    openapi ??= buildOpenApi(opts.functions);
    return c.json(openapi);
  });
  for (const fn of opts.functions) {
    for (const r of fn.routes) {
      app.on(r.method.toUpperCase(), r.path, (c) => proxy(c.req.raw, opts.upstream(fn.id)));
    }
  }
  if (opts.webDir && existsSync(path.join(opts.webDir, 'index.html'))) {
    const root = path.relative(process.cwd(), opts.webDir) || '.';
    const html = readFileSync(path.join(opts.webDir, 'index.html'), 'utf8');
    app.use('/assets/*', serveStatic({ root }));
    app.get('/favicon.svg', serveStatic({ root }));
    app.get('*', (c, next) => (c.req.path.startsWith('/api/') ? next() : c.html(html)));
  }
  app.notFound((c) =>
    c.json(
      {
        type: '/problems/not-found',
        title: 'Not found',
        status: 404,
        detail: `no route for ${c.req.method} ${c.req.path}`,
      },
      404,
      {
        'content-type': 'application/problem+json',
      },
    ),
  );
  return app;
}

async function proxy(req: Request, base: string): Promise<Response> {
  const url = new URL(req.url);
  const headers = new Headers(req.headers);
  for (const h of HOP_BY_HOP) headers.delete(h);
  headers.set('x-forwarded-host', url.host);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  try {
    const res = await fetch(`${base.replace(/\/+$/, '')}${url.pathname}${url.search}`, {
      method: req.method,
      headers,
      body: hasBody ? req.body : undefined,
      redirect: 'manual',
      ...(hasBody ? { duplex: 'half' } : {}),
    } as RequestInit);
    const out = new Headers(res.headers);
    for (const h of HOP_BY_HOP) out.delete(h);
    return new Response(res.body, { status: res.status, headers: out });
  } catch (err) {
    return new Response(
      JSON.stringify({
        type: '/problems/unavailable',
        title: 'Unavailable',
        status: 502,
        detail: `upstream failed: ${(err as Error).message}`,
      }),
      { status: 502, headers: { 'content-type': 'application/problem+json' } },
    );
  }
}

const GatewayEnv = z.object({
  GATEWAY_UPSTREAM: z
    .string()
    .regex(/\{id\}/, 'must contain {id}, e.g. http://{id}.taskwire.svc.cluster.local')
    .default('http://{id}.taskwire.svc.cluster.local'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  WEB_DIR: z
    .string()
    .min(1)
    .default(path.join(process.cwd(), 'web', 'dist')),
});

/** Runs the gateway as a process (the `gateway` bundle's entry). */
export function startGateway(source: Record<string, string | undefined> = process.env): void {
  const parsed = GatewayEnv.safeParse(source);
  if (!parsed.success) {
    console.error(
      `Invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
    process.exit(2);
  }
  const env = parsed.data;
  const app = createGateway({
    functions: FUNCTIONS,
    upstream: (id) => env.GATEWAY_UPSTREAM.replace('{id}', id),
    webDir: env.WEB_DIR,
  });
  const server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT });
  console.log(
    JSON.stringify({
      level: 30,
      time: Date.now(),
      msg: `gateway listening on ${env.HOST}:${env.PORT}`,
      upstream: env.GATEWAY_UPSTREAM,
    }),
  );
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
