/**
 * The public entry of the scale-out runtimes: one host for the web app and the whole /api, proxying
 * each route to the function that declares it (by method and path, as declared in FUNCTIONS), so
 * every function can stay its own process or Knative Service.
 * `GATEWAY_UPSTREAM=http://{id}.taskwire.svc.cluster.local`, and `GATEWAY_UPSTREAMS` for functions at
 * addresses of their own (what the multi-process supervisor sets).
 *
 * Proxied requests go straight from socket to socket (node:http, keep-alive connections to every
 * upstream): bodies stream through both ways, Server-Sent Events included, and nothing is parsed
 * but the request line. The gateway's own routes (probes, the OpenAPI document, the web app) are a
 * Hono app behind that.
 */
import http from 'node:http';
import path from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';
import {
  ConfigError,
  type Environment,
  type GatewayEnv,
  parseGatewayEnv,
  processEnvironment,
} from '../core/config/env';
import { inClientSpan, inServerSpan, startTracing, tracingEnabled } from '../core/observability/tracing';
import { FUNCTIONS } from '../functions';
import type { TaskwireFunction } from '../functions/_runtime/define-function';
import { allowedMethods, unmatchedResponse } from '../functions/_runtime/methods';
import { buildOpenApi } from '../functions/_runtime/openapi';
import { addAcceptors } from './acceptors';
import { listen } from './bound-socket';
import { mountWeb } from './web';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded; neither is `host` (the upstream's own). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
]);

export interface GatewayOptions {
  functions: readonly TaskwireFunction[];
  /**
   * Base URL of a function's service, e.g. `(id) => \`http://${id}.taskwire.svc.cluster.local\``; several
   * (replicas of one function) take the requests in turn, and the answer names the replica that
   * served it in `x-taskwire-replica` (1-based).
   */
  upstream: (id: string) => string | readonly string[];
  /**
   * Functions whose every upstream must answer its own `/ready` with 200 before the gateway's
   * `/ready` does (the multi-process mode: processes that are still starting). Default none: in a
   * cluster the platform routes only to ready instances, and a function scaled to zero is started
   * by its first request, so probing it would keep it from ever scaling down.
   */
  readyWhen?: readonly string[];
  /** How long an answer of the upstreams' /ready is reused. Default 1 s. */
  readyCacheMs?: number;
  /** The built web app (index.html, assets/); served when present. */
  webDir?: string;
}

interface Upstream {
  /** `create-task`, or `task-stream#2` for the second of several. */
  name: string;
  hostname: string;
  port: number;
  /** The path prefix of the base URL, without the trailing slash. */
  prefix: string;
}

interface Target {
  fn: TaskwireFunction;
  route: string;
  upstreams: Upstream[];
  /** Round-robin position over `upstreams`. */
  turn: { next: number };
}

export interface Gateway {
  /** The HTTP server (not listening yet). */
  server: http.Server;
  /** The gateway's own routes: probes, OpenAPI, web app, 404s. */
  app: Hono;
  /** Whether every upstream of `readyWhen` answered its /ready, per upstream (cached). */
  readiness(): Promise<{ ready: boolean; checks: Record<string, string> }>;
  /** Ends the upstream keep-alive connections. */
  close(): void;
}

function parseUpstream(name: string, base: string): Upstream {
  const url = new URL(base);
  if (url.protocol !== 'http:') throw new Error(`upstream ${name}: only http:// is proxied (got ${base})`);
  return {
    name,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || 80),
    prefix: url.pathname.replace(/\/+$/, ''),
  };
}

function problem(res: http.ServerResponse, status: number, title: string, detail: string): void {
  const body = JSON.stringify({ type: `/problems/${title.toLowerCase()}`, title, status, detail });
  res.writeHead(status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** The request headers an upstream gets: all but hop-by-hop ones (and those `connection` names). */
function forwardedHeaders(
  req: http.IncomingMessage,
  extra: Record<string, string>,
): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  const named = req.headers.connection;
  const drop = named ? new Set(named.toLowerCase().split(/\s*,\s*/)) : undefined;
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || drop?.has(k)) continue;
    out[k] = v;
  }
  if (req.headers.host) out['x-forwarded-host'] = req.headers.host;
  return Object.assign(out, extra);
}

