import { timingSafeEqual } from 'node:crypto';
import type { Hono } from 'hono';
import { cronBindingName } from '../../core/adapters/dapr/names';
import { sidecarFromEnv } from '../../core/adapters/dapr/sidecar';
import type { Env } from '../../core/config/env';
import type { ReadinessCheck } from '../../functions/_runtime/http-app';

/** A Dapr sidecar runs beside this process (BUS=dapr implies one). */
export function daprEnabled(env: Env): boolean {
  return env.DAPR_ENABLED || env.BUS === 'dapr';
}

/** `/ready` also checks the sidecar when there is one. */
export function sidecarReadiness(env: Env): ReadinessCheck[] {
  if (!daprEnabled(env)) return [];
  const sidecar = sidecarFromEnv(env);
  return [{ name: 'dapr', check: () => sidecar.healthz() }];
}

function sameToken(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The cron input binding of a tick function (`/<id>-tick`): Dapr calls it on schedule, and it
 * ticks the function like POST /tick.
 */
export function mountCronBinding(app: Hono, functionId: string, env: Env): void {
  const path = `/${cronBindingName(functionId)}`;
  const token = env.APP_API_TOKEN;
  // Dapr asks with OPTIONS at start-up whether the app listens to the binding (2xx or 405: yes).
  app.on('OPTIONS', path, (c) => c.body(null, 204));
  app.post(path, async (c) => {
    if (token && !sameToken(c.req.header('dapr-api-token'), token))
      return c.json({ error: 'bad dapr-api-token' }, 401);
    const headers = new Headers();
    const correlation = c.req.header('x-correlation-id');
    if (correlation) headers.set('x-correlation-id', correlation);
    return app.fetch(new Request(new URL('/tick', c.req.url), { method: 'POST', headers }));
  });
}
