// Quick add and the keyboard (issue 14, §2 and §3) in Debian's Chromium, against a real server:
// the chips come from the server's parser, the tasks from its REST API.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { ROOT, ServerProcess, tempDir } from '../support/server-process';

const SHOTS = path.join(ROOT, 'test-output', 'e2e');
const EXAMPLE = 'call mom sunday at 3pm every week remind me 15 minutes before #family !high';

let browser: Browser;
let server: ServerProcess;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  execFileSync(process.execPath, ['scripts/ensure-web.mjs'], { cwd: ROOT, stdio: 'inherit' });
  server = new ServerProcess({ DATA_DIR: tempDir('tw-quick-add-'), SERVE_WEB: 'true' });
  await server.start(120_000);
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGKILL');
});

interface ApiTask {
  id: string;
  title: string;
  due: string | null;
  status: string;
  priority: string | null;
  tags: string[];
  reminders: { minutesBefore: number }[];
  recurrence?: unknown;
  seriesId: string | null;
}

async function apiTasks(status = 'all'): Promise<ApiTask[]> {
  const res = await fetch(`${server.base}/api/tasks?status=${status}&limit=200`);
  return ((await res.json()) as { tasks: ApiTask[] }).tasks;
}

/** The day and time an instant shows in New York, e.g. "Sun 15:00". */
const inNewYork = (iso: string) =>
  new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .format(new Date(iso))
    .replace(',', '');

async function open(errors: string[]): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    timezoneId: 'America/New_York',
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(server.base);
  await page.getByRole('list', { name: 'Tasks' }).waitFor({ state: 'attached' });
  return page;
}

/** The focused element's name, and whether the browser shows its focus. */
const focused = (page: Page) =>
  page.locator(':focus').evaluate((el) => ({
    label: el.getAttribute('aria-label') ?? el.textContent ?? '',
    visible: el.matches(':focus-visible'),
  }));