function returnedHeaders(res: http.IncomingMessage): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  }
  return out;
}

export function createGateway(opts: GatewayOptions): Gateway {
  // Keep-alive connections to the upstreams, reused across requests; an upstream's own keep-alive
  // hint (Node: 5 s) makes the agent drop an idle connection before the upstream does.
  const agent = new http.Agent({ keepAlive: true, scheduling: 'lifo' });
  const router = new SmartRouter<Target>({ routers: [new RegExpRouter(), new TrieRouter()] });
  const all: Record<string, Upstream[]> = {};
  for (const fn of opts.functions) {
    const bases = [opts.upstream(fn.id)].flat();
    if (bases.length === 0) throw new Error(`no upstream for ${fn.id}`);
    const upstreams = bases.map((b, i) => parseUpstream(bases.length > 1 ? `${fn.id}#${i + 1}` : fn.id, b));
    all[fn.id] = upstreams;
    const turn = { next: 0 };
    for (const r of fn.routes) {
      const target: Target = { fn, route: r.path, upstreams, turn };
      router.add(r.method.toUpperCase(), r.path, target);
      if (r.method === 'get') router.add('HEAD', r.path, target);
    }
  }

  const readiness = upstreamReadiness(
    (opts.readyWhen ?? []).flatMap((id) => all[id] ?? []),
    agent,
    opts.readyCacheMs ?? 1000,
  );

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
  app.get('/ready', async (c) => {
    const { ready, checks } = await readiness();
    return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503);
  });
  let openapi: unknown;
  app.get('/api/openapi.json', (c) => {
    openapi ??= buildOpenApi(opts.functions);
    return c.json(openapi);
  });
  if (opts.webDir) mountWeb(app, opts.webDir);
  app.notFound(unmatchedResponse(allowedMethods(opts.functions)));
  const own = getRequestListener(app.fetch);

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const [matches] = router.match(req.method ?? 'GET', pathname);
    const target = matches[0]?.[0];
    if (!target) {
      void own(req, res);
      return;
    }
    const i = target.upstreams.length > 1 ? target.turn.next++ % target.upstreams.length : 0;
    const upstream = target.upstreams[i]!;
    const replica = target.upstreams.length > 1 ? { 'x-taskwire-replica': String(i + 1) } : undefined;
    if (!tracingEnabled()) {
      void forward(req, res, upstream, agent, {}, replica);
      return;
    }
    // With tracing on, the function's server span is a child of the gateway's client span.
    const method = req.method ?? 'GET';
    const headers = new Headers();
    for (const h of ['traceparent', 'tracestate', 'baggage']) {
      const v = req.headers[h];
      if (typeof v === 'string') headers.set(h, v);
    }
    let status = 502;
    void inServerSpan(
      { method, url: `http://${req.headers.host ?? 'gateway'}${url}`, headers },
      async () => {
        status = await inClientSpan(
          `${method} ${target.fn.id}`,
          {
            'http.request.method': method,
            'url.full': `http://${upstream.hostname}:${upstream.port}${upstream.prefix}${url}`,
            'taskwire.function': target.fn.id,
          },
          (trace) => forward(req, res, upstream, agent, trace, replica),
          (s) => s,
        );
      },
      () => ({ status, route: target.route }),
    ).catch(() => {});
  });
  return { server, app, readiness, close: () => agent.destroy() };
}

/**
 * Sends `req` on to `upstream` and its answer back; resolves with the upstream's status once its
 * headers are back (502 when it could not be reached).
 */
