import { fireEvent, render, screen, waitFor, within } from '@solidjs/testing-library';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Task } from '../../api/types';
import { App } from '../../app';
import { FakeEventSource, fakeFetch, json, makeTask } from '../../test-support/fixtures';
import { SHORTCUTS } from './shortcuts';

const settings = {
  timezone: 'UTC',
  email: null,
  defaultReminderChannel: 'in-app',
  updatedAt: '2030-01-01T00:00:00Z',
};

function setup() {
  const soon = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
  const tasks: Task[] = [
    makeTask({ title: 'First', due: soon(1) }),
    makeTask({ title: 'Second', due: soon(2) }),
    makeTask({ title: 'Third', due: soon(3) }),
  ];
  const routes: Parameters<typeof fakeFetch>[0] = {
    'GET /api/settings': () => json(settings),
    'GET /api/tasks': (_, url) =>
      json({ tasks: tasks.filter((t) => url.searchParams.get('status') === t.status), nextCursor: null }),
    'GET /api/notifications': () => json({ notifications: [], unread: 0 }),
  };
  for (const t of tasks) {
    routes[`GET /api/tasks/${t.id}`] = () => json(t);
    routes[`GET /api/audit`] = () => json({ entries: [] });
    routes[`POST /api/tasks/${t.id}/complete`] = () =>
      json({ ...t, status: 'completed', completedAt: new Date().toISOString(), version: t.version + 1 });
  }
  const server = fakeFetch(routes);
  render(() => <App fetch={server.fetch} EventSource={FakeEventSource} />);
  const press = (key: string, init: KeyboardEventInit = {}, target: Element = document.body) =>
    fireEvent.keyDown(target, { key, bubbles: true, ...init });
  const row = (title: string) => screen.getByRole('button', { name: title }).closest('li')!;
  return { ...server, tasks, press, row };
}

beforeEach(() => FakeEventSource.reset());

// The whole app renders in each test: allow for a shared, busy machine.
describe('keyboard shortcuts', { timeout: 20_000 }, () => {
  it('? lists every shortcut in a dialog; Escape closes it', async () => {
    const { press } = setup();
    press('?', { shiftKey: true });
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const s of SHORTCUTS) {
      expect(within(dialog).getByText(s.key, { selector: 'kbd' })).toBeTruthy();
      expect(within(dialog).getByText(s.does)).toBeTruthy();
    }
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    fireEvent.click(screen.getByRole('button', { name: 'Keyboard shortcuts' }));
    expect(await screen.findByRole('dialog', { name: 'Keyboard shortcuts' })).toBeTruthy();
  });

  it('q goes to quick add and / to search; keys typed there are text, not commands', async () => {
    const { press } = setup();
    await screen.findByText('First');
    press('q');
    const quickAdd = screen.getByRole('textbox', { name: 'Quick add' });
    expect(document.activeElement).toBe(quickAdd);
    press('/');
    const search = screen.getByRole('searchbox', { name: 'Search tasks' });
    expect(document.activeElement).toBe(search);
    const typed = press('j', {}, search);
    expect(typed).toBe(true); // not prevented: the field gets its letter
    expect(document.querySelector('[aria-current="true"]')).toBeNull();
  });

  it('j and k move the selection, visibly and with the focus; x completes it; e edits it', async () => {
    const { press, row, calls, tasks } = setup();
    await screen.findByText('Third');
    press('j');
    expect(row('First').getAttribute('aria-current')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'First' })));
    press('j', {}, document.activeElement!);
    press('j', {}, document.activeElement!);
    expect(row('Third').getAttribute('aria-current')).toBe('true');
    press('j', {}, document.activeElement!);
    expect(row('Third').getAttribute('aria-current')).toBe('true');
    press('k', {}, document.activeElement!);
    expect(row('Second').getAttribute('aria-current')).toBe('true');
    expect(row('Third').getAttribute('aria-current')).toBeNull();

    press('x', {}, document.activeElement!);
    await waitFor(() =>
      expect((screen.getByRole('checkbox', { name: 'Second (done)' }) as HTMLInputElement).checked).toBe(
        true,
      ),
    );
    expect(
      calls.some((c) => c.method === 'POST' && c.url.pathname === `/api/tasks/${tasks[1]!.id}/complete`),
    ).toBe(true);

    press('e', {}, document.activeElement ?? document.body);
    expect(window.location.pathname).toBe(`/tasks/${tasks[1]!.id}`);
    expect(await screen.findByRole('dialog')).toBeTruthy();
  });

  it('leaves keys with a modifier to the browser, and does nothing behind a dialog', async () => {
    const { press } = setup();
    await screen.findByText('First');
    press('j', { ctrlKey: true });
    press('j', { altKey: true });
    expect(document.querySelector('[aria-current="true"]')).toBeNull();
    press('?', { shiftKey: true });
    await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    press('j');
    expect(document.querySelector('[aria-current="true"]')).toBeNull();
  });
});
