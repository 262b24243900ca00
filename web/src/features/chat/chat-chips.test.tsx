import { fireEvent, render, screen, waitFor, within } from '@solidjs/testing-library';
import { describe, expect, it, vi } from 'vitest';
import type { ParseInput } from '../../api/parse-types';
import { createChatStore } from '../../stores/chat-store';
import { reading } from '../../test-support/parse-fixtures';
import { ChatPanel } from './chat-panel';

const MESSAGE = 'Call mom Sunday at 3pm, remind me 15 minutes before';

function setup() {
  const api = {
    chat: vi.fn(async (message: string) => ({
      conversationId: 'c1',
      reply: `Got “${message}”`,
      operations: [],
      engine: 'offline' as const,
    })),
    getConversation: vi.fn(),
    parse: vi.fn(async (input: ParseInput) =>
      reading(input.text, 'Call mom', [
        { part: { field: 'due', value: '2026-03-08T15:00:00-04:00' }, words: 'Sunday at 3pm' },
        {
          part: { field: 'reminders', value: [{ minutesBefore: 15 }] },
          words: ', remind me 15 minutes before',
        },
      ]),
    ),
  };
  render(() => {
    const chat = createChatStore({ api });
    return (
      <ChatPanel
        chat={chat}
        api={api}
        now={() => new Date('2026-03-04T14:00:00Z')}
        timeZone={() => 'America/New_York'}
      />
    );
  });
  const input = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
  return { api, input, chips: () => screen.queryByRole('list', { name: 'Understood' }) };
}

describe('chat chips', () => {
  it('show what the parser understood in the message being typed, read as the chat reads it', async () => {
    const { api, input, chips } = setup();
    fireEvent.input(input, { target: { value: MESSAGE } });
    await waitFor(() => expect(chips()).not.toBeNull(), { timeout: 2000 });
    expect(api.parse).toHaveBeenCalledWith(
      { text: MESSAGE, mode: 'chat', timezone: 'America/New_York' },
      expect.any(AbortSignal),
    );
    expect(within(chips()!).getByText('Sun 15:00')).toBeTruthy();
    expect(within(chips()!).getByText('15 min before')).toBeTruthy();
  });

  it('removing a chip sends the message without that part’s words', async () => {
    const { api, input, chips } = setup();
    fireEvent.input(input, { target: { value: MESSAGE } });
    await waitFor(() => expect(chips()).not.toBeNull(), { timeout: 2000 });
    fireEvent.click(screen.getByRole('button', { name: 'Remove reminder: 15 min before' }));
    expect(input.value).toBe('Call mom Sunday at 3pm');
    expect(within(chips()!).getAllByRole('listitem')).toHaveLength(1);
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(api.chat).toHaveBeenCalledWith('Call mom Sunday at 3pm', null);
    expect(chips()).toBeNull();
  });
});
