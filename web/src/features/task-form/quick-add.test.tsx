import { fireEvent, render, screen, waitFor, within } from '@solidjs/testing-library';
import { describe, expect, it, vi } from 'vitest';
import { createApi } from '../../api/client';
import type { ParsedLine } from '../../api/parse-types';
import { fakeFetch, json, makeTask, problem } from '../../test-support/fixtures';
import { EXAMPLE, exampleReading, reading } from '../../test-support/parse-fixtures';
import { QuickAdd } from './quick-add';

function setup(
  answer: (text: string) => ParsedLine | Response = (text) => exampleReading(text),
  create: (body: { title: string }) => Response = (body) => json(makeTask({ title: body.title }), 201),
) {
  const server = fakeFetch({
    'POST /api/parse': (init) => {
      const parsed = answer(JSON.parse(String(init.body)).text);
      return parsed instanceof Response ? parsed : json(parsed);
    },
    'POST /api/tasks': (init) => create(JSON.parse(String(init.body))),
  });
  const onCreated = vi.fn();
  render(() => (
    <QuickAdd
      api={createApi({ fetch: server.fetch })}
      timeZone={() => 'America/New_York'}
      now={new Date('2026-03-04T14:00:00Z')}
      onCreated={onCreated}
      parseDelay={0}
    />
  ));
  const input = screen.getByRole('textbox', { name: 'Quick add' }) as HTMLInputElement;
  const type = (text: string) => fireEvent.input(input, { target: { value: text } });
  const chips = () => screen.queryByRole('list', { name: 'Understood' });
  return { ...server, onCreated, input, type, chips };
}

describe('quick add', () => {
  it('shows what was understood as chips, in the user’s zone, and what the title will be', async () => {
    const { type, chips, calls, input } = setup();
    type(EXAMPLE);
    await waitFor(() => expect(chips()).not.toBeNull());
    const items = within(chips()!)
      .getAllByRole('listitem')
      .map((li) => li.textContent?.replace('×', '').trim());
    expect(items).toEqual([
      'dueSun 15:00',
      'repeatweekly',
      'reminder15 min before',
      'priorityhigh priority',
      'tag#family',
    ]);
    expect(screen.getByText('Call mom').tagName).toBe('STRONG');
    expect(calls.filter((c) => c.url.pathname === '/api/parse').map((c) => c.body)).toEqual([
      { text: EXAMPLE, mode: 'task', timezone: 'America/New_York' },
    ]);
    // The input is described by the chips, for screen readers.
    const described = document.getElementById(input.getAttribute('aria-describedby')!);
    expect(described?.textContent).toContain('Sun 15:00');
  });

  it('removing the repeat chip removes its words, and the task is created without a repeat', async () => {
    const { type, chips, calls, input, onCreated } = setup();
    type(EXAMPLE);
    await waitFor(() => expect(chips()).not.toBeNull());
    fireEvent.click(screen.getByRole('button', { name: 'Remove repeat: weekly' }));
    expect(input.value).toBe('call mom sunday at 3pm remind me 15 minutes before #family !high');
    expect(within(chips()!).getAllByRole('listitem')).toHaveLength(4);
    expect(document.activeElement).toBe(input);
    fireEvent.submit(input.form!);
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    const created = calls.find((c) => c.url.pathname === '/api/tasks')!.body;
    expect(created).toEqual({
      title: 'Call mom',
      timezone: 'America/New_York',
      due: '2026-03-08T15:00:00-04:00',
      reminders: [{ minutesBefore: 15 }],
      priority: 'high',
      tags: ['family'],
    });
    // No second parse: the remaining chips were known.
    expect(calls.filter((c) => c.url.pathname === '/api/parse')).toHaveLength(1);
    expect(input.value).toBe('');
    expect(chips()).toBeNull();
  });

  it('parses before creating when Enter comes before the pause', async () => {
    const { type, calls, input, onCreated } = setup();
    type(EXAMPLE);
    fireEvent.submit(input.form!);
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(calls.map((c) => c.url.pathname)).toEqual(['/api/parse', '/api/tasks']);
    expect(calls[1]!.body).toMatchObject({
      title: 'Call mom',
      recurrence: { frequency: 'weekly', interval: 1 },
    });
  });

  it('says what is missing when only parts were typed', async () => {
    const { type, input, calls } = setup((text) =>
      reading(
        text,
        undefined,
        [{ part: { field: 'due', value: '2026-03-05T17:00:00-05:00' }, words: text }],
        {
          intent: 'clarify',
        },
      ),
    );
    type('tomorrow at 5pm');
    fireEvent.submit(input.form!);
    expect((await screen.findByRole('alert')).textContent).toMatch(/title/);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(calls.some((c) => c.url.pathname === '/api/tasks')).toBe(false);
  });

  it('shows the server’s field errors and keeps the line', async () => {
    const { type, input, onCreated } = setup(undefined, () =>
      problem(400, 'Invalid request', 'tags.0: bad', [{ field: 'tags.0', message: 'a tag uses letters' }]),
    );
    type(EXAMPLE);
    fireEvent.submit(input.form!);
    expect((await screen.findByRole('alert')).textContent).toBe('tags.0: a tag uses letters');
    expect(input.value).toBe(EXAMPLE);
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('with no parser to ask, adds the line as the title', async () => {
    const { type, input, calls, onCreated } = setup(() => problem(404, 'Not found', 'no route'));
    type('Buy milk');
    fireEvent.submit(input.form!);
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(calls.find((c) => c.url.pathname === '/api/tasks')!.body).toEqual({
      title: 'Buy milk',
      timezone: 'America/New_York',
    });
  });
});
