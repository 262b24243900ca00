import { fireEvent, render, screen, waitFor, within } from '@solidjs/testing-library';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppNotification, Settings, Task, Update } from './api/types';
import { App } from './app';
import { browserTimeZone } from './lib/time';
import { FakeEventSource, fakeFetch, json, makeTask, problem } from './test-support/fixtures';

const settings: Settings = {
  timezone: 'UTC',
  email: null,
  defaultReminderChannel: 'in-app',
  updatedAt: null,
};

function setup(
  options: { tasks?: Task[]; settings?: Settings; authorized?: (init: RequestInit) => boolean } = {},
) {
  let listed = options.tasks ?? [];
  const guard = (handler: (init: RequestInit, url: URL) => Response) => (init: RequestInit, url: URL) =>
    !options.authorized || options.authorized(init)
      ? handler(init, url)
      : problem(401, 'Unauthorized', 'token');
  const server = fakeFetch({
    'GET /api/settings': guard(() => json(options.settings ?? settings)),
    'PUT /api/settings': guard((init) =>
      json({ ...settings, ...JSON.parse(String(init.body)), updatedAt: 'now' }),
    ),
    'GET /api/tasks': guard((_, url) =>
      json({ tasks: listed.filter((t) => url.searchParams.get('status') === t.status), nextCursor: null }),
    ),
    'GET /api/notifications': guard(() => json({ notifications: [], unread: 0 })),
    'GET /api/time-zones': guard(() => json({ zones: ['UTC', 'Europe/Berlin', browserTimeZone()] })),
  });
  render(() => <App fetch={server.fetch} EventSource={FakeEventSource} />);
  return {
    ...server,
    setListed: (tasks: Task[]) => {
      listed = tasks;
    },
    list: () => screen.getByRole('list', { name: 'Tasks' }),
    stream: () => FakeEventSource.latest(),
    push: (updates: Update[]) => FakeEventSource.latest().emit('update', { updates }),
  };
}

const taskUpdate = (task: Task, type: 'created' | 'updated' | 'completed' = 'updated'): Update => ({
  kind: 'task',
  type,
  taskId: task.id,
  sequence: task.version,
  task,
});

beforeEach(() => FakeEventSource.reset());

describe('App', () => {
  it('lists the tasks and applies live updates to them', async () => {
    const milk = makeTask({ title: 'Buy milk' });
    const app = setup({ tasks: [milk] });
    await within(app.list()).findByText('Buy milk');
    app.stream().open();
    expect(screen.getByText('Live')).toBeTruthy();

    app.push([taskUpdate(makeTask({ title: 'Call mom' }), 'created')]);
    expect(within(app.list()).getByText('Call mom')).toBeTruthy();

    app.push([
      taskUpdate({ ...milk, status: 'completed', completedAt: new Date().toISOString(), version: 2 }),
    ]);
    expect((screen.getByRole('checkbox', { name: /buy milk/i }) as HTMLInputElement).checked).toBe(true);
    // A replay of the older version changes nothing.
    app.push([taskUpdate(milk)]);
    expect((screen.getByRole('checkbox', { name: /buy milk/i }) as HTMLInputElement).checked).toBe(true);
  });

  it('refetches the list once after the stream reconnects', async () => {
    const app = setup();
    await waitFor(() => expect(app.calls.filter((c) => c.url.pathname === '/api/tasks')).toHaveLength(2));
    app.stream().open();
    app.stream().drop();
    expect(screen.getByText('Reconnecting…')).toBeTruthy();
    app.setListed([makeTask({ title: 'Missed while away' })]);
    app.stream().open();
    await within(app.list()).findByText('Missed while away');
    expect(app.calls.filter((c) => c.url.pathname === '/api/tasks')).toHaveLength(4);
  });

  it('pauses and resumes live updates', async () => {
    setup();
    FakeEventSource.latest().open();
    fireEvent.click(screen.getByRole('button', { name: 'Pause live updates' }));
    expect(FakeEventSource.latest().closed).toBe(true);
    expect(screen.getByText('Paused')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Resume live updates' }));
    expect(FakeEventSource.instances).toHaveLength(2);
  });

  it('rings the bell and shows a toast when a reminder arrives', async () => {
    const app = setup();
    app.stream().open();
    const reminder: AppNotification = {
      id: 'n1',
      kind: 'reminder',
      title: 'Call mom in 15 minutes',
      body: 'Due 15:00',
      taskIds: ['t1'],
      createdAt: new Date().toISOString(),
      readAt: null,
    };
    app.push([{ kind: 'notification', notification: reminder }]);
    expect(screen.getByRole('button', { name: 'Notifications, 1 unread' })).toBeTruthy();
    const toasts = screen.getByRole('region', { name: 'Messages' });
    expect(within(toasts).getByText('Call mom in 15 minutes')).toBeTruthy();
    // The same notification replayed is not announced twice.
    app.push([{ kind: 'notification', notification: reminder }]);
    expect(within(toasts).getAllByText('Call mom in 15 minutes')).toHaveLength(1);
  });

  it('tells a server that was never set up the browser’s time zone, once', async () => {
    const first = setup();
    await waitFor(() => expect(first.calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(first.calls.find((c) => c.method === 'PUT')?.body).toEqual({ timezone: browserTimeZone() });
  });

  it('leaves saved settings alone', async () => {
    const app = setup({ settings: { ...settings, updatedAt: '2030-01-01T00:00:00Z' } });
    await waitFor(() => expect(app.calls.some((c) => c.url.pathname === '/api/settings')).toBe(true));
    await new Promise((r) => setTimeout(r, 20));
    expect(app.calls.some((c) => c.method === 'PUT')).toBe(false);
  });

  it('asks for a token on 401, keeps it and sends it', async () => {
    const app = setup({
      tasks: [makeTask({ title: 'Secret task' })],
      authorized: (init) => new Headers(init.headers).get('authorization') === 'Bearer let-me-in',
    });
    const dialog = await screen.findByRole('dialog', { name: 'Access token needed' });
    fireEvent.input(within(dialog).getByLabelText('Access token'), { target: { value: 'let-me-in' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Continue' }));
    await within(app.list()).findByText('Secret task');
    expect(localStorage.getItem('taskwire.token')).toBe('let-me-in');
    expect(FakeEventSource.latest().url).toBe('/api/stream?access_token=let-me-in');
  });
});
