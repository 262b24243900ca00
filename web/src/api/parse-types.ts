/**
 * `POST /api/parse` as the client sees it (the route's zod schemas in functions/chat/parse.ts are
 * the contract; kept apart from types.ts so the generated types can replace both).
 */
import type { Priority, Recurrence, Reminder } from './types';

/** [start, end) offsets into the text that was parsed, end exclusive. */
export type Span = [number, number];

export type ParseMode = 'chat' | 'task';

export type ParsedPart =
  | { field: 'due'; value: string; spans: Span[] }
  | { field: 'recurrence'; value: Recurrence; spans: Span[] }
  | { field: 'reminders'; value: Reminder[]; spans: Span[] }
  | { field: 'priority'; value: Priority; spans: Span[] }
  | { field: 'tags'; value: string; spans: Span[] }
  | { field: 'description'; value: string; spans: Span[] };

export interface ParsedLine {
  intent: 'create' | 'update' | 'complete' | 'delete' | 'query' | 'clarify' | 'none';
  confidence: number;
  title?: string;
  target?: string;
  /** The zone the dates were read in. */
  timezone: string;
  parts: ParsedPart[];
}

export interface ParseInput {
  text: string;
  timezone?: string;
  mode?: ParseMode;
}
