import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../functions';
import { createGateway, type Gateway, type GatewayOptions } from '../../runtime/gateway';
import { openStream } from '../support/sse';

let echo: ReturnType<typeof serve>;
let echoUrl = '';
/** Whether each upstream (by first path segment) answers /ready with 200; unlisted ones do. */
const readyOf = new Map<string, boolean>();
/** Requests each upstream got, by first path segment. */
const seen = new Map<string, number>();
beforeAll(async () => {
  // One upstream standing in for every function: the first path segment says which one was called.
  const app = new Hono();
  app.use('/:fn/*', async (c, next) => {
    seen.set(c.req.param('fn'), (seen.get(c.req.param('fn')) ?? 0) + 1);
    await next();
  });
  app.get('/:fn/ready', (c) =>
    readyOf.get(c.req.param('fn')) === false
      ? c.json({ status: 'starting' }, 503)
      : c.json({ status: 'ready' }),
  );
  app.get('/:fn/sse', (c) =>
    streamSSE(c, async (s) => {
      for (let i = 1; i <= 3; i++) await s.writeSSE({ data: `tick ${i}`, id: String(i) });
    }),
  );
  app.get('/:fn/forever', (c) =>
    streamSSE(c, async (s) => {
      await s.writeSSE({ event: 'hello', data: c.req.param('fn') });
      while (!s.aborted) await s.sleep(50);
    }),
  );
  app.all('/:fn/*', async (c) =>
    c.json(
      {
        fn: c.req.param('fn'),
        method: c.req.method,
        path: c.req.path.slice(c.req.param('fn').length + 1),
        query: c.req.query(),
        body: await c.req.text(),
        auth: c.req.header('authorization') ?? null,
        host: c.req.header('x-forwarded-host') ?? null,
        connection: c.req.header('x-private') ?? null,
      },
      200,
      { 'x-upstream': c.req.param('fn') },
    ),
  );
  echo = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => echo.close(() => r())));

/** Gateways started by a test, closed after it. */
const running: Gateway[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) {
    g.server.closeAllConnections();
    await new Promise<void>((r) => g.server.close(() => r()));
    g.close();
  }
  readyOf.clear();
  seen.clear();
});

/** A gateway listening on a port of its own (the OS picks it). */
async function start(opts: GatewayOptions): Promise<{ base: string; gateway: Gateway }> {
  const gateway = createGateway(opts);
  running.push(gateway);
  await new Promise<void>((r) => gateway.server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`, gateway };
}

describe('the gateway routes each method and path to the function that declares it', () => {
  it('sends every declared route of every function to that function, with query, body and auth', async () => {
    const { base } = await start({ functions: FUNCTIONS, upstream: (id) => `${echoUrl}/${id}` });
    let checked = 0;
    for (const fn of FUNCTIONS) {
      for (const r of fn.routes) {
        const path = r.path.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000001');
        const init: RequestInit = {
          method: r.method.toUpperCase(),
          headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
        };
        if (r.method !== 'get') init.body = '{"title":"x"}';
        const res = await fetch(`${base}${path}?a=1`, init);
        expect(res.status, `${r.method} ${r.path}`).toBe(200);
        expect(res.headers.get('x-upstream')).toBe(fn.id);
        const body = (await res.json()) as Record<string, unknown>;
        expect(body, `${r.method} ${r.path}`).toMatchObject({
          fn: fn.id,
          method: r.method.toUpperCase(),
          path,
          query: { a: '1' },
          auth: 'Bearer t',
          host: new URL(base).host,
        });
        if (r.method !== 'get') expect(body.body).toBe('{"title":"x"}');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('drops hop-by-hop headers, also those the Connection header names', async () => {
    const { base } = await start({ functions: FUNCTIONS, upstream: (id) => `${echoUrl}/${id}` });
    const body = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = http.request(`${base}/api/tasks`, {
        method: 'GET',
        headers: { connection: 'keep-alive, x-private', 'x-private': 'secret' },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve(JSON.parse(text)));
      });
      req.on('error', reject);
      req.end();
    });
    expect(body).toMatchObject({ fn: 'list-tasks', connection: null });
  });

  it('streams Server-Sent Events through, answers 404 for undeclared routes and 502 when a function is unreachable', async () => {
    const stream = FUNCTIONS.find((f) => f.id === 'task-stream')!;
    const { base: streaming } = await start({
      functions: [{ ...stream, routes: [{ ...stream.routes[0]!, method: 'get', path: '/sse' }] }],
      upstream: (id) => `${echoUrl}/${id}`,
    });
    const sse = await fetch(`${streaming}/sse`);
    expect(sse.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(await sse.text()).toContain('data: tick 3');
    const { base } = await start({ functions: FUNCTIONS, upstream: () => 'http://127.0.0.1:1' });
    expect((await fetch(`${base}/api/nothing-here`)).status).toBe(404);
    const down = await fetch(`${base}/api/tasks`);
    expect(down.status).toBe(502);
    expect(down.headers.get('content-type')).toBe('application/problem+json');
    expect(((await down.json()) as { detail: string }).detail).toMatch(/upstream list-tasks failed/);
    // Without upstreams to wait for (a cluster), ready is the gateway's own state.
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    expect(
      ((await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: object }).paths,
    ).toHaveProperty('/api/tasks');
  });

  it('hands requests to the replicas of a function in turn and says which one answered', async () => {
    const { base } = await start({
      functions: FUNCTIONS,
      upstream: (id) => (id === 'list-tasks' ? [`${echoUrl}/one`, `${echoUrl}/two`] : `${echoUrl}/${id}`),
    });
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${base}/api/tasks`);
      answers.push(`${res.headers.get('x-taskwire-replica')}:${res.headers.get('x-upstream')}`);
      await res.body?.cancel();
    }
    expect(answers).toEqual(['1:one', '2:two', '1:one', '2:two']);
  });
});

