/**
 * Recurrence: the engine (which instants a series occurs at), planning (what completing an
 * instance creates), validation (rules the schema cannot see) and description (English text).
 */
export { describeRule } from './description';
export {
  type EndReason,
  firstMatchingOccurrence,
  nextOccurrence,
  type Occurrence,
  occurrencesAfter,
  occurrencesBefore,
  type Schedule,
} from './engine';
export {
  DEFAULT_HORIZON_DAYS,
  DEFAULT_MAX_CATCH_UP,
  type Plan,
  type PlanInput,
  type PlannedInstance,
  planNextInstances,
} from './planning';
export { type RuleIssue, validateRule } from './validation';
