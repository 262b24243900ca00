import { z } from 'zod';
import { OperationRecord, respond } from '../../core/chat/agent';
import { ChatMessage, ConversationStore } from '../../core/chat/conversation';
import { claudeEngine } from '../../core/chat/engines/claude';
import { offlineEngine } from '../../core/chat/engines/offline';
import { inProcessOperations } from '../../core/chat/operations';
import { TaskView } from '../../core/domain/task';
import { requiredText } from '../../core/domain/text';
import { NotFoundError } from '../../core/errors';
import { ChatInputFlagged } from '../../core/events/catalog';
import { type ScreenedMessage, screenMessage, warmUpParser } from '../../core/nlu';
import { commandContext } from '../_runtime/command-context';
import { defineFunction } from '../_runtime/define-function';
import type { Deps } from '../_runtime/deps';
import { parseRoute } from './parse';

export const MESSAGE_MAX = 4000;

const ChatRequest = z
  .object({
    message: requiredText(MESSAGE_MAX, 'say something'),
    conversationId: z.uuid('conversation ids are UUIDs').optional(),
  })
  .strict();

const ChatResponse = z.object({
  conversationId: z.uuid(),
  reply: z.string(),
  operations: z.array(OperationRecord),
  question: z.string().optional(),
  tasks: z.array(TaskView).optional(),
  engine: z.enum(['offline', 'claude']),
});

/** Claude when a key is configured (one client per process), else the offline parser. */
function engineFor(deps: Deps) {
  if (!deps.env.ANTHROPIC_API_KEY) return offlineEngine;
  return claudeEngine({
    apiKey: deps.env.ANTHROPIC_API_KEY,
    baseURL: deps.env.ANTHROPIC_BASE_URL,
    model: deps.env.ANTHROPIC_MODEL,
    log: deps.log.child({ engine: 'claude' }),
  });
}

function findingsOf(message: ScreenedMessage): string[] {
  const f = message.findings;
  return (Object.keys(f) as (keyof typeof f)[]).filter((k) => f[k] && k !== 'bulk');
}

export default defineFunction({
  id: 'chat',
  description:
    'The assistant: turns a message into task operations (offline parser, or Claude with a key); previews what the parser understands.',
  setup: (deps) => {
    // The parser's rules compile on first use (about a second of CPU): soon after start, in small
    // steps, not in the first person's request. A second after setup, so that the rest of start-up
    // (opening the database, the first ticks, listening) comes first and /ready answers sooner.
    // Unref'd, so it never holds a process open.
    setTimeout(() => void warmUpParser(deps.clock.now()), 1000).unref();
    return { engine: engineFor(deps) };
  },
  routes: (route) => [
    route({
      method: 'post',
      path: '/api/chat',
      summary: 'Send a chat message',
      description:
        'Runs the message through the assistant. Operations go through the same commands and events as the REST API. When it needs an answer first, `question` says what.',
      tags: ['chat'],
      body: ChatRequest,
      responses: {
        200: {
          description: 'The reply',
          schema: ChatResponse,
          links: {
            GetConversation: {
              method: 'get',
              path: '/api/conversations/:id',
              parameters: { id: '$response.body#/conversationId' },
            },
          },
        },
      },
      handler: async (ctx) => {
        const { deps } = ctx;
        const settings = await deps.settings.get();
        // Sanitised and screened once, here at the edge; the agent and the parser use this as is.
        const screened = screenMessage(ctx.body.message);
        const findings = findingsOf(screened);
        const { engine } = ctx.local;
        const result = await respond(
          {
            ops: inProcessOperations(commandContext(ctx, 'chat'), deps.database.db),
            conversations: new ConversationStore(deps.state, deps.clock),
            engine,
            ...(engine.name === 'claude' ? { fallback: offlineEngine } : {}),
            timeZone: settings.timezone,
            now: () => deps.clock.now(),
            newId: deps.newId,
            confirmBelow: deps.env.CHAT_CONFIRM_BELOW,
            log: ctx.log,
          },
          { ...ctx.body, screened },
        );
        if (findings.includes('injection')) {
          ctx.log.warn(
            { conversationId: result.conversationId, findings },
            'chat input flagged; nothing was changed',
          );
          const event = ChatInputFlagged.create(
            {
              data: {
                conversationId: result.conversationId,
                findings,
                excerpt: ctx.body.message.slice(0, 200),
                actor: 'chat',
              },
              subject: result.conversationId,
              sequence: 1,
            },
            ctx.meta,
          );
          await ctx.insertAtomically([], [event]);
        }
        return { status: 200, body: result };
      },
    }),
    route({
      method: 'get',
      path: '/api/conversations/:id',
      summary: 'Read a conversation (kept 30 days after its last message)',
      tags: ['chat'],
      params: z.object({ id: z.uuid('conversation ids are UUIDs') }),
      responses: {
        200: {
          description: 'The conversation',
          schema: z.object({
            id: z.uuid(),
            messages: z.array(ChatMessage),
            createdAt: z.string(),
            updatedAt: z.string(),
          }),
        },
        404: { description: 'No such conversation (or it expired)' },
      },
      handler: async ({ params, deps }) => {
        const loaded = await new ConversationStore(deps.state, deps.clock).load(params.id);
        if (!loaded) throw new NotFoundError(`no conversation ${params.id}`);
        const { id, messages, createdAt, updatedAt } = loaded.conversation;
        return { status: 200, body: { id, messages, createdAt, updatedAt } };
      },
    }),
    parseRoute,
  ],
});
