import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { freePort, ROOT, ServerProcess, tempDir } from '../support/server-process';

const SHOTS = path.join(ROOT, 'test-output', 'e2e');

let browser: Browser;
const servers: ServerProcess[] = [];
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // A clean clone has no built app yet: build it as `npm start` would.
  execFileSync(process.execPath, ['scripts/ensure-web.mjs'], { cwd: ROOT, stdio: 'inherit' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.kill('SIGKILL');
});

async function page(base: string, errors: string[], viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport, timezoneId: 'America/New_York' });
  const p = await context.newPage();
  p.on('pageerror', (e) => errors.push(String(e)));
  p.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await p.goto(base);
  await p.getByRole('list', { name: 'Tasks' }).waitFor({ state: 'attached' });
  return p;
}

/** The header's connection state when the live stream is up ("Live updates: Live"). */
const live = (p: Page) => p.locator('.connection-label', { hasText: /Live updates:\s*Live$/ });

/** How long `what` took, in ms. */
const elapsed = async (what: () => Promise<unknown>) => {
  const t0 = Date.now();
  await what();
  return Date.now() - t0;
};

it('two windows stay in sync, a reminder toasts in both, and both catch up after a server restart', async () => {
  const dataDir = tempDir('tw-web-');
  const port = await freePort();
  const env = { DATA_DIR: dataDir, PORT: String(port), SERVE_WEB: 'true' };
  const server = new ServerProcess(env);
  servers.push(server);
  await server.start();
  const errors: string[] = [];
  const a = await page(server.base, errors);
  const b = await page(server.base, errors, { width: 375, height: 760 });
  await live(b).waitFor({ state: 'attached' });

  // A chats, B sees the task within 2 s without reloading.
  const input = a.getByRole('textbox', { name: 'Message' });
  await input.fill('Buy milk tomorrow at 5pm');
  const seenInB = await elapsed(async () => {
    await input.press('Enter');
    await b
      .getByRole('list', { name: 'Tasks' })
      .getByText(/buy milk/i)
      .first()
      .waitFor({ timeout: 2000 });
  });
  expect(seenInB).toBeLessThan(2000);

  // B ticks it, A shows it completed within 2 s.
  const boxInA = a.getByRole('checkbox', { name: /buy milk/i }).first();
  const doneInA = await elapsed(async () => {
    await b
      .getByRole('checkbox', { name: /buy milk/i })
      .first()
      .check();
    await expect.poll(() => boxInA.isChecked(), { timeout: 2000, interval: 50 }).toBe(true);
  });
  expect(doneInA).toBeLessThan(2000);

  // A reminder fires: both windows show a toast.
  const due = new Date(Date.now() + 62_000).toISOString();
  const created = await fetch(`${server.base}/api/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Stretch your legs', due, reminders: [{ minutesBefore: 1 }] }),
  });
  expect(created.status).toBe(201);
  for (const p of [a, b]) {
    await p
      .locator('.toasts')
      .getByText(/Stretch your legs/)
      .first()
      .waitFor({ timeout: 8000 });
  }
  await a.screenshot({ path: path.join(SHOTS, 'window-a-desktop.png'), fullPage: true });
  await b.screenshot({ path: path.join(SHOTS, 'window-b-phone.png'), fullPage: true });

  // The server stops; a change is made while it is away; both windows reconnect and catch up.
  await server.stop();
  await a.getByText(/Reconnecting/).waitFor({ state: 'attached', timeout: 10_000 });
  const again = new ServerProcess(env);
  servers.push(again);
  await again.start();
  const res = await fetch(`${again.base}/api/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Made during the outage' }),
  });
  expect(res.status).toBe(201);
  for (const p of [a, b]) {
    await p
      .getByRole('list', { name: 'Tasks' })
      .getByText('Made during the outage')
      .waitFor({ timeout: 15_000 });
    await live(p).waitFor({ state: 'attached', timeout: 15_000 });
  }
  await a.screenshot({ path: path.join(SHOTS, 'window-a-after-restart.png'), fullPage: true });
  // Console errors while the server was down are the browser reporting the refused reconnects.
  expect(errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource|net::/.test(e))).toEqual([]);
}, 120_000);
