import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/** A recurring task's rule and the template every instance is made from. */
export const taskSeries = pgTable(
  'task_series',
  {
    id: uuid('id').primaryKey(),
    rule: jsonb('rule').notNull(),
    mode: text('mode').notNull().default('schedule'),
    template: jsonb('template').notNull(),
    timezone: text('timezone').notNull(),
    /** The first occurrence: the wall-clock anchor every later occurrence is computed from. */
    anchor: instant('anchor').notNull(),
    generatedCount: integer('generated_count').notNull().default(1),
    version: integer('version').notNull().default(1),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
    endedAt: instant('ended_at'),
    /** The next occurrence when it was beyond the generation horizon; created once the horizon reaches it. */
    deferredAt: instant('deferred_at'),
    deferredIndex: integer('deferred_index'),
  },
  (t) => [index('task_series_deferred_idx').on(t.deferredAt).where(sql`${t.deferredAt} is not null`)],
);

export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').primaryKey(),
    title: text('title').notNull(),
    description: text('description'),
    due: instant('due'),
    timezone: text('timezone').notNull(),
    priority: text('priority'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    status: text('status').notNull().default('active'),
    completedAt: instant('completed_at'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
    deletedAt: instant('deleted_at'),
    version: integer('version').notNull().default(1),
    reminders: jsonb('reminders').notNull().default(sql`'[]'::jsonb`),
    seriesId: uuid('series_id').references(() => taskSeries.id, { onDelete: 'set null' }),
    /** The scheduled occurrence this instance stands for; unique per series so generation is idempotent. */
    occurrenceAt: instant('occurrence_at'),
    /** Position of the occurrence in its series (0 = the first). */
    occurrenceIndex: integer('occurrence_index'),
    catchUp: boolean('catch_up').notNull().default(false),
  },
  (t) => [
    index('tasks_live_due_idx').on(t.status, t.due).where(sql`${t.deletedAt} is null`),
    index('tasks_deleted_idx').on(t.deletedAt).where(sql`${t.deletedAt} is not null`),
    index('tasks_tags_idx').using('gin', t.tags),
    uniqueIndex('tasks_series_occurrence_uq').on(t.seriesId, t.occurrenceAt),
  ],
);

/**
 * Transactional outbox, and the event log the live stream replays from: a row is written in the
 * same transaction as the change it announces; the relay publishes it and stamps `published_at`.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    topic: text('topic').notNull(),
    partitionKey: text('partition_key').notNull(),
    event: jsonb('event').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    publishedAt: instant('published_at'),
    leaseOwner: text('lease_owner'),
    leaseUntil: instant('lease_until'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    index('outbox_pending_idx').on(t.partitionKey, t.id).where(sql`${t.publishedAt} is null`),
    index('outbox_unpublished_idx').on(t.id).where(sql`${t.publishedAt} is null`),
    index('outbox_published_idx').on(t.publishedAt),
    // The live stream replays from an event id (Last-Event-ID) by creation time.
    index('outbox_event_id_idx').on(t.eventId),
    index('outbox_created_idx').on(t.createdAt),
  ],
);

/** Consumer-side deduplication: one row per (consumer, source, id) written with the effect. */
export const processedEvents = pgTable(
  'processed_events',
  {
    consumer: text('consumer').notNull(),
    source: text('source').notNull(),
    eventId: text('event_id').notNull(),
    processedAt: instant('processed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.source, t.eventId] })],
);

/** The newest `sequence` a consumer has applied per entity, for consumers that must not go back in time. */
export const appliedSequences = pgTable(
  'applied_sequences',
  {
    consumer: text('consumer').notNull(),
    entityId: text('entity_id').notNull(),
    sequence: integer('sequence').notNull(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.entityId] })],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    eventSource: text('event_source').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    action: text('action').notNull(),
    actor: text('actor').notNull(),
    at: instant('at').notNull(),
    correlationId: text('correlation_id'),
    details: jsonb('details').notNull().default(sql`'{}'::jsonb`),
  },
  (t) => [
    uniqueIndex('audit_event_uq').on(t.eventSource, t.eventId),
    index('audit_entity_idx').on(t.entityId, t.id),
    index('audit_at_idx').on(t.at),
  ],
);

/** Deliveries that exhausted their retries or were rejected: kept where a person can see them. */
export const deadLetters = pgTable(
  'dead_letters',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    consumer: text('consumer').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    event: jsonb('event').notNull(),
    status: integer('status'),
    reason: text('reason').notNull(),
    attempts: integer('attempts').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [index('dead_letters_created_idx').on(t.createdAt)],
);

/** Single-user settings (one row, id 'default'). */
export const settings = pgTable('settings', {
  id: text('id').primaryKey(),
  timezone: text('timezone').notNull(),
  email: text('email'),
  defaultReminderChannel: text('default_reminder_channel').notNull().default('in-app'),
  updatedAt: instant('updated_at').notNull(),
});

