import { z } from 'zod';
import { describeRule } from '../../core/domain/recurrence/description';
import { TimeZone } from '../../core/domain/time';
import { screenMessage, understand } from '../../core/nlu';
import {
  IntentSchema,
  PrioritySchema,
  RecurrenceSlotSchema,
  ReminderSlotSchema,
  TaskSlotsSchema,
} from '../../core/nlu/schema';
import { route } from '../_runtime/define-function';

/** As long as a chat message; the parser itself reads the first 1000 characters. */
export const PARSE_TEXT_MAX = 4000;

const ParseRequest = z
  .object({
    text: z
      .string()
      .min(1, 'type something to parse')
      .max(PARSE_TEXT_MAX, `at most ${PARSE_TEXT_MAX} characters`),
    timezone: TimeZone.optional(),
    mode: z.enum(['chat', 'task']).default('chat'),
  })
  .strict();

// A pair rather than z.tuple: the same JSON, but `items` + `minItems`/`maxItems` in the OpenAPI
// document instead of `prefixItems`, which Schemathesis cannot check a response against.
const Span = z
  .array(z.number().int().min(0))
  .length(2)
  .describe('[start, end): UTF-16 code unit offsets into `text`, end exclusive');
const spans = z.array(Span).describe('The words of `text` this part came from; empty when it was implied');

const Part = z.discriminatedUnion('field', [
  z.object({
    field: z.literal('due'),
    value: z.iso.datetime({ offset: true }).describe('ISO 8601 with the offset of `timezone`'),
    spans,
  }),
  z.object({
    field: z.literal('recurrence'),
    value: RecurrenceSlotSchema,
    summary: z
      .string()
      .describe('The repeat in words, as the app says it elsewhere: "weekly", "every weekday"'),
    spans,
  }),
  z.object({ field: z.literal('reminders'), value: z.array(ReminderSlotSchema), spans }),
  z.object({ field: z.literal('priority'), value: PrioritySchema, spans }),
  z.object({ field: z.literal('tags'), value: z.string().describe('One tag, lower case, no "#"'), spans }),
  z.object({ field: z.literal('description'), value: z.string(), spans }),
]);

const ParseResponse = z.object({
  intent: IntentSchema,
  confidence: z.number().min(0).max(1),
  title: z.string().optional().describe('A new task: its title, once the parts are taken out'),
  target: z.string().optional().describe('A change: the words naming the task it changes'),
  timezone: z.string().describe('The zone dates were read in: the one given, else the settings’'),
  task: TaskSlotsSchema.omit({ title: true }).describe('The parts as task fields (`POST /api/tasks`)'),
  parts: z.array(Part).describe('One per thing understood: the fields whole, tags one by one'),
});

/**
 * `POST /api/parse`: what the chat's parser understands in a line being typed, and which words
 * gave each part, so quick add can show them as chips and strip a removed one. Reads nothing but
 * the settings' time zone and changes nothing.
 */
export const parseRoute = route({
  method: 'post',
  path: '/api/parse',
  summary: 'Parse a line as the chat would, part by part',
  description:
    'Nothing is created or changed. `mode: "chat"` reads the text as a chat message; `mode: "task"` reads it as a new task whatever it says. Each part carries the ranges of `text` it came from: remove them to remove the part.',
  tags: ['chat'],
  body: ParseRequest,
  responses: {
    200: { description: 'What was understood', schema: ParseResponse },
    400: {
      description:
        'A problem naming the field: `text` empty or too long, `timezone` unknown, `mode` not chat or task',
    },
  },
  handler: async ({ body, deps }) => {
    const timezone = body.timezone ?? (await deps.settings.get()).timezone;
    const understood = understand(body.text, {
      // Screened once, here at the edge, as the chat's own route does.
      screened: screenMessage(body.text),
      now: deps.clock.now(),
      timeZone: timezone,
      as: body.mode === 'task' ? 'task' : 'message',
    });
    const parts = understood.parts.map((part) =>
      part.field === 'recurrence' ? { ...part, summary: describeRule(part.value) } : part,
    );
    return { status: 200, body: { ...understood, parts, timezone } };
  },
});
