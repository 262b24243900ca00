/**
 * The cluster's public entry: one host for the web app and the whole /api, proxying each route to
 * the function that declares it (by method and path, as declared in FUNCTIONS), so every function
 * can stay its own Knative Service. `GATEWAY_UPSTREAM=http://{id}.taskwire.svc.cluster.local`.
 * Request and response bodies stream through (Server-Sent Events included).
 */

import path from 'node:path';
import { serve } from '@hono/node-server';

import { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import {
  ConfigError,
  type Environment,
  type GatewayEnv,
  parseGatewayEnv,
  processEnvironment,
} from '../core/config/env';
import { inClientSpan, inServerSpan, startTracing } from '../core/observability/tracing';
import { FUNCTIONS } from '../functions';
import type { TaskwireFunction } from '../functions/_runtime/define-function';
import { allowedMethods, unmatchedResponse } from '../functions/_runtime/methods';
import { buildOpenApi } from '../functions/_runtime/openapi';
import { mountWeb } from './web';

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
  /**
   * Base URL of a function's service, e.g. `(id) => \`http://${id}.taskwire.svc.cluster.local\``; several
   * (replicas of one function) take the requests in turn, and the answer names the replica that
   * served it in `x-taskwire-replica` (1-based).
   */
  upstream: (id: string) => string | readonly string[];
  /** The built web app (index.html, assets/); served when present. */
  webDir?: string;
}

export function createGateway(opts: GatewayOptions): Hono {
  const app = new Hono();
  app.use('*', async (c, next) => {
    await inServerSpan(c.req.raw, next, () => {
      const route = matchedRoutes(c)
        .filter((r) => r.method !== 'ALL' && r.path !== '*')
        .at(-1)?.path;
      return { status: c.res.status, route };
    });
  });
  app.get('/health', (c) => c.json({ status: 'ok', service: 'taskwire-gateway' }));
  app.get('/live', (c) => c.json({ status: 'ok' }));
  app.get('/ready', (c) => c.json({ status: 'ready', checks: {} }));
  let openapi: unknown;
  app.get('/api/openapi.json', (c) => {
    openapi ??= buildOpenApi(opts.functions);
    return c.json(openapi);
  });
  for (const fn of opts.functions) {
    const bases = [opts.upstream(fn.id)].flat();
    if (bases.length === 0) throw new Error(`no upstream for ${fn.id}`);
    let turn = 0;
    for (const r of fn.routes) {
      app.on(r.method.toUpperCase(), r.path, async (c) => {
        const i = turn++ % bases.length;
        const res = await proxy(c.req.raw, bases[i]!, fn.id);
        if (bases.length > 1) res.headers.set('x-taskwire-replica', String(i + 1));
        return res;
      });
    }
  }
  if (opts.webDir) mountWeb(app, opts.webDir);
  app.notFound(unmatchedResponse(allowedMethods(opts.functions)));
  return app;
}

async function proxy(req: Request, base: string, id: string): Promise<Response> {
  const url = new URL(req.url);
  const headers = new Headers(req.headers);
  for (const h of HOP_BY_HOP) headers.delete(h);
  headers.set('x-forwarded-host', url.host);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const target = `${base.replace(/\/+$/, '')}${url.pathname}${url.search}`;
  try {
    // With tracing on, the function's server span is a child of this client span.
    const res = await inClientSpan(
      `${req.method} ${id}`,
      { 'http.request.method': req.method, 'url.full': target, 'taskwire.function': id },
      (trace) => {
        for (const [k, v] of Object.entries(trace)) headers.set(k, v);
        return fetch(target, {
          method: req.method,
          headers,
          body: hasBody ? req.body : undefined,
          redirect: 'manual',
          ...(hasBody ? { duplex: 'half' } : {}),
        } as RequestInit);
      },
      (r) => r.status,
    );
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

/** Runs the gateway as a process (the `gateway` bundle's entry). */
export async function startGateway(source: Environment = processEnvironment()): Promise<void> {
  let env: GatewayEnv;
  try {
    env = parseGatewayEnv(source);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
  let supervisorGone = (): void => process.exit(0);
  if (process.channel) {
    // Started by a supervisor through an IPC channel: its end ends this process too.
    process.once('disconnect', () => supervisorGone());
    process.channel.unref();
  }
  const tracing = await startTracing('taskwire-gateway', source);
  const app = createGateway({
    functions: FUNCTIONS,
    upstream: (id) => env.GATEWAY_UPSTREAMS.get(id) ?? env.GATEWAY_UPSTREAM.replace('{id}', id),
    webDir: env.WEB_DIR ?? path.join(process.cwd(), 'web', 'dist'),
  });
  const server = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT });
  console.log(
    JSON.stringify({
      level: 30,
      time: Date.now(),
      msg: `gateway listening on ${env.HOST}:${env.PORT}`,
      upstream: env.GATEWAY_UPSTREAM,
      ...(env.GATEWAY_UPSTREAMS.size > 0 ? { upstreams: Object.fromEntries(env.GATEWAY_UPSTREAMS) } : {}),
      tracing: tracing.exporting ? 'exporting' : tracing.enabled ? 'on' : 'off',
    }),
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => void tracing.shutdown().finally(() => process.exit(0)));
    // Open event streams never end on their own: after a grace period they are cut.
    const conns = server as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
    conns.closeIdleConnections?.();
    setTimeout(() => conns.closeAllConnections?.(), 3000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  supervisorGone = stop;
}
