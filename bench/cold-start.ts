/**
 * Process start → `/ready` for every function bundle, as a scaled-to-zero Knative Service starts it:
 * `node dist/start.mjs` with FUNCTION=<id>, BUS=knative (a dummy K_SINK: nothing is published while
 * starting), a real PostgreSQL (scripts/postgres.sh), migrations already applied.
 *
 *   node --import tsx bench/cold-start.ts [--runs 5] [--modes bundled,external,source] [--only id,id]
 *
 * Measured, never asserted. Modes: `bundled` (dependencies inlined: what the image runs), `external`
 * (bundles importing node_modules), `source` (function-main.ts through tsx, for comparison).
 */
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../core/db/client';
import { FUNCTIONS } from '../functions';
import { type BundleMode, bundle } from '../scripts/bundle';
import { freshDatabase } from '../test/support/harness';
import { freePort } from '../test/support/server-process';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
function arg(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

type Mode = BundleMode | 'source';
/** Extra node flags to try, e.g. `--node-flags --max-semi-space-size=16` (the image runs none). */
const NODE_FLAGS = (arg('--node-flags') ?? '').split(' ').filter(Boolean);

async function startToReady(cmd: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, cmd, {
    cwd: path.join(ROOT, 'bench'),
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${stderr.slice(0, 500)}`);
      if (performance.now() - t0 > timeoutMs)
        throw new Error(`not ready in ${timeoutMs} ms: ${stderr.slice(0, 500)}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/ready`);
        await res.body?.cancel();
        if (res.status === 200) return performance.now() - t0;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function main(): Promise<void> {
  const runs = Number(arg('--runs') ?? 5);
  const modes = (arg('--modes') ?? 'bundled,external').split(',') as Mode[];
  const only = arg('--only')?.split(',');
  const server = execFileSync('bash', [path.join(ROOT, 'scripts/postgres.sh'), 'start'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .findLast((l) => l.startsWith('postgres://'))!;
  const databaseUrl = await freshDatabase(server);
  // Migrate once, as the first instance of a release does; instances after it find nothing to apply.
  await (await openDatabase({ databaseUrl })).close();
  const ids = [...FUNCTIONS.map((f) => f.id), 'gateway'].filter((id) => !only || only.includes(id));
  const sizes = new Map<string, number>();
  const rows = new Map<string, Map<Mode, number>>();
  for (const mode of modes) {
    const out = mode === 'external' ? 'dist/external' : 'dist';
    if (mode !== 'source') {
      for (const r of await bundle({ out, mode, only: ids }))
        if (mode === 'bundled') sizes.set(r.id, r.bytes);
    }
    for (const id of ids) {
      if (mode === 'source' && id === 'gateway') continue;
      const cmd =
        mode === 'source'
          ? ['--import', 'tsx', path.join(ROOT, 'runtime/function-main.ts')]
          : [...NODE_FLAGS, path.join(ROOT, out, 'start.mjs')];
      const env = {
        FUNCTION: id,
        BUS: 'knative',
        K_SINK: 'http://127.0.0.1:9/',
        DATABASE_URL: databaseUrl,
        TICKS: 'external',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        GATEWAY_UPSTREAM: 'http://127.0.0.1:9/{id}',
      };
      await startToReady(cmd, env); // warm the OS file cache once
      const times: number[] = [];
      for (let i = 0; i < runs; i++) times.push(await startToReady(cmd, env));
      const row = rows.get(id) ?? new Map<Mode, number>();
      row.set(mode, median(times));
      rows.set(id, row);
      console.error(
        `${mode.padEnd(8)} ${id.padEnd(20)} median ${median(times).toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`,
      );
    }
  }
  const header = `| function | bundle (KiB) | ${modes.map((m) => `${m} start → /ready (ms)`).join(' | ')} |`;
  const lines = [header, `|---|---:|${modes.map(() => '---:|').join('')}`];
  for (const [id, row] of rows) {
    const size = sizes.get(id);
    lines.push(
      `| ${id} | ${size ? (size / 1024).toFixed(0) : '—'} | ${modes.map((m) => (row.has(m) ? row.get(m)!.toFixed(0) : '—')).join(' | ')} |`,
    );
  }
  console.log(
    `Median of ${runs} runs each, node ${process.version}, ${new Date().toISOString().slice(0, 10)}:\n`,
  );
  console.log(lines.join('\n'));
}

await main();
