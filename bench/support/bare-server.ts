/**
 * The baseline: a bare Hono JSON route on the same Node adapter, measured in the same run, listening
 * on HTTP_ACCEPTORS handles (runtime/acceptors.ts) as Taskwire's servers do.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { addAcceptors } from '../../runtime/acceptors';

const app = new Hono();
app.post('/bare', async (c) => c.json({ id: crypto.randomUUID(), ...(await c.req.json()) }, 201));
app.get('/ready', (c) => c.json({ status: 'ready' }));
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) }, () => {
  addAcceptors(server as Server, Number(process.env.HTTP_ACCEPTORS ?? 1), (err) =>
    console.error(err.message),
  );
});
