/**
 * Quick add's choice (issue 14 §2): bundle the parser for the browser, or ask the server.
 *
 *   node --import tsx bench/parse.ts [--rounds 5]
 *
 * 1. Weight: `understand` (core/nlu, the chat's parser) bundled for the browser by esbuild
 *    (minified, ES2022, every dependency inlined), gzipped at level 9, with what it is made of —
 *    next to the app's 60 kB budget (JS + CSS + service worker).
 * 2. Parsing in the browser: that bundle loaded in Debian's Chromium; the time to evaluate it, the
 *    first call (cold) and the calls after it, as the example is typed character by character.
 * 3. Asking the server: `POST /api/parse` on a running embedded server (loopback), the same
 *    prefixes, sequential round trips, next to `GET /health` (the HTTP floor).
 * 2 runs once as the machine runs and once with the CPU 4× slower (DevTools emulation), roughly a
 * mid-range phone; the server's figure does not depend on the phone.
 */
import os from 'node:os';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { launchChromium } from '../test/support/chromium';
import { ROOT, ServerProcess, tempDir } from '../test/support/server-process';
import { summarize } from './support/load';

const args = process.argv.slice(2);
const ROUNDS = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 5;
const EXAMPLE = 'call mom sunday at 3pm every week remind me 15 minutes before #family !high';
const PREFIXES = Array.from({ length: EXAMPLE.length }, (_, i) => EXAMPLE.slice(0, i + 1));
const kB = (bytes: number) => (bytes / 1000).toFixed(1);

const stats = (xs: number[]) => summarize(xs, 2);

/** `understand` as quick add would need it; `slotsOnly`: the slot grammar without the classifier, a floor. */
async function bundle(slotsOnly = false) {
  const result = await build({
    stdin: {
      contents: slotsOnly
        ? "export { extractSlots } from './core/nlu/slots'; export { MaskedText } from './core/nlu/masked-text';"
        : "export { understand } from './core/nlu/understand';",
      resolveDir: ROOT,
      sourcefile: 'parser-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  const output = Object.values(result.metafile.outputs)[0]!;
  const parts = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const part = file.includes('node_modules/')
      ? file.split('node_modules/')[1]!.split('/')[0]!
      : file.endsWith('intent/weights.ts')
        ? 'core/nlu/intent/weights.ts (the classifier)'
        : 'core/nlu (the rest)';
    parts.set(part, (parts.get(part) ?? 0) + bytesInOutput);
  }
  return { code, bytes: Buffer.byteLength(code), gzipped: gzipSync(code, { level: 9 }).length, parts };
}

async function inBrowser(code: string, cpuSlowdown: number) {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    if (cpuSlowdown > 1) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
    }
    await page.setContent('<!doctype html><title>parser</title>');
    // The module as a blob URL: evaluating it is what a page would pay after downloading it.
    return await page.evaluate(
      async ({ code, prefixes, rounds }) => {
        const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
        const t0 = performance.now();
        const mod = await import(url);
        const evaluate = performance.now() - t0;
        const opts = { now: new Date('2026-03-04T14:00:00Z'), timeZone: 'America/New_York', as: 'task' };
        const t1 = performance.now();
        mod.understand(prefixes[0], opts);
        const first = performance.now() - t1;
        const warm: number[] = [];
        for (let r = 0; r < rounds; r++) {
          for (const text of prefixes) {
            const t = performance.now();
            mod.understand(text, opts);
            warm.push(performance.now() - t);
          }
        }
        return { evaluate, first, warm };
      },
      { code, prefixes: PREFIXES, rounds: ROUNDS },
    );
  } finally {
    await browser.close();
  }
}

async function fromServer(base: string) {
  const health: number[] = [];
  const parse: number[] = [];
  const time = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  for (let r = 0; r < ROUNDS; r++) {
    for (const text of PREFIXES) {
      health.push(await time(() => fetch(`${base}/health`).then((res) => res.text())));
      parse.push(
        await time(async () => {
          const res = await fetch(`${base}/api/parse`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ text, mode: 'task', timezone: 'America/New_York' }),
          });
          if (res.status !== 200) throw new Error(`parse answered ${res.status}`);
          await res.json();
        }),
      );
    }
  }
  return { health: stats(health), parse: stats(parse) };
}

async function main() {
  console.log(
    `# ${os.cpus().length}× ${os.cpus()[0]?.model}, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}, ` +
      `${ROUNDS} rounds × ${PREFIXES.length} prefixes, ${new Date().toISOString()}`,
  );
  const b = await bundle();
  const floor = await bundle(true);
  console.log(
    JSON.stringify({ bench: 'parser-bundle-slots-only', bytes: floor.bytes, gzipped: floor.gzipped }),
  );
  console.log(
    JSON.stringify({
      bench: 'parser-bundle',
      bytes: b.bytes,
      gzipped: b.gzipped,
      parts: Object.fromEntries(b.parts),
    }),
  );

  const browser: Record<string, Awaited<ReturnType<typeof inBrowser>>> = {};
  for (const slowdown of [1, 4]) browser[slowdown] = await inBrowser(b.code, slowdown);

  const server = new ServerProcess({
    DATA_DIR: tempDir('tw-bench-parse-'),
    LOG_LEVEL: 'error',
    ANTHROPIC_API_KEY: '',
  });
  await server.start(120_000);
  const served: Record<string, Awaited<ReturnType<typeof fromServer>>> = {};
  try {
    for (let i = 0; i < 20; i++)
      await fetch(`${server.base}/api/parse`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: EXAMPLE }),
      });
    served[1] = await fromServer(server.base);
  } finally {
    await server.stop();
  }

  console.log('\n| bundled for the browser | bytes | gzip -9 |');
  console.log('|---|---:|---:|');
  for (const [part, bytes] of [...b.parts].sort((x, y) => y[1] - x[1]))
    console.log(`| ${part} | ${bytes} | — |`);
  console.log(`| **the parser, minified** | ${b.bytes} | **${kB(b.gzipped)} kB** |`);
  console.log(
    `| the slot grammar alone (no classifier: not the chat's parser) | ${floor.bytes} | ${kB(floor.gzipped)} kB |`,
  );

  console.log(
    '\n| where it parses | CPU | evaluate the bundle ms | first call ms | per keystroke p50 ms | p99 ms | max ms |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const [slowdown, r] of Object.entries(browser)) {
    const w = stats(r.warm);
    console.log(
      `| in Chromium (bundled) | ${slowdown === '1' ? 'as is' : `${slowdown}× slower`} | ${r.evaluate.toFixed(1)} | ${r.first.toFixed(1)} | ${w.p50} | ${w.p99} | ${w.max} |`,
    );
  }
  const s = served[1]!;
  console.log(
    `| POST /api/parse (loopback round trip) | as is | — | — | ${s.parse.p50} | ${s.parse.p99} | ${s.parse.max} |`,
  );
  console.log(
    `| GET /health (floor) | as is | — | — | ${s.health.p50} | ${s.health.p99} | ${s.health.max} |`,
  );
  console.log(
    JSON.stringify({
      bench: 'parse-latency',
      browser: Object.fromEntries(
        Object.entries(browser).map(([k, r]) => [
          k,
          { evaluate: r.evaluate, first: r.first, warm: stats(r.warm) },
        ]),
      ),
      server: served,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
