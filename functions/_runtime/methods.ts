import type { Context } from 'hono';
import type { TaskwireFunction } from './define-function';
import { problem, problemResponse } from './problem';

/** Paths every deployable answers besides its functions' routes (all GET). */
const OPERATIONAL_PATHS = ['/health', '/live', '/ready', '/metrics', '/api/openapi.json'];

function patternOf(path: string): RegExp {
  const escaped = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}$`);
}

/**
 * The methods each declared path answers (RFC 9110 §15.5.6): for a known path, the `Allow` list;
 * for an unknown one, undefined. GET implies HEAD; every known path answers OPTIONS.
 */
export function allowedMethods(
  functions: readonly TaskwireFunction[],
): (path: string) => string[] | undefined {
  const routes = [
    ...OPERATIONAL_PATHS.map((path) => ({ path, method: 'get' })),
    ...functions.flatMap((fn) => fn.routes.map((r) => ({ path: r.path, method: r.method as string }))),
  ];
  const byPattern = new Map<string, { re: RegExp; methods: Set<string> }>();
  for (const r of routes) {
    const entry = byPattern.get(r.path) ?? { re: patternOf(r.path), methods: new Set<string>() };
    entry.methods.add(r.method.toUpperCase());
    byPattern.set(r.path, entry);
  }
  const entries = [...byPattern.values()];
  return (path) => {
    const methods = new Set<string>();
    for (const e of entries) if (e.re.test(path)) for (const m of e.methods) methods.add(m);
    if (methods.size === 0) return undefined;
    if (methods.has('GET')) methods.add('HEAD');
    methods.add('OPTIONS');
    return [...methods].sort();
  };
}

/**
 * What a request that matched no route gets: for a known path, OPTIONS is a 204 and any other
 * method a 405 problem, both with `Allow`; otherwise a 404 problem.
 */
export function unmatchedResponse(allow: (path: string) => string[] | undefined) {
  return (c: Context): Response => {
    const methods = allow(c.req.path);
    if (!methods) {
      return problemResponse(c, problem(404, 'Not found', `no route for ${c.req.method} ${c.req.path}`));
    }
    const headers = { allow: methods.join(', ') };
    if (c.req.method === 'OPTIONS') return new Response(null, { status: 204, headers });
    return problemResponse(
      c,
      problem(405, 'Method not allowed', `${c.req.path} answers ${methods.join(', ')}, not ${c.req.method}`),
      headers,
    );
  };
}
