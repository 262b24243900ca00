CREATE INDEX "outbox_event_id_idx" ON "outbox" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "outbox_created_idx" ON "outbox" USING btree ("created_at");