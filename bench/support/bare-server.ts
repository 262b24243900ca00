/** The baseline: a bare Hono JSON route on the same Node adapter, measured in the same run. */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.post('/bare', async (c) => c.json({ id: crypto.randomUUID(), ...(await c.req.json()) }, 201));
app.get('/ready', (c) => c.json({ status: 'ready' }));
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) });
