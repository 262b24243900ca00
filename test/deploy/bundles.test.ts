/**
 * The image's entry point, proven without a container engine: every function bundle (and the gateway)
 * starts from `dist/start.mjs` with FUNCTION=<id>, as a Knative Service starts it, outside the
 * repository (no node_modules, no sources), and reaches /ready; nothing is written beside the bundles.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../functions';
import { type BundleResult, bundle } from '../../scripts/bundle';
import { freshDatabase } from '../support/harness';
import { freePort } from '../support/server-process';

let out = '';
let bundles: BundleResult[] = [];
let databaseUrl = '';
beforeAll(async () => {
  out = mkdtempSync(path.join(tmpdir(), 'tw-bundles-'));
  bundles = await bundle({ out });
  const server = process.env.TEST_DATABASE_URL;
  if (!server) throw new Error('TEST_DATABASE_URL is not set (the global setup starts PostgreSQL)');
  databaseUrl = await freshDatabase(server);
}, 180_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

async function start(id: string): Promise<{ ms: number; child: ChildProcess; base: string }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(out, 'start.mjs')], {
    cwd: out,
    env: {
      PATH: process.env.PATH ?? '',
      FUNCTION: id,
      BUS: 'knative',
      K_SINK: 'http://127.0.0.1:9/',
      DATABASE_URL: databaseUrl,
      TICKS: 'external',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      GATEWAY_UPSTREAM: 'http://127.0.0.1:9/{id}',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${id} exited with ${child.exitCode}: ${stderr}`);
    if (performance.now() - t0 > 20_000) throw new Error(`${id} not ready in 20 s: ${stderr}`);
    try {
      const res = await fetch(`${base}/ready`);
      await res.body?.cancel();
      if (res.status === 200) return { ms: performance.now() - t0, child, base };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('function bundles', () => {
  it('there is one per function and one for the gateway, PGlite left out', () => {
    expect(bundles.map((b) => b.id).sort()).toEqual([...FUNCTIONS.map((f) => f.id), 'gateway'].sort());
    for (const b of bundles) expect(b.bytes, b.id).toBeLessThan(4 * 1024 * 1024);
    expect(listFiles(out).some((f) => f.endsWith('.wasm'))).toBe(false);
  });

  it('loads the mail and Anthropic SDKs only with the first message: no start reads them', () => {
    for (const b of bundles) {
      const started = b.loaded.map((f) => readFileSync(f, 'utf8')).join('\n');
      expect(started, b.id).not.toMatch(/nodemailer|api\.resend\.com|api\.anthropic\.com/);
    }
    // …and they are in the bundle, on demand, for the function that sends mail and the one that chats
    const everything = (id: string) =>
      listFiles(path.dirname(bundles.find((b) => b.id === id)!.file))
        .filter((f) => f.endsWith('.mjs'))
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n');
    const deliver = everything('deliver-email');
    expect(deliver).toMatch(/nodemailer/);
    expect(deliver).toMatch(/api\.resend\.com/);
    expect(everything('chat')).toMatch(/api\.anthropic\.com/);
  });

  it('each starts with FUNCTION=<id>, reaches /ready and stops cleanly on SIGTERM, writing nothing', {
    timeout: 240_000,
  }, async () => {
    const before = listFiles(out);
    const ids = bundles.map((b) => b.id);
    const timings: Record<string, number> = {};
    // Four at a time: a machine of two cores.
    for (let i = 0; i < ids.length; i += 4) {
      await Promise.all(
        ids.slice(i, i + 4).map(async (id) => {
          const { ms, child, base } = await start(id);
          timings[id] = Math.round(ms);
          const health = (await (await fetch(`${base}/health`)).json()) as { status: string };
          expect(health.status, id).toBe('ok');
          expect(await stop(child), `${id} exit code`).toBe(0);
        }),
      );
    }
    console.log(`start → /ready (ms, four at once): ${JSON.stringify(timings)}`);
    expect(Object.keys(timings)).toHaveLength(ids.length);
    expect(listFiles(out)).toEqual(before);
  });

  it('refuses an unknown FUNCTION with a clear message', async () => {
    const child = spawn(process.execPath, [path.join(out, 'start.mjs')], {
      cwd: out,
      env: { PATH: process.env.PATH ?? '', FUNCTION: 'no-such-function' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(stderr).toMatch(/no bundle for FUNCTION=no-such-function/);
  });
});
