#!/usr/bin/env node
// Smoke check of the built web app in real Chromium (Debian's /usr/bin/chromium, never a downloaded one).
// Usage: node web/scripts/smoke.mjs <baseUrl> <outDir>
// Opens the app at desktop and phone widths, creates a task through the form, checks it shows in the
// "Tasks" list and can be ticked, and fails on any console or page error. Screenshots go to outDir.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [baseUrl = 'http://127.0.0.1:8080', outDir = 'test-output/web-smoke'] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const VIEWPORTS = [
  { name: 'desktop', viewport: { width: 1280, height: 820 }, deviceScaleFactor: 1 },
  {
    name: 'phone',
    viewport: { width: 375, height: 760 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  },
];

const api = (p) => new URL(p, baseUrl).toString();

/**
 * Endpoints the lead is still building answer 404 today; the browser logs each failed request as a
 * console error. Those (and only those) are tolerated, and only while the server really lacks them.
 */
async function missingEndpoints() {
  const missing = [];
  const probe = async (p, init) => {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), 3000);
    try {
      const res = await fetch(api(p), { ...init, signal: ctl.signal });
      if (res.status === 404) missing.push(p);
      ctl.abort();
    } catch {
      // an aborted stream means it exists
    } finally {
      clearTimeout(timer);
    }
  };
  await probe('/api/stream');
  await probe('/api/notifications');
  await probe('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  return missing;
}

