import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Hono } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',

  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

interface Asset {
  body: Buffer;
  gzip?: Buffer;
  type: string;
  immutable: boolean;
}

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full, base) : [path.relative(base, full)];
  });
}

/**
 * Serves the built web app from memory: every file read and gzipped once at start-up; hashed
 * assets cached for a year, index.html always revalidated; every other non-API GET gets
 * index.html (the app routes on the client).
 */
export function mountWeb(app: Hono, dir: string): boolean {
  const indexFile = path.join(dir, 'index.html');
  if (!existsSync(indexFile)) return false;
  const assets = new Map<string, Asset>();
  for (const rel of files(dir)) {
    const body = readFileSync(path.join(dir, rel));
    const type = TYPES[path.extname(rel)] ?? 'application/octet-stream';
    const compressible = /^(text|application\/json|image\/svg)/.test(type) && body.length > 1024;
    assets.set(`/${rel.split(path.sep).join('/')}`, {
      body,
      ...(compressible ? { gzip: gzipSync(body, { level: 9 }) } : {}),
      type,
      immutable: rel.startsWith(`assets${path.sep}`),
    });
  }
  const index = assets.get('/index.html')!;
  const send = (accept: string | undefined, asset: Asset, cache: string) => {
    const gzip = asset.gzip && /\bgzip\b/.test(accept ?? '');
    return new Response(new Uint8Array(gzip ? asset.gzip! : asset.body), {
      headers: {
        'content-type': asset.type,
        'cache-control': cache,
        vary: 'accept-encoding',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      },
    });
  };
  app.get('*', async (c, next) => {
    const p = c.req.path;
    if (p.startsWith('/api/') || p === '/metrics' || p === '/health' || p === '/ready' || p === '/live')
      return next();
    const asset = assets.get(p);
    const accept = c.req.header('accept-encoding');
    if (asset && p !== '/index.html') {
      return send(
        accept,
        asset,
        asset.immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
      );
    }
    if (p.startsWith('/assets/')) return next();
    return send(accept, index, 'no-cache');
  });
  return true;
}
