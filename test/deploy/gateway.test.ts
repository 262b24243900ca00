import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../functions';
import { createGateway } from '../../runtime/gateway';

let echo: ReturnType<typeof serve>;
let echoUrl = '';
beforeAll(async () => {
  // One upstream standing in for every function: the first path segment says which one was called.
  const app = new Hono();
  app.get('/:fn/sse', (c) =>
    streamSSE(c, async (s) => {
      for (let i = 1; i <= 3; i++) await s.writeSSE({ data: `tick ${i}`, id: String(i) });
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

describe('the gateway routes each method and path to the function that declares it', () => {
  it('sends every declared route of every function to that function, with query, body and auth', async () => {
    const gateway = createGateway({ functions: FUNCTIONS, upstream: (id) => `${echoUrl}/${id}` });
    let checked = 0;
    for (const fn of FUNCTIONS) {
      for (const r of fn.routes) {
        const path = r.path.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000001');
        const init: RequestInit = {
          method: r.method.toUpperCase(),
          headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
        };
        if (r.method !== 'get') init.body = '{"title":"x"}';
        const res = await gateway.request(`${path}?a=1`, init);
        expect(res.status, `${r.method} ${r.path}`).toBe(200);
        const body = (await res.json()) as {
          fn: string;
          method: string;
          path: string;
          query: unknown;
          body: string;
          auth: string;
        };
        expect(body, `${r.method} ${r.path}`).toMatchObject({
          fn: fn.id,
          method: r.method.toUpperCase(),
          path,
          query: { a: '1' },
          auth: 'Bearer t',
        });
        if (r.method !== 'get') expect(body.body).toBe('{"title":"x"}');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('streams Server-Sent Events through, answers 404 for undeclared routes and 502 when a function is unreachable', async () => {
    const streaming = createGateway({
      functions: [
        {
          ...FUNCTIONS[0]!,
          id: 'stream',
          routes: [{ ...FUNCTIONS[0]!.routes[0]!, method: 'get', path: '/sse' }],
        },
      ],
      upstream: (id) => `${echoUrl}/${id}`,
    });
    const sse = await streaming.request('/sse');
    expect(sse.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(await sse.text()).toContain('data: tick 3');
    const gateway = createGateway({ functions: FUNCTIONS, upstream: () => 'http://127.0.0.1:1' });
    expect((await gateway.request('/api/nothing-here')).status).toBe(404);
    const down = await gateway.request('/api/tasks');
    expect(down.status).toBe(502);
    expect((await gateway.request('/ready')).status).toBe(200);
    expect(
      ((await (await gateway.request('/api/openapi.json')).json()) as { paths: object }).paths,
    ).toHaveProperty('/api/tasks');
  });
});
