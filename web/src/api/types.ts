/** The server's shapes as the client sees them (see the API contract in issue 5). */

export type Priority = 'low' | 'medium' | 'high';
export type TaskStatus = 'active' | 'completed';
export type ReminderChannel = 'email' | 'in-app';
export type Frequency = 'daily' | 'weekly' | 'monthly' | 'yearly';
export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';
export type RecurrenceMode = 'schedule' | 'completion';

export interface Reminder {
  minutesBefore: number;
  channel?: ReminderChannel;
}

export interface Recurrence {
  frequency: Frequency;
  interval: number;
  byWeekday?: Weekday[];
  byMonthDay?: number;
  until?: string;
  count?: number;
}

export interface Task {
  id: string;
  title: string;
  description: string | null;
  due: string | null;
  timezone: string;
  priority: Priority | null;
  tags: string[];
  status: TaskStatus;
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  version: number;
  reminders: Reminder[];
  seriesId: string | null;
  occurrenceAt: string | null;
  catchUp: boolean;
  recurrence?: Recurrence | null;
  recurrenceMode?: RecurrenceMode | null;
}

/** Body of POST /api/tasks. `due` is an ISO instant or a wall-clock time read in `timezone`. */
export interface TaskInput {
  title: string;
  description?: string | null;
  due?: string | null;
  timezone?: string;
  priority?: Priority | null;
  tags?: string[];
  reminders?: Reminder[];
  recurrence?: Recurrence | null;
  recurrenceMode?: RecurrenceMode;
}

export type TaskPatch = Partial<TaskInput> & { status?: TaskStatus };

export type SortKey = 'due' | 'created' | 'updated' | 'priority' | 'title';
export type Sort = SortKey | `-${SortKey}`;

export interface TaskQuery {
  status?: 'active' | 'completed' | 'all';
  priority?: Priority[];
  tag?: string[];
  dueBefore?: string;
  dueAfter?: string;
  q?: string;
  sort?: Sort;
  limit?: number;
  cursor?: string;
}

export interface TaskPage {
  tasks: Task[];
  nextCursor: string | null;
}

export interface Settings {
  timezone: string;
  email: string | null;
  defaultReminderChannel: ReminderChannel;
  updatedAt: string | null;
}

export type SettingsInput = Partial<Pick<Settings, 'timezone' | 'email' | 'defaultReminderChannel'>>;

export interface AuditEntry {
  eventType: string;
  action: string;
  actor: string;
  at: string;
  details: Record<string, unknown> | null;
}

export interface ChatOperation {
  intent: string;
  taskId?: string;
  [key: string]: unknown;
}

export interface ChatReply {
  conversationId: string;
  reply: string;
  operations: ChatOperation[];
  question?: string | null;
  tasks?: Task[];
}

export interface ConversationMessage {
  role: 'user' | 'assistant';
  text: string;
  at: string;
}

export interface Conversation {
  id: string;
  messages: ConversationMessage[];
}

export type NotificationKind = 'reminder' | 'digest' | 'reminder-failed';

export interface AppNotification {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  taskIds: string[];
  createdAt: string;
  readAt: string | null;
}

export interface NotificationList {
  notifications: AppNotification[];
  unread: number;
}

export type TaskChange = 'created' | 'updated' | 'completed' | 'reopened' | 'deleted' | 'restored' | 'purged';

export interface TaskUpdate {
  kind: 'task';
  type: TaskChange;
  taskId: string;
  /** The task's version after this change. */
  sequence: number;
  task: Task | null;
}

export interface NotificationUpdate {
  kind: 'notification';
  notification: AppNotification;
}

export type Update = TaskUpdate | NotificationUpdate;

export interface FieldError {
  field: string;
  message: string;
}

/** A browser's push subscription, as `PushSubscription.toJSON()` gives it (POST /api/push/subscriptions). */
export interface PushSubscriptionJson {
  endpoint: string;
  expirationTime?: number | null;
  keys: { p256dh: string; auth: string };
}
