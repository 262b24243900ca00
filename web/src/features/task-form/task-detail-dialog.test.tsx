import { fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { createRoot } from 'solid-js';
import { describe, expect, it, vi } from 'vitest';
import { createApi } from '../../api/client';
import type { Task } from '../../api/types';
import { createTaskStore } from '../../stores/task-store';
import { fakeFetch, json, makeTask, problem } from '../../test-support/fixtures';
import { TaskDetailDialog } from './task-detail-dialog';

function setup(task: Task, routes: Parameters<typeof fakeFetch>[0]) {
  const server = fakeFetch(routes);
  const api = createApi({ fetch: server.fetch });
  const tasks = createRoot(() =>
    createTaskStore({ api, now: () => new Date('2030-01-02T09:00:00Z'), timeZone: () => 'Europe/Berlin' }),
  );
  tasks.receive(task);
  const onClose = vi.fn();
  render(() => (
    <TaskDetailDialog
      id={task.id}
      api={api}
      tasks={tasks}
      now={new Date('2030-01-02T09:00:00Z')}
      timeZone="Europe/Berlin"
      zones={[]}
      onClose={onClose}
      onDeleted={vi.fn()}
      onError={vi.fn()}
    />
  ));
  return { ...server, tasks, onClose };
}

const save = () => fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));

describe('task detail', () => {
  it('sends only the changed fields, guarded by the version it showed', async () => {
    const task = makeTask({ title: 'Buy milk', version: 3, due: '2030-01-03T16:00:00Z', tags: ['errands'] });
    const app = setup(task, {
      [`PATCH /api/tasks/${task.id}`]: () => json({ ...task, title: 'Buy oat milk', version: 4 }),
    });
    fireEvent.input(screen.getByLabelText('Title'), { target: { value: 'Buy oat milk' } });
    save();
    await waitFor(() => expect(app.onClose).toHaveBeenCalled());
    expect(app.calls[0]?.body).toEqual({ title: 'Buy oat milk' });
    expect(new Headers(app.calls[0]?.init.headers).get('if-match')).toBe('"3"');
    expect(app.tasks.get(task.id)?.title).toBe('Buy oat milk');
  });

  it('says so when someone else changed the task first, and loads their version', async () => {
    const task = makeTask({ title: 'Buy milk', version: 1 });
    const app = setup(task, {
      [`PATCH /api/tasks/${task.id}`]: () => problem(409, 'Conflict', 'task is at version 2, not 1'),
      [`GET /api/tasks/${task.id}`]: () => json({ ...task, title: 'Buy bread', version: 2 }),
    });
    fireEvent.input(screen.getByLabelText('Title'), { target: { value: 'Buy oat milk' } });
    save();
    expect((await screen.findByText(/changed elsewhere while you edited it/)).textContent).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Load the latest version' }));
    await waitFor(() => expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('Buy bread'));
    expect(app.onClose).not.toHaveBeenCalled();
  });

  it('changes the repeat rule only for "this and future" occurrences of a series', async () => {
    const task = makeTask({
      title: 'Stand-up',
      due: '2030-01-06T08:00:00Z',
      seriesId: 'series-1',
      recurrence: { frequency: 'weekly', interval: 1, byWeekday: ['MO'] },
      recurrenceMode: 'schedule',
    });
    const app = setup(task, {
      'PATCH /api/series/series-1': () => json({ id: 'series-1' }),
      [`GET /api/tasks/${task.id}`]: () => json({ ...task, version: 2 }),
    });
    expect(screen.getByLabelText('Repeats').matches(':disabled')).toBe(true);
    fireEvent.click(screen.getByLabelText('this and future ones'));
    expect(screen.getByLabelText('Repeats').matches(':disabled')).toBe(false);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Thursday' }));
    fireEvent.input(screen.getByLabelText('Title'), { target: { value: 'Team stand-up' } });
    save();
    await waitFor(() => expect(app.onClose).toHaveBeenCalled());
    expect(app.calls[0]?.method).toBe('PATCH');
    expect(app.calls[0]?.url.pathname).toBe('/api/series/series-1');
    expect(app.calls[0]?.body).toEqual({
      title: 'Team stand-up',
      recurrence: { frequency: 'weekly', interval: 1, byWeekday: ['MO', 'TH'] },
    });
  });
});
