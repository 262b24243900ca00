import { fireEvent, render, screen, within } from '@solidjs/testing-library';
import { describe, expect, it, vi } from 'vitest';
import { groupTasks } from '../../lib/task-view';
import { makeTask } from '../../test-support/fixtures';
import { TaskList } from './task-list';

const now = new Date('2030-01-02T09:00:00Z');
const zone = 'Europe/Berlin';

function renderList(tasks: ReturnType<typeof makeTask>[]) {
  const onToggle = vi.fn();
  const onOpen = vi.fn();
  render(() => (
    <TaskList
      groups={groupTasks(tasks, now, zone)}
      now={now}
      timeZone={zone}
      onToggle={onToggle}
      onOpen={onOpen}
    />
  ));
  return { onToggle, onOpen, list: screen.getByRole('list', { name: 'Tasks' }) };
}

describe('TaskList', () => {
  it('shows each task as an item of the one list named "Tasks", with a checkbox named after it', () => {
    const { list } = renderList([
      makeTask({ title: 'Buy milk', due: '2030-01-03T16:00:00Z' }),
      makeTask({ title: 'Call mom', status: 'completed', completedAt: '2030-01-02T08:00:00Z' }),
    ]);
    expect(screen.getAllByRole('list', { name: 'Tasks' })).toHaveLength(1);
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.task-title')?.textContent)).toEqual(['Buy milk', 'Call mom']);
    expect(within(list).getByText(/buy milk/i)).toBeTruthy();

    const open = screen.getByRole('checkbox', { name: /buy milk/i }) as HTMLInputElement;
    expect(open.getAttribute('aria-label')).toBe('Complete Buy milk');
    expect(open.checked).toBe(false);
    const done = screen.getByRole('checkbox', { name: /call mom/i }) as HTMLInputElement;
    expect(done.getAttribute('aria-label')).toBe('Call mom (done)');
    expect(done.checked).toBe(true);
  });

  it('heads the groups and labels due times relative to now', () => {
    const { list } = renderList([
      makeTask({ title: 'Pay rent', due: '2030-01-01T09:00:00Z' }),
      makeTask({ title: 'Stand-up', due: '2030-01-02T11:00:00Z' }),
      makeTask({ title: 'Dentist', due: '2030-01-03T16:00:00Z' }),
      makeTask({ title: 'Someday' }),
    ]);
    const headings = within(list)
      .getAllByRole('heading')
      .map((h) => h.textContent?.replace(/\s*\d+$/, ''));
    expect(headings).toEqual(['Overdue', 'Today', 'Upcoming', 'No date']);
    expect(within(list).getByText('overdue by 1 day')).toBeTruthy();
    expect(within(list).getByText('in 2 h')).toBeTruthy();
    expect(within(list).getByText('tomorrow 17:00')).toBeTruthy();
  });

  it('completes by ticking and opens by the title', () => {
    const task = makeTask({ title: 'Buy milk' });
    const { onToggle, onOpen } = renderList([task]);
    fireEvent.click(screen.getByRole('checkbox', { name: /buy milk/i }));
    expect(onToggle).toHaveBeenCalledWith(expect.objectContaining({ id: task.id }), true);
    fireEvent.click(screen.getByRole('button', { name: 'Buy milk' }));
    expect(onOpen).toHaveBeenCalledWith(expect.objectContaining({ id: task.id }));
  });
});
