CREATE TABLE "event_occurrences" (
	"event_id" text NOT NULL,
	"inbox_id" text NOT NULL,
	"original_start_at" timestamp with time zone NOT NULL,
	"id" text NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"end_at" timestamp with time zone NOT NULL,
	"occurs_at" timestamp with time zone NOT NULL,
	"all_day" boolean NOT NULL,
	CONSTRAINT "event_occurrences_event_id_original_start_at_pk" PRIMARY KEY("event_id","original_start_at")
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "unindexed_from" timestamp with time zone DEFAULT '-infinity';--> statement-breakpoint
ALTER TABLE "event_occurrences" ADD CONSTRAINT "event_occurrences_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "event_occurrences_window_idx" ON "event_occurrences" USING btree ("inbox_id","start_at",id COLLATE "C");--> statement-breakpoint
CREATE INDEX "event_occurrences_long_idx" ON "event_occurrences" USING btree ("inbox_id","start_at") WHERE end_at - start_at > interval '1 day';--> statement-breakpoint
CREATE INDEX "event_occurrences_series_due_idx" ON "event_occurrences" USING btree ("occurs_at") WHERE id <> event_id;--> statement-breakpoint
CREATE INDEX "events_unindexed_idx" ON "events" USING btree ("unindexed_from") WHERE unindexed_from IS NOT NULL;--> statement-breakpoint
CREATE INDEX "events_inbox_unindexed_idx" ON "events" USING btree ("inbox_id","unindexed_from") WHERE unindexed_from IS NOT NULL;--> statement-breakpoint
-- Timed single events are indexed here (their one row needs no zone maths); series and all-day
-- events stay '-infinity' and are indexed by the minute scan, a batch at a time.
INSERT INTO "event_occurrences" ("event_id", "inbox_id", "original_start_at", "id", "start_at", "end_at", "occurs_at", "all_day")
SELECT "id", "inbox_id", "start_at", "id", "start_at", "start_at" + "duration_seconds" * interval '1 second', "start_at", false
FROM "events" WHERE NOT "is_recurring" AND NOT ("start_local" LIKE '%T00:00:00' AND "duration_seconds" % 86400 = 0);--> statement-breakpoint
UPDATE "events" SET "unindexed_from" = NULL
WHERE NOT "is_recurring" AND NOT ("start_local" LIKE '%T00:00:00' AND "duration_seconds" % 86400 = 0);
