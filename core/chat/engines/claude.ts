import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { ParseResult } from '../../nlu';
import { QueryFilterSchema, TaskSlotsSchema } from '../../nlu';
import type { Logger } from '../../observability/logger';
import { type ActContext, type ActOutcome, act, type Engine, type OperationRecord } from '../agent';
import type { Conversation } from '../conversation';

const PROMPT_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'prompts', 'system.md');

const Confidence = z.number().min(0).max(1).default(0.9).describe('How sure you are, 0 to 1');
const Target = z
  .string()
  .min(1)
  .max(200)
  .describe('The person\'s words for the task, or "it" for the one just discussed');

/** The tools: one zod schema each, turned into the tool's JSON input schema and used to validate its calls. */
export const TOOLS = {
  create_task: {
    description: 'Create a task.',
    input: TaskSlotsSchema.extend({ title: z.string().min(1).max(500), confidence: Confidence }),
    decide: (i: Record<string, unknown>): ParseResult => {
      const { confidence, ...task } = i as { confidence: number } & Record<string, unknown>;
      return { intent: 'create', confidence, task };
    },
  },
  update_task: {
    description: 'Change fields of an existing task. Send only the fields that change.',
    input: z.object({ target: Target, changes: TaskSlotsSchema, confidence: Confidence }),
    decide: (i: Record<string, unknown>): ParseResult => ({
      intent: 'update',
      confidence: i.confidence as number,
      target: i.target as string,
      task: i.changes as ParseResult['task'],
    }),
  },
  complete_task: {
    description: 'Mark an existing task as done.',
    input: z.object({ target: Target, confidence: Confidence }),
    decide: (i: Record<string, unknown>): ParseResult => ({
      intent: 'complete',
      confidence: i.confidence as number,
      target: i.target as string,
    }),
  },
  delete_task: {
    description: 'Move an existing task to the trash (restorable for 30 days).',
    input: z.object({ target: Target, confidence: Confidence }),
    decide: (i: Record<string, unknown>): ParseResult => ({
      intent: 'delete',
      confidence: i.confidence as number,
      target: i.target as string,
    }),
  },
  find_tasks: {
    description: 'List tasks matching a filter (status defaults to active).',
    input: z.object({ filter: QueryFilterSchema.default({}), confidence: Confidence }),
    decide: (i: Record<string, unknown>): ParseResult => ({
      intent: 'query',
      confidence: i.confidence as number,
      filter: { status: 'active', ...(i.filter as object) },
    }),
  },
  completed_between: {
    description: 'What the person completed between two instants, from the audit trail.',
    input: z.object({
      completedAfter: z.iso.datetime({ offset: true }),
      completedBefore: z.iso.datetime({ offset: true }),
      confidence: Confidence,
    }),
    decide: (i: Record<string, unknown>): ParseResult => ({
      intent: 'query',
      confidence: i.confidence as number,
      filter: {
        status: 'completed',
        completedAfter: i.completedAfter as string,
        completedBefore: i.completedBefore as string,
      },
    }),
  },
  ask_user: {
    description: 'Ask the person one targeted question when something required is missing or ambiguous.',
    input: z.object({ question: z.string().min(1).max(500) }),
    decide: (i: Record<string, unknown>): ParseResult => ({
      intent: 'clarify',
      confidence: 1,
      question: i.question as string,
    }),
  },
} as const;

type ToolName = keyof typeof TOOLS;

export function toolDefinitions(): Anthropic.Tool[] {
  return (Object.entries(TOOLS) as [ToolName, (typeof TOOLS)[ToolName]][]).map(([name, t]) => {
    const schema = z.toJSONSchema(t.input, { io: 'input', unrepresentable: 'any' }) as Record<
      string,
      unknown
    >;
    delete schema.$schema;
    return { name, description: t.description, input_schema: schema as Anthropic.Tool.InputSchema };
  });
}

const MAX_ROUNDS = 6;
const HISTORY = 20;

export interface ClaudeOptions {
  apiKey: string;
  baseURL?: string | undefined;
  model: string;
  log: Logger;
  timeoutMs?: number;
}

/**
 * Claude through the Messages API with tool use. Every tool call is validated with its zod schema
 * and carried out by the same `act` as the offline engine, so both engines share skills, target
 * resolution, confirmations and commands.
 */
