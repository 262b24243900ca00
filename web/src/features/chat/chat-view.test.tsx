import { fireEvent, render, screen, within } from '@solidjs/testing-library';
import { describe, expect, it, vi } from 'vitest';
import type { ChatReply } from '../../api/types';
import { createChatStore } from '../../stores/chat-store';
import { makeTask } from '../../test-support/fixtures';
import { ChatPanel } from './chat-panel';

function setup(reply: (message: string) => ChatReply | Promise<ChatReply>) {
  const api = {
    chat: vi.fn(async (message: string) => reply(message)),
    getConversation: vi.fn(),
  };
  const onReply = vi.fn();
  render(() => {
    const chat = createChatStore({ api, onReply });
    return <ChatPanel chat={chat} now={() => new Date('2030-01-02T09:00:00Z')} timeZone={() => 'UTC'} />;
  });
  const input = screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
  const type = (text: string) => fireEvent.input(input, { target: { value: text } });
  return { api, onReply, input, type, log: screen.getByRole('log', { name: 'Conversation' }) };
}

describe('chat', () => {
  it('sends on Enter, clears the box and shows the reply', async () => {
    const { api, input, type, log, onReply } = setup(() => ({
      conversationId: 'c1',
      engine: 'offline',
      reply: 'Added “Buy milk” for tomorrow 17:00.',
      operations: [{ intent: 'create', taskId: 't1' }],
    }));
    type('Buy milk tomorrow at 5pm');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(api.chat).toHaveBeenCalledWith('Buy milk tomorrow at 5pm', null);
    expect(input.value).toBe('');
    expect(await within(log).findByText('Added “Buy milk” for tomorrow 17:00.')).toBeTruthy();
    expect(within(log).getByText('Buy milk tomorrow at 5pm')).toBeTruthy();
    expect(onReply).toHaveBeenCalledWith(
      expect.objectContaining({ operations: [{ intent: 'create', taskId: 't1' }] }),
    );
  });

  it('keeps a new line on Shift+Enter instead of sending', () => {
    const { api, input, type } = setup(() => ({
      conversationId: 'c1',
      engine: 'offline',
      reply: 'ok',
      operations: [],
    }));
    type('first line');
    fireEvent.keyDown(input, { key: 'Enter', shiftKey: true });
    expect(api.chat).not.toHaveBeenCalled();
  });

  it('highlights the question the assistant needs answered, and continues the conversation', async () => {
    const { api, input, type, log } = setup((message) =>
      message === 'Call mom'
        ? {
            conversationId: 'c7',
            engine: 'offline',
            reply: 'When should I remind you?',
            question: 'When should I remind you?',
            operations: [],
          }
        : { conversationId: 'c7', engine: 'offline', reply: 'Done.', operations: [] },
    );
    type('Call mom');
    fireEvent.keyDown(input, { key: 'Enter' });
    const question = await within(log).findByText('When should I remind you?');
    expect(question.closest('.msg-question')).toBeTruthy();
    expect(within(log).getByText('Needs your answer')).toBeTruthy();
    type('Sunday at 3pm');
    fireEvent.keyDown(input, { key: 'Enter' });
    await within(log).findByText('Done.');
    expect(api.chat).toHaveBeenLastCalledWith('Sunday at 3pm', 'c7');
  });

  it('lists the tasks a question returned, without checkboxes', async () => {
    const { input, type, log } = setup(() => ({
      conversationId: 'c1',
      engine: 'offline',
      reply: 'One task is due this week.',
      operations: [{ intent: 'query' }],
      tasks: [makeTask({ title: 'Dentist', due: '2030-01-03T16:00:00Z' })],
    }));
    type('What is due this week?');
    fireEvent.keyDown(input, { key: 'Enter' });
    const list = await within(log).findByRole('list', { name: 'Matching tasks' });
    expect(within(list).getByText('Dentist')).toBeTruthy();
    expect(within(list).getByText('tomorrow 16:00')).toBeTruthy();
    expect(within(log).queryByRole('checkbox')).toBeNull();
  });

  it('offers suggestions that fill the box', () => {
    const { api, input } = setup(() => ({
      conversationId: 'c1',
      engine: 'offline',
      reply: 'ok',
      operations: [],
    }));
    fireEvent.click(screen.getByRole('button', { name: 'Buy milk tomorrow at 5pm' }));
    expect(input.value).toBe('Buy milk tomorrow at 5pm');
    expect(api.chat).not.toHaveBeenCalled();
  });
});
