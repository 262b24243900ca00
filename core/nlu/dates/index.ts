// Dates and times in the user's zone: chrono-node plus the phrases a to-do list reads its own way.
export type { DateContext, FoundDate } from './context';
export { dateRuleWarmUps, findDates } from './find';
export { nextMonthDay } from './phrases';
