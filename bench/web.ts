/**
 * Page weight and time to an interactive task list, in real Chromium (Debian's /usr/bin/chromium).
 *
 *   npm run bench:web -- [--loads 7] [--weight-only]
 *
 * Weight: every JS and CSS file of web/dist (built first when stale) and the service worker
 * (web/dist/sw.js, which a browser that turns on push notifications also fetches), gzipped at
 * level 9. `--weight-only` stops there (no server, no browser).
 * Time: a Taskwire process serving the app with 50 tasks; `--loads` cold loads, each in a new browser
 * context (empty cache, no service worker), from navigation start to DOMContentLoaded, to first
 * contentful paint and to the app's `taskwire:tasks-interactive` mark (the first listing is on
 * screen and can be ticked). Once as the machine runs, once with the CPU slowed down 4× (DevTools
 * emulation), roughly a mid-range phone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../test/support/chromium';
import { ROOT, ServerProcess, tempDir } from '../test/support/server-process';
import { percentile } from './support/load';

const args = process.argv.slice(2);
const LOADS = args.includes('--loads') ? Number(args[args.indexOf('--loads') + 1]) : 7;
const WEIGHT_ONLY = args.includes('--weight-only');
const TASKS = 50;
const MARK = 'taskwire:tasks-interactive';
const BUDGET_KB = 60;
const kB = (bytes: number) => (bytes / 1000).toFixed(1);

interface Asset {
  file: string;
  bytes: number;
  gzipped: number;
}

function assets(): Asset[] {
  const files = readdirSync(path.join(ROOT, 'web', 'dist', 'assets'))
    .filter((f) => /\.(m?js|css)$/.test(f))
    .sort()
    .map((f) => `web/dist/assets/${f}`);
  // The service worker counts too (issue 14): the build emits it at the root of web/dist.
  files.push('web/dist/sw.js');
  return files.map((file) => {
    const body = readFileSync(path.join(ROOT, file));
    return { file, bytes: body.length, gzipped: gzipSync(body, { level: 9 }).length };
  });
}

function weightTable(list: Asset[], total: { bytes: number; gzipped: number }) {
  console.log('\n| asset | bytes | gzip -9 bytes | gzip -9 kB |');
  console.log('|---|---:|---:|---:|');
  for (const a of list) console.log(`| ${a.file} | ${a.bytes} | ${a.gzipped} | ${kB(a.gzipped)} |`);
  console.log(
    `| **JS + CSS + service worker** | ${total.bytes} | ${total.gzipped} | **${kB(total.gzipped)}** (aim < ${BUDGET_KB}) |`,
  );
}

async function seed(base: string): Promise<void> {
  const priorities = ['low', 'medium', 'high', null];
  for (let i = 0; i < TASKS; i++) {
    const body = {
      title: `Benchmark task ${i + 1}: ${['call the plumber', 'draft the report', 'buy groceries', 'book flights', 'review the pull request'][i % 5]}`,
      priority: priorities[i % 4],
      tags: i % 3 === 0 ? ['work'] : i % 3 === 1 ? ['home', 'errands'] : [],
      ...(i % 2 === 0 ? { due: new Date(Date.now() + (i + 1) * 3_600_000).toISOString() } : {}),
    };
    const res = await fetch(`${base}/api/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
  }
}

interface Load {
  domContentLoaded: number;
  firstContentfulPaint: number;
  /** The last of the listing's GET /api/tasks requests answered (resource timing). */
  listingResponse: number;
  listings: number;
  interactive: number;
  rows: number;
}