/** Key-value state with etags: the embedded and Kafka runtimes' state store (conversations, caches). */
export const stateStore = pgTable(
  'state_store',
  {
    key: text('key').primaryKey(),
    value: jsonb('value').notNull(),
    etag: integer('etag').notNull().default(1),
    expiresAt: instant('expires_at'),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [index('state_store_expires_idx').on(t.expiresAt)],
);

/** One row per reminder of a task: scheduled → fired → sent | failed, or cancelled. */
export const reminders = pgTable(
  'reminders',
  {
    id: uuid('id').primaryKey(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    minutesBefore: integer('minutes_before').notNull(),
    channel: text('channel').notNull(),
    /** The due time this trigger was computed from. */
    dueAt: instant('due_at').notNull(),
    triggerAt: instant('trigger_at').notNull(),
    status: text('status').notNull(),
    leaseOwner: text('lease_owner'),
    leaseUntil: instant('lease_until'),
    firedAt: instant('fired_at'),
    /** How late the reminder fired, in ms (0 when on time). */
    lateMs: integer('late_ms'),
    lastError: text('last_error'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('reminders_task_spec_uq').on(t.taskId, t.minutesBefore, t.channel),
    index('reminders_due_idx').on(t.triggerAt).where(sql`${t.status} = 'scheduled'`),
  ],
);

/** What the app shows under the bell. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    taskIds: jsonb('task_ids').notNull().default(sql`'[]'::jsonb`),
    reminderIds: jsonb('reminder_ids').notNull().default(sql`'[]'::jsonb`),
    createdAt: instant('created_at').notNull(),
    readAt: instant('read_at'),
  },
  (t) => [index('notifications_created_idx').on(t.createdAt)],
);

/**
 * An email to send for a notification. The attempt is recorded before the provider is called, so a
 * crash mid-send never leads to a second email (at most once for SMTP; Resend also gets an
 * idempotency key).
 */
export const emailDeliveries = pgTable(
  'email_deliveries',
  {
    id: uuid('id').primaryKey(),
    notificationId: uuid('notification_id').notNull(),
    reminderIds: jsonb('reminder_ids').notNull().default(sql`'[]'::jsonb`),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at'),
    leaseOwner: text('lease_owner'),
    leaseUntil: instant('lease_until'),
    lastError: text('last_error'),
    providerId: text('provider_id'),
    createdAt: instant('created_at').notNull(),
    sentAt: instant('sent_at'),
  },
  (t) => [index('email_deliveries_pending_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`)],
);

/** The Web Push application server keys (RFC 8292), made once when none are configured (one row). */
export const pushVapidKeys = pgTable('push_vapid_keys', {
  id: text('id').primaryKey(),
  /** base64url of the uncompressed P-256 point: the browsers' `applicationServerKey`. */
  publicKey: text('public_key').notNull(),
  /** base64url of the 32-byte private scalar. */
  privateKey: text('private_key').notNull(),
  createdAt: instant('created_at').notNull(),
});

/** A browser's push subscription (its `PushSubscription`): where to push and the keys to encrypt for. */
export const pushSubscriptions = pgTable('push_subscriptions', {
  id: uuid('id').primaryKey(),
  endpoint: text('endpoint').notNull().unique(),
  p256dh: text('p256dh').notNull(),
  auth: text('auth').notNull(),
  expirationTime: instant('expiration_time'),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
});

/**
 * One push of a reminder (or digest) to one subscription. Like an email: the attempt is recorded
 * before the push service is called, so an attempt cut off mid-request is never repeated.
 */
export const pushDeliveries = pgTable(
  'push_deliveries',
  {
    id: uuid('id').primaryKey(),
    /** Null once the subscription is gone; the row stays as the record of what happened. */
    subscriptionId: uuid('subscription_id').references(() => pushSubscriptions.id, { onDelete: 'set null' }),
    /** The reminder.due event this push announces: one push per (subscription, event). */
    sourceEventId: text('source_event_id').notNull(),
    reminderIds: jsonb('reminder_ids').notNull().default(sql`'[]'::jsonb`),
    taskIds: jsonb('task_ids').notNull().default(sql`'[]'::jsonb`),
    /** The message before encryption (a fresh key and salt are used for every attempt). */
    payload: jsonb('payload').notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at'),
    leaseOwner: text('lease_owner'),
    leaseUntil: instant('lease_until'),
    /** The push service's answer to the last attempt (HTTP status), when there was one. */
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    createdAt: instant('created_at').notNull(),
    sentAt: instant('sent_at'),
  },
  (t) => [
    uniqueIndex('push_deliveries_once_uq').on(t.subscriptionId, t.sourceEventId),
    index('push_deliveries_pending_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
  ],
);