export function claudeEngine(opts: ClaudeOptions): Engine {
  // The SDK (~390 KiB of code) loads with the first message, like the mail SDKs: a process without
  // a key, or one that never chats, does not compile it at start.
  let opened: Promise<Anthropic> | undefined;
  const open = () =>
    (opened ??= import('@anthropic-ai/sdk').then(
      ({ default: Client }) =>
        new Client({
          apiKey: opts.apiKey,
          ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
          timeout: opts.timeoutMs ?? 30_000,
          maxRetries: 1,
        }),
    ));
  const basePrompt = readFileSync(PROMPT_PATH, 'utf8');
  const tools = toolDefinitions();

  return {
    name: 'claude',
    async handle(message: string, conversation: Conversation, ctx: ActContext): Promise<ActOutcome> {
      const system = `${basePrompt}\n\nNow: ${ctx.now.toISOString()} (UTC). The person's time zone: ${ctx.timeZone}.`;
      const messages: Anthropic.MessageParam[] = conversation.messages
        .slice(-HISTORY)
        .map((m) => ({ role: m.role, content: m.text }));
      while (messages[0]?.role === 'assistant') messages.shift();
      messages.push({ role: 'user', content: ctx.screened.text || message });
      const operations: OperationRecord[] = [];
      const replies: string[] = [];
      let lastTaskId = ctx.lastTaskId;
      let tasks: ActOutcome['tasks'];
      let destructive = 0;
      const client = await open();
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const response = await client.messages.create({
          model: opts.model,
          max_tokens: 1024,
          system,
          tools,
          messages,
        });
        const uses = response.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
        const text = response.content
          .filter((b): b is Anthropic.TextBlock => b.type === 'text')
          .map((b) => b.text)
          .join('\n')
          .trim();
        if (response.stop_reason !== 'tool_use' || uses.length === 0) {
          return {
            reply: text || replies.join(' ') || 'Done.',
            operations,
            ...(tasks ? { tasks } : {}),
            ...(lastTaskId ? { lastTaskId } : {}),
          };
        }
        messages.push({ role: 'assistant', content: response.content });
        const results: Anthropic.ToolResultBlockParam[] = [];
        for (const use of uses) {
          const tool = TOOLS[use.name as ToolName];
          if (!tool) {
            results.push({
              type: 'tool_result',
              tool_use_id: use.id,
              is_error: true,
              content: `unknown tool ${use.name}`,
            });
            continue;
          }
          const parsed = tool.input.safeParse(use.input);
          if (!parsed.success) {
            const issues = parsed.error.issues
              .map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`)
              .join('; ');
            opts.log.info({ tool: use.name, issues }, 'tool call rejected by validation');
            results.push({
              type: 'tool_result',
              tool_use_id: use.id,
              is_error: true,
              content: `invalid input: ${issues}`,
            });
            continue;
          }
          const decision = tool.decide(parsed.data as Record<string, unknown>);
          if (decision.intent === 'delete' || decision.intent === 'complete') {
            destructive++;
            if (destructive > 1) {
              results.push({
                type: 'tool_result',
                tool_use_id: use.id,
                is_error: true,
                content:
                  'only one task may be completed or deleted per message; ask the person to confirm the next one',
              });
              continue;
            }
          }
          const outcome = await act(decision, { ...ctx, lastTaskId });
          operations.push(...outcome.operations);
          if (outcome.lastTaskId) lastTaskId = outcome.lastTaskId;
          if (outcome.tasks) tasks = outcome.tasks;
          // A question for the person (confirm, pick one, missing detail) ends the turn: it is theirs to answer.
          if (outcome.question) return { ...outcome, operations, ...(lastTaskId ? { lastTaskId } : {}) };
          replies.push(outcome.reply);
          results.push({
            type: 'tool_result',
            tool_use_id: use.id,
            content: JSON.stringify({
              result: outcome.reply,
              tasks: outcome.tasks
                ?.slice(0, 20)
                .map((t) => ({ title: t.title, due: t.due, status: t.status })),
            }),
          });
        }
        messages.push({ role: 'user', content: results });
      }
      return {
        reply: replies.join(' ') || 'Done.',
        operations,
        ...(tasks ? { tasks } : {}),
        ...(lastTaskId ? { lastTaskId } : {}),
      };
    },
  };
}