async function coldLoad(browser: Browser, base: string, cpuSlowdown: number): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    if (cpuSlowdown > 1) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
    }
    await page.goto(base);
    await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, MARK, {
      timeout: 30_000,
    });
    if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`);
    // The callback runs in the page: no named helpers inside (tsx would wrap them in `__name`), and
    // Node's `performance` typings lack the browser's entry types, hence the casts.
    const timing = await page.evaluate((mark) => {
      type Entry = { name: string; domContentLoadedEventStart: number; responseEnd: number };
      const navigation = performance.getEntriesByType('navigation' as never) as unknown as Entry[];
      const resources = performance.getEntriesByType('resource' as never) as unknown as Entry[];
      const listings = resources.filter((r) => new URL(r.name).pathname === '/api/tasks');
      return {
        domContentLoaded: navigation[0]!.domContentLoadedEventStart,
        firstContentfulPaint:
          performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
        listingResponse: Math.max(...listings.map((r) => r.responseEnd)),
        listings: listings.length,
        interactive: performance.getEntriesByName(mark)[0]!.startTime,
      };
    }, MARK);
    const rows = await page.getByRole('list', { name: 'Tasks' }).getByRole('listitem').count();
    const tenths = (n: number) => Math.round(n * 10) / 10;
    return {
      domContentLoaded: tenths(timing.domContentLoaded),
      firstContentfulPaint: tenths(timing.firstContentfulPaint),
      listingResponse: tenths(timing.listingResponse),
      listings: timing.listings,
      interactive: tenths(timing.interactive),
      rows,
    };
  } finally {
    await context.close();
  }
}

async function main() {
  const built = spawnSync(process.execPath, ['scripts/ensure-web.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building the web app failed');
  if (!WEIGHT_ONLY && !existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  }
  const chromiumVersion = WEIGHT_ONLY
    ? 'no browser (--weight-only)'
    : spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(
    `# ${os.cpus().length}× ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
      `${chromiumVersion}, load average ${os.loadavg()[0]!.toFixed(1)}, ${new Date().toISOString()}`,
  );

  const list = assets();
  const total = list.reduce((s, a) => ({ bytes: s.bytes + a.bytes, gzipped: s.gzipped + a.gzipped }), {
    bytes: 0,
    gzipped: 0,
  });
  for (const a of list) console.log(JSON.stringify({ asset: a.file, bytes: a.bytes, gzipped: a.gzipped }));
  console.log(JSON.stringify({ asset: 'total', ...total, budgetKB: BUDGET_KB }));
  if (WEIGHT_ONLY) {
    weightTable(list, total);
    return;
  }

  const server = new ServerProcess({
    DATA_DIR: tempDir('tw-web-bench-'),
    SERVE_WEB: 'true',
    LOG_LEVEL: 'warn',
  });
  await server.start(120_000);
  let browser: Browser | undefined;
  const rows: { cpu: string; loads: Load[] }[] = [];
  try {
    await seed(server.base);
    browser = await launchChromium();
    for (const slowdown of [1, 4]) {
      const loads: Load[] = [];
      for (let i = 0; i < LOADS; i++) loads.push(await coldLoad(browser, server.base, slowdown));
      const cpu = slowdown === 1 ? 'as is' : `${slowdown}× slower`;
      rows.push({ cpu, loads });
      console.log(JSON.stringify({ cpu, loads }));
    }
  } finally {
    await browser?.close();
    await server.stop();
  }

  weightTable(list, total);

  const median = (xs: number[]) =>
    Math.round(
      percentile(
        [...xs].sort((a, b) => a - b),
        50,
      ),
    );
  const range = (xs: number[]) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;
  console.log(
    `\n| CPU | cold loads | → DOMContentLoaded ms | → first contentful paint ms | → listing (GET /api/tasks) answered ms | → tasks interactive ms (range) | tasks listed |`,
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const { cpu, loads } of rows) {
    const interactive = loads.map((l) => l.interactive);
    console.log(
      `| ${cpu} | ${loads.length} | ${median(loads.map((l) => l.domContentLoaded))} | ${median(loads.map((l) => l.firstContentfulPaint))} | ${median(loads.map((l) => l.listingResponse))} | ${median(interactive)} (${range(interactive)}) | ${loads[0]!.rows} |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
