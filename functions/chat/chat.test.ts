/**
 * The chat function's HTTP contract: what POST /api/chat and GET /api/conversations/:id answer.
 * What the assistant makes of a message (the parser, the engines) is tested in core/nlu and
 * core/chat, and end to end in test/chat.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type FunctionKit, functionKit } from '../../test/support/function-kit';
import chat from '.';

let kit: FunctionKit;
beforeEach(async () => {
  kit = await functionKit(chat, { now: '2026-03-04T14:00:00Z' });
});
afterEach(async () => kit.close());

const Reply = z.object({
  conversationId: z.uuid(),
  reply: z.string().min(1),
  operations: z.array(z.object({ intent: z.string() }).passthrough()),
  question: z.string().optional(),
  tasks: z.array(z.unknown()).optional(),
  engine: z.literal('offline'),
});
const Conversation = z.object({
  id: z.uuid(),
  messages: z.array(z.object({ role: z.enum(['user', 'assistant']) }).passthrough()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const send = (message: string, conversationId?: string) =>
  kit.json('/api/chat', { method: 'POST', json: { message, ...(conversationId ? { conversationId } : {}) } });

describe('chat: the handlers', () => {
  it('setup picks the engine once per process: offline without a key, Claude with one', async () => {
    expect((kit.instance.local as { engine: { name: string } }).engine.name).toBe('offline');
    const withKey = await functionKit(chat, { env: { ANTHROPIC_API_KEY: 'sk-test-not-used' } });
    try {
      expect((withKey.instance.local as { engine: { name: string } }).engine.name).toBe('claude');
    } finally {
      await withKey.close();
    }
  });

  it('answers a message in a conversation it keeps, and reads the conversation back', async () => {
    const first = await kit.call('post', '/api/chat', { body: { message: 'hi there' } });
    expect(first.status).toBe(200);
    const { conversationId } = Reply.parse(first.body);
    const second = await kit.call('post', '/api/chat', { body: { message: 'thanks', conversationId } });
    expect(Reply.parse(second.body).conversationId).toBe(conversationId);
    const read = await kit.call('get', '/api/conversations/:id', { params: { id: conversationId } });
    expect(read.status).toBe(200);
    const conversation = Conversation.parse(read.body);
    expect(conversation.id).toBe(conversationId);
    expect(conversation.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(conversation.messages[0]).toMatchObject({ text: 'hi there' });
  });
});

describe('chat: its app over HTTP', () => {
  it('POST /api/chat → 200 with the reply; the conversation is readable at GET /api/conversations/:id', async () => {
    const res = await send('hi there');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const { conversationId } = Reply.parse(res.body);
    const conv = await kit.json(`/api/conversations/${conversationId}`);
    expect(conv.status).toBe(200);
    expect(Conversation.parse(conv.body).messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('a conversation is kept 30 days after its last message, then 404', async () => {
    const { conversationId } = Reply.parse((await send('hi there')).body);
    kit.clock.advance(29 * 86_400_000);
    expect((await kit.json(`/api/conversations/${conversationId}`)).status).toBe(200);
    kit.clock.advance(2 * 86_400_000);
    const gone = await kit.json<{ type: string }>(`/api/conversations/${conversationId}`);
    expect(gone.status).toBe(404);
    expect(gone.body.type).toBe('/problems/not-found');
  });

  it('an unknown conversation → 404 problem, a malformed id → 400 naming it', async () => {
    const missing = await kit.json('/api/conversations/00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const bad = await kit.json<{ errors: { field: string }[] }>('/api/conversations/nope');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]!.field).toBe('id');
  });

  it('rejects an empty or oversized message naming the field', async () => {
    for (const message of ['', '   ', 'x'.repeat(20_000)]) {
      const res = await kit.json<{ errors: { field: string }[] }>('/api/chat', {
        method: 'POST',
        json: { message },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]!.field).toBe('message');
    }
    const bad = await kit.json<{ errors: { field: string }[] }>('/api/chat', {
      method: 'POST',
      json: { message: 'hi', conversationId: 'nope' },
    });
    expect(bad.body.errors[0]!.field).toBe('conversationId');
  });

  it('an unknown field or no body → 400 naming it, and nothing is kept', async () => {
    const extra = await kit.json<{ errors: { field: string }[] }>('/api/chat', {
      method: 'POST',
      json: { message: 'hi', mood: 'happy' },
    });
    expect(extra.status).toBe(400);
    expect(extra.body.errors[0]!.field).toBe('mood');
    const none = await kit.json<{ errors: { field: string }[] }>('/api/chat', { method: 'POST' });
    expect(none.status).toBe(400);
    expect(none.body.errors[0]!.field).toBe('(body)');
    expect(await kit.emitted()).toEqual([]);
  });
});
