CREATE TABLE "email_deliveries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"notification_id" uuid NOT NULL,
	"reminder_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"to_address" text NOT NULL,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"html_body" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone,
	"lease_owner" text,
	"lease_until" timestamp (3) with time zone,
	"last_error" text,
	"provider_id" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"sent_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"task_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reminder_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"read_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "reminders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"task_id" uuid NOT NULL,
	"minutes_before" integer NOT NULL,
	"channel" text NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"trigger_at" timestamp (3) with time zone NOT NULL,
	"status" text NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp (3) with time zone,
	"fired_at" timestamp (3) with time zone,
	"late_ms" integer,
	"last_error" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "task_series" ADD COLUMN "deferred_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "task_series" ADD COLUMN "deferred_index" integer;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "occurrence_index" integer;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_deliveries_pending_idx" ON "email_deliveries" USING btree ("next_attempt_at") WHERE "email_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "notifications_created_idx" ON "notifications" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "reminders_task_spec_uq" ON "reminders" USING btree ("task_id","minutes_before","channel");--> statement-breakpoint
CREATE INDEX "reminders_due_idx" ON "reminders" USING btree ("trigger_at") WHERE "reminders"."status" = 'scheduled';--> statement-breakpoint
CREATE INDEX "task_series_deferred_idx" ON "task_series" USING btree ("deferred_at") WHERE "task_series"."deferred_at" is not null;