function forward(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  upstream: Upstream,
  agent: http.Agent,
  extra: Record<string, string>,
  replica: Record<string, string> | undefined,
): Promise<number> {
  return new Promise((resolve) => {
    const out = http.request({
      agent,
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: `${upstream.prefix}${req.url}`,
      headers: forwardedHeaders(req, extra),
    });
    out.on('response', (answer) => {
      const headers = returnedHeaders(answer);
      if (replica) Object.assign(headers, replica);
      res.writeHead(answer.statusCode ?? 502, headers);
      // An event stream's bytes go out as they come.
      if (answer.headers['content-type']?.startsWith('text/event-stream')) res.flushHeaders();
      answer.pipe(res);
      answer.on('error', () => res.destroy());
      resolve(answer.statusCode ?? 502);
    });
    out.on('error', (err) => {
      if (!res.headersSent)
        problem(res, 502, 'Unavailable', `upstream ${upstream.name} failed: ${err.message}`);
      else res.destroy();
      resolve(502);
    });
    // A client that goes away (an event stream closed) ends the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  });
}

/** Asks every upstream's /ready at most once per `cacheMs`; concurrent callers share one round. */
function upstreamReadiness(upstreams: Upstream[], agent: http.Agent, cacheMs: number) {
  let last: { at: number; result: { ready: boolean; checks: Record<string, string> } } | undefined;
  let pending: Promise<{ ready: boolean; checks: Record<string, string> }> | undefined;
  const probe = (u: Upstream) =>
    new Promise<string>((resolve) => {
      const req = http.get(
        { agent, hostname: u.hostname, port: u.port, path: `${u.prefix}/ready`, timeout: 1000 },
        (res) => {
          res.resume();
          resolve(res.statusCode === 200 ? 'ok' : `HTTP ${res.statusCode}`);
        },
      );
      req.on('timeout', () => req.destroy(new Error('no answer within 1 s')));
      req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
    });
  return async () => {
    if (upstreams.length === 0) return { ready: true, checks: {} };
    // A ready answer holds for `cacheMs`; a not-ready one briefly, so start-up is seen at once.
    if (last && Date.now() - last.at < (last.result.ready ? cacheMs : Math.min(cacheMs, 200)))
      return last.result;
    pending ??= Promise.all(upstreams.map(probe))
      .then((answers) => {
        const checks = Object.fromEntries(upstreams.map((u, i) => [u.name, answers[i]!]));
        const result = { ready: answers.every((a) => a === 'ok'), checks };
        last = { at: Date.now(), result };
        return result;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
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
  const gateway = createGateway({
    functions: FUNCTIONS,
    upstream: (id) => env.GATEWAY_UPSTREAMS.get(id) ?? env.GATEWAY_UPSTREAM.replace('{id}', id),
    // Functions at addresses of their own are processes beside this one: ready when they are.
    readyWhen: [...env.GATEWAY_UPSTREAMS.keys()],
    webDir: env.WEB_DIR ?? path.join(process.cwd(), 'web', 'dist'),
  });
  const { server } = gateway;
  const port = await listen(server, { host: env.HOST, port: env.PORT, from: env.LISTEN_SOCKET });
  const acceptors = addAcceptors(server, env.HTTP_ACCEPTORS, (err) =>
    console.log(
      JSON.stringify({
        level: 40,
        time: Date.now(),
        msg: 'one acceptor only: no duplicates of the listening socket',
        err: err.message,
      }),
    ),
  );
  console.log(
    JSON.stringify({
      level: 30,
      time: Date.now(),
      msg: `gateway listening on ${env.HOST}:${port}`,
      upstream: env.GATEWAY_UPSTREAM,
      ...(env.GATEWAY_UPSTREAMS.size > 0 ? { upstreams: Object.fromEntries(env.GATEWAY_UPSTREAMS) } : {}),
      tracing: tracing.exporting ? 'exporting' : tracing.enabled ? 'on' : 'off',
    }),
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    acceptors.close();
    server.close(() => {
      gateway.close();
      void tracing.shutdown().finally(() => process.exit(0));
    });
    // Open event streams never end on their own: after a grace period they are cut.
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 3000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  supervisorGone = stop;
}
