ALTER TABLE "threads" ADD COLUMN "last_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "threads" ADD COLUMN "last_status" "message_status";--> statement-breakpoint
ALTER TABLE "threads" ADD COLUMN "last_to" jsonb;--> statement-breakpoint
-- Threads stored before these columns: their last message's facts.
UPDATE "threads" t SET "last_sent_at" = m."sent_at", "last_status" = m."status", "last_to" = m."to"
FROM "messages" m WHERE m."id" = t."last_message_id";--> statement-breakpoint
ALTER TABLE "threads" ALTER COLUMN "last_sent_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "threads" ALTER COLUMN "last_status" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "threads" ALTER COLUMN "last_to" SET NOT NULL;
