DROP INDEX "event_occurrences_window_idx";--> statement-breakpoint
DROP INDEX "event_occurrences_long_idx";--> statement-breakpoint
CREATE INDEX "event_occurrences_window_idx" ON "event_occurrences" USING btree ("inbox_id","start_at",id COLLATE "C","end_at","event_id","original_start_at");--> statement-breakpoint
CREATE INDEX "event_occurrences_long_idx" ON "event_occurrences" USING btree ("inbox_id","start_at",id COLLATE "C","end_at","event_id","original_start_at") WHERE end_at - start_at > interval '1 day';