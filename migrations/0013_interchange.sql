ALTER TABLE "calendars" ADD COLUMN "feed_token" text DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '') NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "uid" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "uid" text;--> statement-breakpoint
CREATE UNIQUE INDEX "calendars_feed_token_idx" ON "calendars" USING btree ("feed_token");--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_inbox_uid_idx" ON "contacts" USING btree ("inbox_id","uid") WHERE uid IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "events_inbox_uid_idx" ON "events" USING btree ("inbox_id","uid") WHERE uid IS NOT NULL;