it('quick add shows what it understood; a removed chip is left out of the task', async () => {
  const errors: string[] = [];
  const page = await open(errors);
  // `q` goes to the quick-add box.
  await page.keyboard.press('q');
  const box = page.getByRole('textbox', { name: 'Quick add' });
  await expect.poll(() => box.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
  await page.keyboard.type(EXAMPLE);

  const chips = page
    .locator('form.quick-add')
    .getByRole('list', { name: 'Understood' })
    .getByRole('listitem');
  await expect.poll(() => chips.count(), { timeout: 10_000 }).toBe(5);
  const texts = await chips.allTextContents();
  expect(texts[0]).toMatch(/^due.*15:00/);
  expect(texts.slice(1).map((t) => t.replace('×', ''))).toEqual([
    'repeatweekly',
    'reminder15 min before',
    'priorityhigh priority',
    'tag#family',
  ]);
  await expect.poll(() => page.locator('.quick-add-title').textContent()).toBe('Adds Call mom');
  await page.screenshot({ path: path.join(SHOTS, 'quick-add-chips.png') });

  // Removing the repeat chip removes its words; the rest stay.
  await page.getByRole('button', { name: 'Remove repeat: weekly' }).click();
  await expect
    .poll(() => box.inputValue())
    .toBe('call mom sunday at 3pm remind me 15 minutes before #family !high');
  expect(await chips.count()).toBe(4);
  await box.press('Enter');
  await page.locator('.toasts').getByText('Added “Call mom”').waitFor({ timeout: 10_000 });
  expect(await box.inputValue()).toBe('');

  const mom = (await apiTasks()).find((t) => t.title === 'Call mom');
  expect(mom).toBeDefined();
  expect(mom!.recurrence ?? null).toBeNull();
  expect(mom!.seriesId).toBeNull();
  expect(inNewYork(mom!.due!)).toBe('Sun 15:00');
  expect(mom!.reminders.map((r) => r.minutesBefore)).toEqual([15]);
  expect(mom!.tags).toEqual(['family']);
  expect(mom!.priority).toBe('high');
  expect(errors).toEqual([]);
  await page.context().close();
}, 120_000);

it('in the chat, removing a chip sends the message without its words', async () => {
  const errors: string[] = [];
  const page = await open(errors);
  const message = page.getByRole('textbox', { name: 'Message' });
  await message.fill('Buy stamps tomorrow at 9am, remind me 10 minutes before');
  const chips = page.locator('.chat').getByRole('list', { name: 'Understood' }).getByRole('listitem');
  await expect.poll(() => chips.count(), { timeout: 10_000 }).toBe(2);
  await page.getByRole('button', { name: 'Remove reminder: 10 min before' }).click();
  expect(await message.inputValue()).toBe('Buy stamps tomorrow at 9am');
  await message.press('Enter');
  await page.getByRole('list', { name: 'Tasks' }).getByText('Buy stamps').waitFor({ timeout: 10_000 });
  const stamps = (await apiTasks()).find((t) => t.title === 'Buy stamps')!;
  expect(stamps.reminders).toEqual([]);
  expect(inNewYork(stamps.due!)).toMatch(/ 09:00$/);
  expect(errors).toEqual([]);
  await page.context().close();
}, 120_000);

it('the keyboard: ? lists the shortcuts, / searches, j/k select, x completes, e edits', async () => {
  const errors: string[] = [];
  const page = await open(errors);
  await page.getByRole('list', { name: 'Tasks' }).getByText('Buy stamps').waitFor({ timeout: 10_000 });

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.waitFor();
  for (const key of ['q', '/', 'j', 'k', 'x', 'e', '?'])
    expect(await help.locator('kbd', { hasText: key }).count()).toBe(1);
  // A modal dialog named by its title: the focus is in it and stays there; the keys behind it rest.
  expect(await help.getAttribute('aria-modal')).toBe('true');
  const focusInHelp = () => help.evaluate((el) => el.contains(el.ownerDocument.activeElement));
  await expect.poll(focusInHelp).toBe(true);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  expect(await focusInHelp()).toBe(true);
  await page.keyboard.press('j');
  expect(await page.locator('li[aria-current="true"]').count()).toBe(0);
  await page.screenshot({ path: path.join(SHOTS, 'shortcuts-dialog.png') });
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'detached' });

  await page.keyboard.press('/');
  expect(await page.locator(':focus').getAttribute('data-shortcut')).toBe('search');
  // Typed into the search field, `j` is a letter.
  await page.keyboard.press('j');
  expect(await page.getByRole('searchbox', { name: 'Search tasks' }).inputValue()).toBe('j');
  expect(await page.locator('li[aria-current="true"]').count()).toBe(0);
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Escape');
  await page.locator(':focus').blur();

  const rows = page.getByRole('list', { name: 'Tasks' }).locator('li[data-task-id]');
  const titles = await rows.locator('.task-title').allTextContents();
  expect(titles.length).toBeGreaterThanOrEqual(2);
  const selected = () => page.locator('li[aria-current="true"] .task-title').textContent();

  await page.keyboard.press('j');
  await expect.poll(selected).toBe(titles[0]);
  await expect.poll(() => focused(page)).toEqual({ label: titles[0], visible: true });
  await page.keyboard.press('j');
  await expect.poll(selected).toBe(titles[1]);
  await page.keyboard.press('k');
  await expect.poll(selected).toBe(titles[0]);

  await page.keyboard.press('x');
  await expect
    .poll(() => page.getByRole('checkbox', { name: `${titles[0]} (done)` }).isChecked(), { timeout: 10_000 })
    .toBe(true);
  await expect.poll(async () => (await apiTasks('completed')).map((t) => t.title)).toContain(titles[0]);

  await page.keyboard.press('e');
  const editor = page.getByRole('dialog');
  await editor.waitFor();
  expect(new URL(page.url()).pathname).toMatch(/^\/tasks\//);
  expect(await editor.getByLabel('Title').inputValue()).toBe(titles[0]);
  await page.screenshot({ path: path.join(SHOTS, 'shortcut-edit.png') });
  expect(errors).toEqual([]);
  await page.context().close();
}, 120_000);
