import { fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { describe, expect, it, vi } from 'vitest';
import { createApi } from '../../api/client';
import { fakeFetch, json, makeTask, problem } from '../../test-support/fixtures';
import { NewTaskDialog } from './new-task-dialog';

function setup(answer: () => Response) {
  const { fetch, calls } = fakeFetch({ 'POST /api/tasks': answer });
  const onCreated = vi.fn();
  const onClose = vi.fn();
  render(() => (
    <NewTaskDialog
      api={createApi({ fetch })}
      timeZone="Europe/Berlin"
      zones={['Europe/Berlin']}
      onCreated={onCreated}
      onClose={onClose}
    />
  ));
  const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement;
  const set = (label: string, value: string) => fireEvent.input(field(label), { target: { value } });
  const submit = () => fireEvent.click(screen.getByRole('button', { name: 'Create task' }));
  return { calls, onCreated, onClose, field, set, submit };
}

/** The message a field points at with aria-describedby. */
function describedMessage(input: HTMLElement): string | null {
  const id = input.getAttribute('aria-describedby');
  return id ? (document.getElementById(id)?.textContent ?? null) : null;
}

describe('new task form', () => {
  it('shows the server’s field errors next to the named fields', async () => {
    const { field, set, submit, onCreated } = setup(() =>
      problem(400, 'Invalid request', 'due: not a date; tags.0: bad tag', [
        { field: 'due', message: 'not a date or time Taskwire understands' },
        { field: 'tags.0', message: 'a tag uses letters, digits, "-", "_" or "."' },
      ]),
    );
    set('Title', 'Buy milk');
    set('Tags', 'bad tag!');
    submit();
    await waitFor(() => expect(field('Due').getAttribute('aria-invalid')).toBe('true'));
    expect(describedMessage(field('Due'))).toBe('not a date or time Taskwire understands');
    expect(field('Tags').getAttribute('aria-invalid')).toBe('true');
    expect(describedMessage(field('Tags'))).toBe('a tag uses letters, digits, "-", "_" or "."');
    expect(field('Title').getAttribute('aria-invalid')).toBeNull();
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('shows an error without a known field above the form', async () => {
    const { set, submit } = setup(() => problem(503, 'Unavailable', 'The database is starting; try again.'));
    set('Title', 'Buy milk');
    submit();
    expect((await screen.findByRole('alert')).textContent).toContain('The database is starting; try again.');
  });

  it('asks for a title before sending anything, until one is typed', () => {
    const { calls, field, set, submit } = setup(() => json(makeTask()));
    submit();
    expect(calls).toHaveLength(0);
    expect(describedMessage(field('Title'))).toBe('Give the task a title.');
    set('Title', 'Buy milk');
    expect(field('Title').getAttribute('aria-invalid')).toBeNull();
    expect(screen.queryByText('Give the task a title.')).toBeNull();
  });

  it('sends the fields, with the due time as wall clock in the chosen zone', async () => {
    const created = makeTask({ title: 'Buy milk' });
    const { calls, set, submit, onCreated } = setup(() => json(created, 201));
    set('Title', ' Buy milk ');
    set('Due', '2030-01-03T17:00');
    fireEvent.change(screen.getByLabelText('Priority'), { target: { value: 'high' } });
    set('Tags', 'errands, home');
    fireEvent.click(screen.getByRole('button', { name: '+ Add reminder' }));
    fireEvent.change(screen.getByLabelText('Repeats'), { target: { value: 'weekly' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Friday' }));
    submit();
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(created));
    expect(calls[0]?.body).toEqual({
      title: 'Buy milk',
      due: '2030-01-03T17:00',
      timezone: 'Europe/Berlin',
      priority: 'high',
      tags: ['errands', 'home'],
      reminders: [{ minutesBefore: 15 }],
      recurrence: { frequency: 'weekly', interval: 1, byWeekday: ['FR'] },
      recurrenceMode: 'schedule',
    });
  });

  it('closes on Escape', () => {
    const { field, onClose } = setup(() => json(makeTask()));
    fireEvent.keyDown(field('Title'), { key: 'Escape' });
    expect(onClose).toHaveBeenCalled();
  });
});
