import { createStore } from 'solid-js/store';
import { type Api, ApiError } from '../api/client';
import type { ChatReply, Task } from '../api/types';

const CONVERSATION_KEY = 'taskwire.conversation';

export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant' | 'error';
  text: string;
  at: string;
  /** The assistant needs an answer before it can act. */
  question?: string;
  tasks?: Task[];
  /** For an error: the message that failed, so it can be sent again. */
  retry?: string;
}

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The conversation with the assistant; the id survives reloads so history comes back. */
export function createChatStore(deps: {
  api: Pick<Api, 'chat' | 'getConversation'>;
  storage?: Storage;
  /** Tasks the assistant created, changed or listed: the list shows them without waiting for the stream. */
  onReply?: (reply: ChatReply) => void;
}) {
  const [state, setState] = createStore({
    messages: [] as ChatMessage[],
    pending: false,
    conversationId: read(deps.storage),
  });
  let counter = 0;
  const nextId = () => `m${++counter}`;

  function remember(id: string | null): void {
    setState('conversationId', id);
    try {
      if (id) deps.storage?.setItem(CONVERSATION_KEY, id);
      else deps.storage?.removeItem(CONVERSATION_KEY);
    } catch {
      // storage may be unavailable; the conversation still works for this tab
    }
  }

  function append(message: Omit<ChatMessage, 'id'>): void {
    setState('messages', (list) => [...list, { ...message, id: nextId() }]);
  }

  async function loadHistory(): Promise<void> {
    const id = state.conversationId;
    if (!id) return;
    try {
      const conversation = await deps.api.getConversation(id);
      if (state.messages.length > 0) return;
      setState(
        'messages',
        conversation.messages.map((m) => ({ id: nextId(), role: m.role, text: m.text, at: m.at })),
      );
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) remember(null);
    }
  }

  async function send(text: string): Promise<boolean> {
    const message = text.trim();
    if (!message || state.pending) return false;
    setState('pending', true);
    append({ role: 'user', text: message, at: new Date().toISOString() });
    try {
      const reply = await deps.api.chat(message, state.conversationId);
      remember(reply.conversationId);
      const question = reply.question?.trim() || undefined;
      append({
        role: 'assistant',
        text: reply.reply,
        at: new Date().toISOString(),
        ...(question ? { question } : {}),
        ...(reply.tasks?.length ? { tasks: reply.tasks } : {}),
      });
      deps.onReply?.(reply);
      return true;
    } catch (err) {
      const text =
        err instanceof ApiError && err.status === 404
          ? 'The assistant is not available on this server yet. Use “New task” meanwhile.'
          : `Not sent: ${err instanceof Error ? err.message : 'something went wrong'}`;
      append({ role: 'error', text, at: new Date().toISOString(), retry: message });
      return false;
    } finally {
      setState('pending', false);
    }
  }

  function startOver(): void {
    remember(null);
    setState('messages', []);
  }

  return { state, send, loadHistory, startOver };
}

function read(storage: Storage | undefined): string | null {
  try {
    return storage?.getItem(CONVERSATION_KEY) ?? null;
  } catch {
    return null;
  }
}

export type ChatStore = ReturnType<typeof createChatStore>;