function tolerated(message, missing) {
  const text = message.text;
  const url = message.url ?? '';
  if (missing.some((p) => url.includes(p))) return /404|Not Found/i.test(text);
  if (missing.includes('/api/stream') && /EventSource/.test(text)) return true;
  return false;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check, what, timeoutMs = 5000) {
  const started = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function serverTask(title) {
  const res = await fetch(api(`/api/tasks?status=all&q=${encodeURIComponent(title)}`));
  const body = await res.json();
  return body.tasks.find((t) => t.title === title);
}

function tomorrowAtFive() {
  const d = new Date(Date.now() + 24 * 3600 * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T17:00`;
}

async function runViewport(browser, spec, missing, report) {
  const context = await browser.newContext({
    viewport: spec.viewport,
    deviceScaleFactor: spec.deviceScaleFactor,
    isMobile: spec.isMobile ?? false,
    hasTouch: spec.hasTouch ?? false,
    timezoneId: 'Europe/Berlin',
    locale: 'en-GB',
    // Screenshots show the settled UI, not a dialog half-way through fading in.
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const entry = { text: msg.text(), url: msg.location()?.url };
    if (tolerated(entry, missing)) report.tolerated.push(`${spec.name}: ${entry.text} (${entry.url})`);
    else problems.push(`console error: ${entry.text} ${entry.url ?? ''}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  const shot = async (name) => {
    const file = path.join(outDir, `${spec.name}-${name}.png`);
    await page.screenshot({ path: file, fullPage: false });
    report.screenshots.push(file);
  };

  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  const list = page.getByRole('list', { name: 'Tasks' });
  await list.waitFor({ state: 'visible', timeout: 10_000 });
  await page.waitForFunction(() => !document.body.textContent?.includes('Loading tasks…'), null, {
    timeout: 10_000,
  });
  // The app marks the moment its first task listing is rendered (ms since navigation start).
  report.interactiveMs[spec.name] = await page.evaluate(() =>
    Math.round(performance.getEntriesByName('taskwire:tasks-interactive')[0]?.startTime ?? -1),
  );
  await shot('1-start');

  // The chat box: a textbox named "Message" where Enter sends.
  const message = page.getByRole('textbox', { name: 'Message' });
  await message.fill('Hello from the smoke check');
  await message.press('Enter');
  await page.getByRole('log', { name: 'Conversation' }).getByText('Hello from the smoke check').waitFor();
  if ((await message.inputValue()) !== '') problems.push('the message box was not cleared after Enter');
  await page.locator('.msg-assistant, .msg-error').first().waitFor({ timeout: 10_000 });

  // A title is required: the form says so next to the field.
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await dialog.getByText('Give the task a title.').waitFor();
  if ((await dialog.getByLabel('Title').getAttribute('aria-invalid')) !== 'true') {
    problems.push('the empty title was not marked invalid');
  }

  // Create a task through the form.
  const title = `Smoke ${spec.name} ${Date.now().toString(36)}`;
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByLabel('Due').fill(tomorrowAtFive());
  await dialog.getByLabel('Priority').selectOption('high');
  await dialog.getByLabel('Tags').fill('smoke, errands');
  await dialog.getByRole('button', { name: '+ Add reminder' }).click();
  await dialog.getByLabel('Repeats').selectOption('weekly');
  await shot('2-new-task-form');
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await dialog.waitFor({ state: 'detached' });

  const item = list.getByRole('listitem').filter({ hasText: title });
  await list.getByText(title).waitFor();
  await shot('3-created');

  // Tick it: the checkbox is named after the task (by keyboard on the desktop, by tap on the phone).
  const checkbox = page.getByRole('checkbox', { name: new RegExp(title) });
  if (await checkbox.isChecked()) problems.push('a new task showed as completed');
  if (spec.hasTouch) await checkbox.tap();
  else {
    await checkbox.focus();
    await page.keyboard.press('Space');
  }
  await waitFor(async () => (await serverTask(title))?.status === 'completed', 'the server to complete it');
  if (!(await page.getByRole('checkbox', { name: new RegExp(title) }).isChecked())) {
    problems.push('the ticked task does not show as completed');
  }
  if ((await item.count()) !== 1) problems.push(`expected one list item for ${title}`);
  await shot('4-ticked');

  // The detail dialog, then Escape closes it.
  await list.getByRole('button', { name: title }).click();
  const detail = page.getByRole('dialog', { name: 'Task' });
  await detail.waitFor();
  await detail.getByText('History').click();
  await detail
    .locator('.history-list')
    .getByText(/created/i)
    .waitFor();
  await shot('5-detail');
  await page.keyboard.press('Escape');
  await detail.waitFor({ state: 'detached' });

  if (spec.name === 'desktop') {
    // Keyboard only: open the form, land in the title, Escape closes and focus goes back.
    const newTask = page.getByRole('button', { name: 'New task' });
    await newTask.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'New task' }).waitFor();
    if (!(await page.evaluate(() => document.activeElement?.id?.endsWith('-title')))) {
      problems.push('the new-task form did not put focus in the title');
    }
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'New task' }).waitFor({ state: 'detached' });
    if (!(await newTask.evaluate((el) => el === document.activeElement))) {
      problems.push('focus did not return to "New task" after Escape');
    }

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('dialog', { name: 'Settings' }).waitFor();
    await shot('6-settings');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: /^Notifications/ }).click();
    await page.getByRole('dialog', { name: 'Notifications' }).waitFor();
    await shot('7-notifications');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Filters' }).click();
    await shot('8-filters');
  }

  // Trash: delete the task from its dialog and restore it.
  await list.getByRole('button', { name: title }).click();
  await page.getByRole('dialog', { name: 'Task' }).getByRole('button', { name: 'Move to trash' }).click();
  await list.getByText(title).waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Trash' }).click();
  const trash = page.getByRole('dialog', { name: 'Trash' });
  await trash.getByText(title).waitFor();
  await shot('9-trash');
  await trash.getByRole('button', { name: `Restore ${title}` }).click();
  await trash.getByText(title).waitFor({ state: 'detached' });
  await page.keyboard.press('Escape');
  await list.getByText(title).waitFor();

  await sleep(300);
  await context.close();
  return problems;
}

async function main() {
  await mkdir(outDir, { recursive: true });
  const missing = await missingEndpoints();
  if (missing.length)
    console.log(`note: the server does not offer ${missing.join(', ')} yet; their 404s are tolerated`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  const report = { screenshots: [], tolerated: [], interactiveMs: {} };
  const problems = [];
  try {
    for (const spec of VIEWPORTS) {
      try {
        problems.push(...(await runViewport(browser, spec, missing, report)));
      } catch (err) {
        problems.push(`${spec.name}: ${err instanceof Error ? err.message : err}`);
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`time until the task list is interactive: ${JSON.stringify(report.interactiveMs)} ms`);
  console.log(`screenshots:\n  ${report.screenshots.join('\n  ')}`);
  if (report.tolerated.length) console.log(`tolerated (missing endpoints): ${report.tolerated.length}`);
  if (problems.length) {
    console.error(`smoke check failed:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log('smoke check passed');
}

await main();
