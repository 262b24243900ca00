import { z } from 'zod';
import { TaskView } from '../domain/task';
import { ParseResultSchema, PendingClarificationSchema } from '../nlu';
import type { Clock } from '../ports/clock';
import { StateConflictError, type StateStore } from '../ports/state';

/** Conversations are kept at least this long after their last message, then purged. */
export const CONVERSATION_TTL_SECONDS = 30 * 86_400;
const MAX_MESSAGES = 100;

export const ChatMessage = z.object({
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  at: z.iso.datetime({ offset: true }),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const Candidate = z.object({ id: z.uuid(), title: z.string(), due: z.string().nullable().optional() });
export type Candidate = z.infer<typeof Candidate>;

/** The last change made to a task picked among others, so "no, the other one" can redo it there. */
export const LastChange = z.object({
  decision: ParseResultSchema,
  taskId: z.uuid(),
  /** The task before the change, to put it back. */
  before: TaskView,
  /** The other candidates it was picked from. */
  alternatives: z.array(Candidate).min(1),
});
export type LastChange = z.infer<typeof LastChange>;

/** What the assistant is waiting for: the answer to a question, a pick, or a yes/no. */
export const Pending = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('clarify'), value: PendingClarificationSchema }),
  z.object({ kind: z.literal('choose'), decision: ParseResultSchema, candidates: z.array(Candidate).min(2) }),
  z.object({ kind: z.literal('confirm'), decision: ParseResultSchema, summary: z.string() }),
]);
export type Pending = z.infer<typeof Pending>;

export const Conversation = z.object({
  id: z.uuid(),
  messages: z.array(ChatMessage),
  context: z.object({
    /** The task "it" / "that" refers to. */
    lastTaskId: z.uuid().optional(),
    /** The tasks last shown, in order: "the second one". */
    listed: z.array(z.uuid()).max(50).optional(),
    lastChange: LastChange.optional(),
    pending: Pending.optional(),
  }),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type Conversation = z.infer<typeof Conversation>;

const key = (id: string) => `conversation:${id}`;

/** Conversations through the state-store port (a table here, the Dapr state API in the cluster). */
export class ConversationStore {
  constructor(
    private readonly state: StateStore,
    private readonly clock: Clock,
  ) {}

  async load(id: string): Promise<{ conversation: Conversation; etag: string } | undefined> {
    const entry = await this.state.get<unknown>(key(id));
    if (!entry) return undefined;
    const parsed = Conversation.safeParse(entry.value);
    return parsed.success ? { conversation: parsed.data, etag: entry.etag } : undefined;
  }

  fresh(id: string): Conversation {
    const now = this.clock.now().toISOString();
    return { id, messages: [], context: {}, createdAt: now, updatedAt: now };
  }

  /** Saves with etag concurrency; returns false when another message changed it meanwhile. */
  async save(conversation: Conversation, etag: string | undefined): Promise<boolean> {
    const value: Conversation = {
      ...conversation,
      messages: conversation.messages.slice(-MAX_MESSAGES),
      updatedAt: this.clock.now().toISOString(),
    };
    try {
      await this.state.set(key(conversation.id), value, {
        ttlSeconds: CONVERSATION_TTL_SECONDS,
        ...(etag !== undefined ? { etag } : {}),
      });
      return true;
    } catch (err) {
      if (err instanceof StateConflictError) return false;
      throw err;
    }
  }
}