describe('ready means ready: /ready waits for the upstreams it routes to', () => {
  const stream = FUNCTIONS.find((f) => f.id === 'task-stream')!;
  const functions = [
    { ...stream, routes: [{ ...stream.routes[0]!, method: 'get' as const, path: '/forever' }] },
  ];

  it('answers 503 naming the upstream while one is starting, 200 once every one answers its own /ready', async () => {
    readyOf.set('b', false);
    const { base } = await start({
      functions,
      upstream: () => [`${echoUrl}/a`, `${echoUrl}/b`],
      readyWhen: ['task-stream'],
      readyCacheMs: 1000,
    });
    const starting = await fetch(`${base}/ready`);
    expect(starting.status).toBe(503);
    expect(await starting.json()).toEqual({
      status: 'not ready',
      checks: { 'task-stream#1': 'ok', 'task-stream#2': 'HTTP 503' },
    });
    readyOf.set('b', true);
    let status = 503;
    const deadline = Date.now() + 5000;
    while (status !== 200 && Date.now() < deadline) {
      status = (await fetch(`${base}/ready`)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(200);
    // After a ready answer, every event stream opened through the gateway reaches an upstream.
    const streams = await Promise.all(Array.from({ length: 6 }, () => openStream(`${base}/forever`)));
    try {
      expect(streams.map((s) => s.status)).toEqual([200, 200, 200, 200, 200, 200]);
      const hellos = await Promise.all(streams.map((s) => s.waitFor((e) => e.event === 'hello')));
      expect(hellos.map((e) => e.data).sort()).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
    } finally {
      for (const s of streams) await s.close();
    }
  });

  it('asks the upstreams at most once per cache period, and unreachable ones make it 503', async () => {
    const { base } = await start({
      functions,
      upstream: () => `${echoUrl}/a`,
      readyWhen: ['task-stream'],
      readyCacheMs: 60_000,
    });
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${base}/ready`)));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    for (let i = 0; i < 5; i++) expect((await fetch(`${base}/ready`)).status).toBe(200);
    expect(seen.get('a')).toBe(1);

    const { base: down } = await start({
      functions,
      upstream: () => 'http://127.0.0.1:1',
      readyWhen: ['task-stream'],
    });
    const res = await fetch(`${down}/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not ready', checks: { 'task-stream': 'ECONNREFUSED' } });
  });
});
