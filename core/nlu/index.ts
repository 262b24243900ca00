/**
 * The offline natural-language parser: one chat message in, one task operation out.
 * Pure TypeScript, no I/O. The Claude engine returns the same shape, validated by
 * `ParseResultSchema`.
 */
export { continueClarification } from './clarify/answer';
export { type InputFindings, inspectInput, type ScreenedMessage, screenMessage } from './input/screen';
export { daysMentioned } from './mentions';
export { parseUtterance, warmUpParser } from './parse';
export {
  IntentSchema,
  ParseResultSchema,
  PendingClarificationSchema,
  QueryFilterSchema,
  RecurrenceSlotSchema,
  ReminderSlotSchema,
  SlotSourcesSchema,
  TaskSlotsSchema,
} from './schema';
export type {
  DueSaid,
  Intent,
  Missing,
  OutOfScope,
  ParseOptions,
  ParseResult,
  PendingClarification,
  Priority,
  QueryFilter,
  RecurrenceSlot,
  ReminderSlot,
  SlotSources,
  TaskSlots,
  WeekdayCode,
} from './types';
export {
  type Span,
  type Understanding,
  type UnderstandOptions,
  type UnderstoodPart,
  understand,
} from './understand';
